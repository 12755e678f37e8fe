/** The migrate stage's decisions, as pure functions. */
import type { Task } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { databaseEnv, parseDbSecret, redact } from '../../src/migrate/db-env';
import { logTarget } from '../../src/migrate/log-target';
import { Ring } from '../../src/migrate/ring';
import { onDemandStrategy, startedByFor } from '../../src/migrate/run-task-input';
import { shouldMigrate } from '../../src/migrate/should-migrate';
import { taskOutcome } from '../../src/migrate/task-outcome';

describe('shouldMigrate', () => {
  const base = { service: 'api', container: 'app', always: false };
  it('migrates when the image changes, even when only migration-always is off', () => {
    expect(shouldMigrate({ ...base, currentImage: 'r@sha256:a', newImage: 'r@sha256:b' })).toEqual({
      migrate: true,
      detail: 'container app of service api changes image to r@sha256:b',
    });
  });
  it('skips an unchanged image unless migration-always', () => {
    const same = { ...base, currentImage: 'r@sha256:a', newImage: 'r@sha256:a' };
    expect(shouldMigrate(same).migrate).toBe(false);
    expect(shouldMigrate(same).detail).toMatch(/^skipped: .*set migration-always/);
    expect(shouldMigrate({ ...same, always: true }).migrate).toBe(true);
  });
});

describe('RunTask input', () => {
  it('swaps FARGATE_SPOT for FARGATE, merging weights and keeping one base', () => {
    expect(
      onDemandStrategy([
        { capacityProvider: 'FARGATE_SPOT', weight: 4, base: 2 },
        { capacityProvider: 'FARGATE', weight: 1 },
      ]),
    ).toEqual([{ capacityProvider: 'FARGATE', weight: 5, base: 2 }]);
    expect(onDemandStrategy([{ capacityProvider: 'FARGATE_SPOT', weight: 0 }])).toEqual([
      { capacityProvider: 'FARGATE', weight: 1 },
    ]);
    expect(onDemandStrategy([{ capacityProvider: 'my-asg', weight: 1 }])).toEqual([
      { capacityProvider: 'my-asg', weight: 1 },
    ]);
  });
  it('names the release in startedBy within 36 allowed characters', () => {
    const s = startedByFor('v1.2.3+build.77/with spaces and a very long tail');
    expect(s.length).toBeLessThanOrEqual(36);
    expect(s).toMatch(/^ecs-release\/[A-Za-z0-9_/-]+$/);
    expect(startedByFor('0123456789abcdef0123456789abcdef01234567')).toBe(
      'ecs-release/0123456789abcdef01234567',
    );
  });
});

describe('taskOutcome', () => {
  const stopped = (extra: Partial<Task>, container: Task['containers'] = []): Task => ({
    lastStatus: 'STOPPED',
    containers: container,
    ...extra,
  });
  it('succeeds only on exit code 0 from the container itself', () => {
    expect(
      taskOutcome(
        stopped({ stopCode: 'EssentialContainerExited', startedAt: new Date() }, [
          { name: 'app', exitCode: 0 },
        ]),
        'app',
      ),
    ).toEqual({ ok: true });
    const user = taskOutcome(
      stopped({ stopCode: 'UserInitiated', stoppedReason: 'by ops', startedAt: new Date() }, [
        { name: 'app', exitCode: 0 },
      ]),
      'app',
    );
    expect(user).toMatchObject({ ok: false, kind: 'stopped' });
  });
  it('explains an exit code with the container reason', () => {
    const out = taskOutcome(
      stopped({ stopCode: 'EssentialContainerExited', startedAt: new Date() }, [
        { name: 'app', exitCode: 137, reason: 'OutOfMemoryError: Container killed due to memory usage' },
      ]),
      'app',
    );
    expect(out).toMatchObject({ ok: false, kind: 'exit', exitCode: 137 });
    expect(out.ok ? '' : out.summary).toMatch(/exited with code 137 \(OutOfMemoryError.*more memory/);
  });
  it('explains a task that never ran', () => {
    const out = taskOutcome(
      stopped(
        { stopCode: 'TaskFailedToStart', stoppedReason: 'CannotPullContainerError: pull access denied' },
        [{ name: 'app' }],
      ),
      'app',
    );
    expect(out).toMatchObject({ ok: false, kind: 'not-started' });
    expect(out.ok ? '' : out.summary).toBe(
      'the migration task never ran: TaskFailedToStart: CannotPullContainerError: pull access denied. ECS could not pull the image: check that it exists in ECR, that the task execution role may pull it, and that the subnets reach ECR (NAT gateway or VPC endpoints)',
    );
  });
});

describe('logTarget', () => {
  const awslogs = (options: Record<string, string>) => ({
    name: 'app',
    logConfiguration: { logDriver: 'awslogs' as const, options },
  });
  it('builds <prefix>/<container>/<task id>, else the container id', () => {
    expect(
      logTarget(awslogs({ 'awslogs-group': '/ecs/api', 'awslogs-stream-prefix': 'ecs' }), 'abc'),
    ).toEqual({
      kind: 'awslogs',
      group: '/ecs/api',
      stream: 'ecs/app/abc',
    });
    expect(logTarget(awslogs({ 'awslogs-group': '/ecs/api' }), 'abc', 'docker123')).toMatchObject({
      stream: 'docker123',
    });
    expect(logTarget({ name: 'app', logConfiguration: { logDriver: 'splunk' } }, 'abc')).toEqual({
      kind: 'none',
      reason: 'container app logs with the splunk driver, not awslogs',
    });
  });
});

describe('database credentials', () => {
  it('URL-encodes the credentials and never quotes a bad secret', () => {
    const secret = parseDbSecret(
      '{"username":"app user","password":"p@ss:/w%d","port":"6432","dbname":"db"}',
      'arn:s',
    );
    expect(databaseEnv(secret, { host: 'db.example', port: 6432 }, 'db')).toEqual({
      DATABASE_URL: 'postgresql://app%20user:p%40ss%3A%2Fw%25d@db.example:6432/db',
      PGHOST: 'db.example',
      PGPORT: '6432',
      PGUSER: 'app user',
      PGPASSWORD: 'p@ss:/w%d',
      PGDATABASE: 'db',
    });
    expect(() => parseDbSecret('not json hunter2', 'arn:s')).toThrow(/is not JSON/);
    expect(() => parseDbSecret('not json hunter2', 'arn:s')).not.toThrow(/hunter2/);
    expect(redact('url p%40ss and p@ss', ['p@ss', 'p%40ss'])).toBe('url *** and ***');
  });
});

describe('Ring', () => {
  it('keeps the last n, oldest first', () => {
    const r = new Ring<number>(3);
    for (let i = 1; i <= 7; i += 1) r.push(i);
    expect(r.toArray()).toEqual([5, 6, 7]);
  });
});
