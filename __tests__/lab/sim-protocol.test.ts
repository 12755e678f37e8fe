import { CreateRepositoryCommand, DescribeRepositoriesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { ECSClient, ListClustersCommand } from '@aws-sdk/client-ecs';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterEach, describe, expect, it } from 'vitest';
import { jsonBody } from '../../lab/sim/protocol/json.js';
import { parseQueryBody } from '../../lab/sim/protocol/query.js';
import { xmlError, xmlResult } from '../../lab/sim/protocol/xml.js';
import { isMutation } from '../../lab/sim/recorder.js';
import { errorOf, type Harness, MODES, openLab } from './sim-harness.js';

describe('wire pieces', () => {
  it('turns query lists (member, model element names, flattened) into arrays', () => {
    const { action, input } = parseQueryBody(
      'Action=DescribeDBInstances&Version=2014-10-31&Filters.Filter.1.Name=engine&Filters.Filter.1.Values.Value.1=postgres' +
        '&Filters.Filter.1.Values.Value.2=mysql&Names.member.2=b&Names.member.1=a&Flat.1=x&Tags.member.1.Key=k&Tags.member.1.Value=v&Empty=',
    );
    expect(action).toBe('DescribeDBInstances');
    expect(input).toEqual({
      Filters: [{ Name: 'engine', Values: ['postgres', 'mysql'] }],
      Names: ['a', 'b'],
      Flat: ['x'],
      Tags: [{ Key: 'k', Value: 'v' }],
      Empty: '',
    });
  });

  it('writes query XML with the model list element names, ISO timestamps and escaping', () => {
    const xml = xmlResult(
      'DescribeDBInstances',
      {
        DBInstances: [
          { DBInstanceIdentifier: 'a&b', InstanceCreateTime: new Date(0), VpcSecurityGroups: [] },
        ],
      },
      { requestId: 'r1', listMembers: { DBInstances: 'DBInstance' } },
    );
    expect(xml).toContain(
      '<DescribeDBInstancesResponse><DescribeDBInstancesResult><DBInstances><DBInstance><DBInstanceIdentifier>a&amp;b</DBInstanceIdentifier>' +
        '<InstanceCreateTime>1970-01-01T00:00:00.000Z</InstanceCreateTime><VpcSecurityGroups></VpcSecurityGroups></DBInstance></DBInstances>',
    );
    expect(xml).toContain('<ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata>');
    expect(
      xmlError({ code: 'Throttling', message: 'Rate exceeded', fault: 'client', requestId: 'r' }),
    ).toContain(
      '<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>r</RequestId>',
    );
  });

  it('writes JSON timestamps as fractional epoch seconds and drops undefined members', () => {
    expect(jsonBody({ at: new Date(1466801808595), gone: undefined, list: [new Date(1000)] })).toBe(
      '{"at":1466801808.595,"list":[1]}',
    );
  });

  it('counts every non-read operation as a mutation', () => {
    for (const op of ['DescribeServices', 'ListTasks', 'GetLogEvents', 'BatchGetImage', 'FilterLogEvents']) {
      expect(isMutation(op)).toBe(false);
    }
    for (const op of [
      'UpdateService',
      'PutImage',
      'RunTask',
      'TagResource',
      'SetAlarmState',
      'CreateDBSnapshot',
    ]) {
      expect(isMutation(op)).toBe(true);
    }
  });
});

