import { describe, expect, it } from 'vitest';
import {
  dedupeCalls,
  formatReport,
  IdMap,
  inMotoTerms,
  judge,
  kindOf,
  pythonException,
  replayPlan,
  shapeKey,
  worseVerdict,
} from '../../lab/moto/replay';

const call = (operation: string, input: Record<string, unknown>, service = 'ecs') => ({
  service,
  operation,
  input,
});

describe('replay: request shapes', () => {
  it('keeps the first call of each input shape, whatever the values', () => {
    const calls = [
      call('DescribeServices', { cluster: 'a', services: ['x', 'y'], include: ['TAGS'] }),
      call('DescribeServices', { services: ['z'], cluster: 'b', include: ['TAGS'] }),
      call('DescribeServices', { cluster: 'a', services: ['x'] }),
      call('DescribeServices', { cluster: 'a', services: ['x'] }, 'other'),
    ];
    expect(dedupeCalls(calls)).toEqual([calls[0], calls[2], calls[3]]);
  });

  it('tells DescribeAlarms by names from DescribeAlarms by prefix', () => {
    expect(
      shapeKey(call('DescribeAlarms', { AlarmNames: ['a'], AlarmTypes: ['MetricAlarm'] }, 'monitoring')),
    ).not.toBe(
      shapeKey(call('DescribeAlarms', { AlarmNamePrefix: 'a', AlarmTypes: ['MetricAlarm'] }, 'monitoring')),
    );
  });
});

describe('replay: what is sent to moto', () => {
  it('sends the first call of each shape, and every later call that changed the lab, so moto keeps up', () => {
    const calls = [
      call('CreateRepository', { repositoryName: 'a/frontend' }, 'ecr'),
      call('DescribeImages', { repositoryName: 'a/backend' }, 'ecr'),
      call('CreateRepository', { repositoryName: 'a/backend' }, 'ecr'),
      call('DescribeImages', { repositoryName: 'a/frontend' }, 'ecr'),
      { ...call('CreateRepository', { repositoryName: 'a/frontend' }, 'ecr'), error: { code: 'X' } },
    ];
    expect(replayPlan(calls)).toEqual([calls[0], calls[1], calls[2]]);
  });

  it('keeps the worst answer of a shape sent more than once', () => {
    expect(worseVerdict('accepted', 'malformed')).toBe(true);
    expect(worseVerdict('accepted', 'other')).toBe(true);
    expect(worseVerdict('malformed', 'accepted')).toBe(false);
    expect(worseVerdict('accepted', 'accepted')).toBe(false);
  });

  it('hands moto a log position in its own token form; everything else unchanged', () => {
    const token = `f/${'0'.repeat(54)}12/s`;
    const get = call('GetLogEvents', { logGroupName: 'g', nextToken: token }, 'logs');
    expect(inMotoTerms(get).input).toEqual({ logGroupName: 'g', nextToken: 'f/12' });
    const other = call('DescribeServices', { nextToken: token });
    expect(inMotoTerms(other)).toBe(other);
  });
});

describe('replay: lab ids become moto ids', () => {
  const labTask = 'arn:aws:ecs:eu-west-1:123456789012:task/demo/b24f9802932a90106aacaaf0de0d8951';
  const motoTask = 'arn:aws:ecs:eu-west-1:123456789012:task/demo/063f95a4-0120-4d88-9b74-77fac50b71d1';

  it('pairs ids found at the same place in two answers, and rewrites them inside other strings', () => {
    const ids = new IdMap();
    ids.learn(
      { tasks: [{ taskArn: labTask, lastStatus: 'PENDING' }] },
      { tasks: [{ taskArn: motoTask, lastStatus: 'RUNNING' }] },
    );
    expect(
      ids.rewrite({ task: labTask, logStreamName: 'ecs/api/b24f9802932a90106aacaaf0de0d8951', n: 1 }),
    ).toEqual({
      task: motoTask,
      logStreamName: 'ecs/api/063f95a4-0120-4d88-9b74-77fac50b71d1',
      n: 1,
    });
  });

  it('never maps an id to an id of another kind (moto gives a container the task definition ARN as taskArn)', () => {
    const ids = new IdMap();
    ids.learn(
      { containers: [{ taskArn: labTask }] },
      { containers: [{ taskArn: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/demo-api:2' }] },
    );
    expect(ids.entries()).toEqual([]);
    expect(kindOf(labTask)).toBe('ecs:task');
    expect(kindOf('sha256:abc')).toBe('sha256');
  });

  it('ignores values that are not ids (statuses, tokens, names)', () => {
    const ids = new IdMap();
    ids.learn(
      { nextToken: 'f/0000000000/s', status: 'ACTIVE' },
      { nextToken: 'f/1111111111/s', status: 'DRAFT' },
    );
    expect(ids.entries()).toEqual([]);
  });
});

describe('replay: judging moto’s answer', () => {
  const c = call('RunTask', {});
  it('accepts a success, and a semantic error only when the lab gave the same one', () => {
    expect(judge(c, undefined, undefined).verdict).toBe('accepted');
    const notFound = { code: 'RepositoryNotFoundException', message: 'not found' };
    expect(judge(c, notFound, notFound).verdict).toBe('accepted');
    expect(judge(c, notFound, undefined).verdict).toBe('other');
  });

  it('calls validation and serialization errors malformed, even when the lab rejected the call the same way', () => {
    const e = { code: 'InvalidParameterException', message: 'Network Configuration must be provided' };
    expect(judge(c, e, undefined)).toEqual({
      verdict: 'malformed',
      detail: 'InvalidParameterException: Network Configuration must be provided',
    });
    expect(judge(c, { code: 'SerializationException', message: 'x' }, undefined).verdict).toBe('malformed');
  });

  it('does not judge what moto does not implement', () => {
    const e = {
      code: 'InternalFailure',
      message: 'The put_thing action has not been implemented',
      status: 500,
    };
    expect(judge(c, e, undefined).verdict).toBe('not-implemented');
    expect(judge(c, { code: 'NotImplementedError', message: '' }, undefined).verdict).toBe('not-implemented');
  });

  it('reads why moto answered a bare 500 from the traceback it printed', () => {
    const output = [
      '127.0.0.1 - - "POST / HTTP/1.1" 200 -',
      'Traceback (most recent call last):',
      '  File "moto/core/responses.py", line 1, in call_action',
      'NotImplementedError: The describe_x action has not been implemented',
      '127.0.0.1 - - "POST / HTTP/1.1" 500 -',
    ].join('\n');
    const e = pythonException(output);
    expect(e).toEqual({
      code: 'NotImplementedError',
      message: 'The describe_x action has not been implemented',
      status: 500,
    });
    expect(e && judge(c, e, undefined).verdict).toBe('not-implemented');
    expect(pythonException('127.0.0.1 - - "POST / HTTP/1.1" 200 -')).toBeUndefined();
  });

  it('explains a known difference with its reason', () => {
    const known = [{ service: 'ecs', operation: 'RunTask', code: 'ClientException', reason: 'moto wants X' }];
    expect(judge(c, { code: 'ClientException', message: 'no' }, undefined, known)).toEqual({
      verdict: 'explained',
      detail: 'moto wants X (ClientException: no)',
    });
  });

  it('prints one row per shape', () => {
    const text = formatReport([
      { service: 'ecs', operation: 'RunTask', calls: 2, verdict: 'accepted', detail: '', input: {} },
    ]);
    expect(text.split('\n')).toEqual([
      'service  operation  calls  verdict   detail',
      '-------  ---------  -----  --------  ------',
      'ecs      RunTask    2      accepted',
    ]);
  });
});
