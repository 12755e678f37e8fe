import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPermanentAwsError } from '../../src/aws/classify';
import { isTransientAwsError, jittered, ROLLBACK_RETRY_DELAYS_MS, untilAccepted } from '../../src/aws/retry';
import { finishRollbackCommand } from '../../src/engine/back/finish-command';

const sdkError = (name: string, status?: number, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error('x'), {
    name,
    ...(status ? { $metadata: { httpStatusCode: status } } : {}),
    ...extra,
  });

describe('isTransientAwsError', () => {
  it('retries throttling, 5xx and dropped connections', () => {
    expect(isTransientAwsError(sdkError('ThrottlingException', 400))).toBe(true);
    expect(isTransientAwsError(sdkError('Throttling', 400))).toBe(true);
    expect(isTransientAwsError(sdkError('ServerException', 500))).toBe(true);
    expect(isTransientAwsError(sdkError('ServiceUnavailable', 503))).toBe(true);
    expect(isTransientAwsError(sdkError('Error', undefined, { code: 'ECONNRESET' }))).toBe(true);
    expect(isTransientAwsError(sdkError('TimeoutError'))).toBe(true);
  });

  it('does not retry what waiting cannot fix', () => {
    expect(isTransientAwsError(sdkError('ExpiredTokenException', 400))).toBe(false);
    expect(isTransientAwsError(sdkError('AccessDeniedException', 400))).toBe(false);
    expect(isTransientAwsError(sdkError('InvalidParameterException', 400))).toBe(false);
    expect(isTransientAwsError(new Error('UpdateService returned no PRIMARY deployment for x'))).toBe(false);
    expect(isTransientAwsError('ThrottlingException')).toBe(false);
    expect(isTransientAwsError(undefined)).toBe(false);
  });
});

describe('the SDK classifiers widen what is transient', () => {
  it('retries what the SDK retries: more throttling codes, timeouts, unreachable hosts, any 5xx, a 429', () => {
    expect(isTransientAwsError(sdkError('LimitExceededException', 400))).toBe(true);
    expect(isTransientAwsError(sdkError('RequestTimeoutException', 400))).toBe(true);
    expect(isTransientAwsError(sdkError('Error', undefined, { code: 'EHOSTUNREACH' }))).toBe(true);
    expect(isTransientAwsError(sdkError('NotImplemented', 501))).toBe(true);
    expect(isTransientAwsError(sdkError('SomethingNew', 429))).toBe(true);
    expect(isTransientAwsError(sdkError('Error', undefined, { cause: sdkError('TimeoutError') }))).toBe(true);
    // The project's own addition: a connection the client aborted.
    expect(isTransientAwsError(sdkError('Error', undefined, { code: 'ECONNABORTED' }))).toBe(true);
    // A cancelled call is not retried.
    expect(isTransientAwsError(sdkError('AbortError', undefined, { cause: sdkError('TimeoutError') }))).toBe(
      false,
    );
  });

  it('calls permanent only what waiting cannot fix and the SDK would not retry', () => {
    expect(isPermanentAwsError(sdkError('ExpiredTokenException', 400))).toBe(true);
    expect(isPermanentAwsError(sdkError('AccessDeniedException', 400))).toBe(true);
    expect(isPermanentAwsError(sdkError('ClusterNotFoundException', 400))).toBe(true);
    expect(isPermanentAwsError(sdkError('ThrottlingException', 400))).toBe(false);
    expect(isPermanentAwsError(sdkError('InvalidParameterException', 400))).toBe(false);
  });
});

describe('finishRollbackCommand', () => {
  it('is one shell line: an update-service per service, joined with &&', () => {
    expect(
      finishRollbackCommand('eu-west-1', 'demo', [
        { service: 'a', taskDefinitionArn: 'arn:td/a:1' },
        { service: 'b', taskDefinitionArn: 'arn:td/b:4' },
      ]),
    ).toBe(
      'aws ecs update-service --region eu-west-1 --cluster demo --service a --task-definition arn:td/a:1 && ' +
        'aws ecs update-service --region eu-west-1 --cluster demo --service b --task-definition arn:td/b:4',
    );
  });
});

describe('untilAccepted: jittered pauses, each in the upper half of its step', () => {
  it('draws every pause between half its step and the step', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.integer({ min: 2, max: 60_000 }),
        (r, delay) => {
          const pause = jittered(delay, () => r);
          return pause >= delay / 2 - 0.5 && pause <= delay + 0.5;
        },
      ),
    );
  });

  it('pauses between calls by the jittered steps, and makes the call again until it is accepted', async () => {
    const slept: number[] = [];
    let calls = 0;
    const throttled = Object.assign(new Error('Rate exceeded'), {
      name: 'ThrottlingException',
      $metadata: { httpStatusCode: 400 },
    });
    const result = await untilAccepted(
      { clock: { sleep: async (ms: number) => void slept.push(ms) } },
      async () => {
        calls++;
        if (calls < 4) throw throttled;
        return 'accepted';
      },
    );
    expect(result).toBe('accepted');
    expect(calls).toBe(4);
    expect(slept).toHaveLength(3);
    ROLLBACK_RETRY_DELAYS_MS.slice(0, 3).forEach((step, i) => {
      expect(slept[i]).toBeGreaterThanOrEqual(step / 2);
      expect(slept[i]).toBeLessThanOrEqual(step);
    });
  });
});