describe.each(MODES)('dispatch, faults and recorder (%s)', (mode) => {
  let h: Harness;
  afterEach(async () => h.close());

  it('answers an unknown JSON operation with UnknownOperationException and a query one with InvalidAction', async () => {
    h = await openLab(mode);
    const ecsOps = h.lab.services.ecs as Record<string, unknown>;
    delete ecsOps.ListClusters;
    const err = await errorOf(new ECSClient(h.config).send(new ListClustersCommand({})));
    expect(err.name).toBe('UnknownOperationException');
    const stsOps = h.lab.services.sts as Record<string, unknown>;
    delete stsOps.GetCallerIdentity;
    const qerr = await errorOf(new STSClient(h.config).send(new GetCallerIdentityCommand({})));
    expect(qerr.name).toBe('InvalidAction');
    expect(qerr.$fault).toBe('client');
  });

  it('throttles with ThrottlingException "Rate exceeded" before the operation runs, `times` times', async () => {
    h = await openLab(mode);
    h.lab.faults.add({ service: 'ecr', operation: 'CreateRepository', kind: 'throttle', times: 1 });
    const ecr = new ECRClient(h.config);
    const err = await errorOf(ecr.send(new CreateRepositoryCommand({ repositoryName: 'app' })));
    expect(err.name).toBe('ThrottlingException');
    expect(err.message).toBe('Rate exceeded');
    expect((err.$metadata as { httpStatusCode: number }).httpStatusCode).toBe(400);
    expect(h.lab.ecr.repositories.has('app')).toBe(false);
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'app' }));
    expect(h.lab.ecr.repositories.has('app')).toBe(true);
    const calls = h.lab.recorder.calls('ecr', 'CreateRepository');
    expect(calls.map((c) => c.error?.fault ?? 'ok')).toEqual(['throttle', 'ok']);
  });

  it('throttles query services with the Throttling code, which the SDK retries', async () => {
    h = await openLab(mode);
    h.lab.faults.add({ service: 'sts', kind: 'throttle', times: 2 });
    const sts = new STSClient({ ...h.config, maxAttempts: 3 });
    const out = await sts.send(new GetCallerIdentityCommand({}));
    expect(out.Account).toBe('111122223333');
    expect(h.lab.recorder.calls('sts').map((c) => c.error?.code ?? 'ok')).toEqual([
      'Throttling',
      'Throttling',
      'ok',
    ]);
  });

  it('answers server errors with 500 InternalFailure and 503 ServiceUnavailable', async () => {
    h = await openLab(mode);
    h.lab.faults.add({ service: 'ecr', kind: 'server-error', times: 1 });
    h.lab.faults.add({ service: 'ecr', kind: 'server-error', status: 503, times: 1 });
    const ecr = new ECRClient(h.config);
    const first = await errorOf(ecr.send(new DescribeRepositoriesCommand({})));
    expect(first.name).toBe('InternalFailure');
    expect(first.$fault).toBe('server');
    const second = await errorOf(ecr.send(new DescribeRepositoriesCommand({})));
    expect(second.name).toBe('ServiceUnavailable');
    expect((second.$metadata as { httpStatusCode: number }).httpStatusCode).toBe(503);
  });

  it('resets the connection (ECONNRESET), which the SDK retries as transient', async () => {
    h = await openLab(mode);
    h.lab.faults.add({ service: 'ecr', kind: 'reset', times: 1 });
    const err = await errorOf(new ECRClient(h.config).send(new DescribeRepositoriesCommand({})));
    expect(err.code).toBe('ECONNRESET');
    h.lab.faults.add({ service: 'ecr', kind: 'reset', times: 1 });
    const out = await new ECRClient({ ...h.config, maxAttempts: 2 }).send(
      new DescribeRepositoriesCommand({}),
    );
    expect(out.repositories).toEqual([]);
  });

  it('fails every call with expired credentials until the fault is removed', async () => {
    h = await openLab(mode);
    const fault = h.lab.faults.add({ service: '*', kind: 'expired-credentials', times: 1 });
    const ecs = new ECSClient(h.config);
    for (let i = 0; i < 3; i += 1) {
      expect((await errorOf(ecs.send(new ListClustersCommand({})))).name).toBe('ExpiredTokenException');
    }
    expect((await errorOf(new STSClient(h.config).send(new GetCallerIdentityCommand({})))).name).toBe(
      'ExpiredToken',
    );
    fault.remove();
    await ecs.send(new ListClustersCommand({}));
  });

  it('adds latency on the lab clock and records each call with its time', async () => {
    h = await openLab(mode);
    h.lab.faults.add({ service: 'ecr', operation: 'DescribeRepositories', kind: 'latency', latencyMs: 5000 });
    const before = h.clock.now();
    await new ECRClient(h.config).send(new DescribeRepositoriesCommand({}));
    expect(h.clock.now() - before).toBe(5000);
    const [call] = h.lab.recorder.calls('ecr');
    expect(call).toMatchObject({ at: before, service: 'ecr', operation: 'DescribeRepositories', input: {} });
  });

  it('lists mutations only, and clears', async () => {
    h = await openLab(mode);
    const ecr = new ECRClient(h.config);
    await ecr.send(new DescribeRepositoriesCommand({}));
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'web' }));
    await errorOf(ecr.send(new CreateRepositoryCommand({ repositoryName: 'web' })));
    expect(h.lab.recorder.mutations().map((c) => [c.operation, c.error?.code])).toEqual([
      ['CreateRepository', undefined],
      ['CreateRepository', 'RepositoryAlreadyExistsException'],
    ]);
    expect(h.lab.recorder.calls('ecr', 'CreateRepository')[0]?.input).toEqual({ repositoryName: 'web' });
    h.lab.recorder.clear();
    expect(h.lab.recorder.calls()).toEqual([]);
  });
});
