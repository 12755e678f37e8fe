/**
 * Task mode against the lab on the virtual clock, with scripted tasks (no Docker):
 * the ECS task's lifecycle, exit code and log lines come from `lab.ecs.behave`.
 */
import { describe, expect, it } from 'vitest';
import { MigrationError, runMigration } from '../../src/migrate';
import { testConfig } from '../support/config';
import { createWorld, type World } from '../support/world';
import {
  CLUSTER,
  CONTAINER,
  FAMILY,
  migrationConfig,
  NETWORK,
  type SeedOptions,
  seedMigrationService,
} from './seed';

const config = migrationConfig;

async function setup(seed: SeedOptions = {}) {
  const world = createWorld({ real: false });
  const handoff = await seedMigrationService(world, seed);
  return { world, ...handoff };
}

function migrationLines(world: World): string[] {
  return world.log.lines
    .filter((l) => l.level === 'info' && l.message.startsWith('| '))
    .map((l) => l.message.slice(2));
}

async function failure(p: Promise<unknown>): Promise<MigrationError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MigrationError);
  return error as MigrationError;
}

const calls = (world: World, op: string) => world.lab.recorder.calls('ecs', op);

describe('migrate, task mode (scripted lab tasks, virtual clock)', () => {
  it('runs the new revision in the service network and streams its output in order', async () => {
    const { world, preflight, render } = await setup();
    world.lab.ecs.behave(
      { family: FAMILY, revision: 2 },
      {
        outcome: 'exit',
        exitCode: 0,
        logLines: ['applying 001', 'applying 002', 'migrate: done'],
        after: 20_000,
      },
    );
    const started = world.clock.now();
    const result = await runMigration(world.context(config()), { preflight, render });

    expect(result.outcome).toBe('succeeded');
    expect(result.taskArn).toMatch(/:task\/demo\//);
    expect(result.detail).toMatch(/exited 0 after/);
    expect(migrationLines(world)).toEqual(['applying 001', 'applying 002', 'migrate: done']);
    const runs = calls(world, 'RunTask');
    expect(runs).toHaveLength(1);
    // The SDK adds a clientToken, so a retried RunTask does not start a second migration.
    expect(runs[0]?.input.clientToken).toEqual(expect.any(String));
    expect({ ...runs[0]?.input, clientToken: undefined }).toEqual({
      clientToken: undefined,
      cluster: CLUSTER,
      taskDefinition: render.services[0]?.targetArn,
      count: 1,
      startedBy: 'ecs-release/c0ffee000000000000000000',
      overrides: { containerOverrides: [{ name: CONTAINER, command: ['sh', '/app/migrate'] }] },
      networkConfiguration: NETWORK,
      launchType: 'FARGATE',
      platformVersion: '1.4.0',
    });
    expect(String(runs[0]?.input.taskDefinition)).toMatch(/demo-api:2$/);
    expect(calls(world, 'UpdateService')).toEqual([]);
    expect(calls(world, 'StopTask')).toEqual([]);
    // Provisioning + pending + 20 s of running, seen within a few polls.
    expect(world.clock.now() - started).toBeLessThan(60_000);
  });

  it('runs on FARGATE when the service uses FARGATE_SPOT', async () => {
    const { world, preflight, render } = await setup({
      capacityProviderStrategy: [
        { capacityProvider: 'FARGATE_SPOT', weight: 3 },
        { capacityProvider: 'FARGATE', base: 1, weight: 1 },
      ],
    });
    await runMigration(world.context(config()), { preflight, render });
    const input = calls(world, 'RunTask')[0]?.input;
    expect(input?.capacityProviderStrategy).toEqual([{ capacityProvider: 'FARGATE', weight: 4, base: 1 }]);
    expect(input?.launchType).toBeUndefined();
    expect(world.log.text()).toContain('FARGATE instead of FARGATE_SPOT');
  });

  it('fails on exit code 3 with the last 20 lines, and updates no service', async () => {
    const { world, preflight, render } = await setup();
    const lines = Array.from({ length: 30 }, (_, i) => `step ${i + 1}`);
    world.lab.ecs.behave({ family: FAMILY, revision: 2 }, { outcome: 'exit', exitCode: 3, logLines: lines });
    const error = await failure(runMigration(world.context(config()), { preflight, render }));

    expect(error.kind).toBe('exit');
    expect(error.details.exitCode).toBe(3);
    expect(error.message).toMatch(/container api exited with code 3/);
    expect(error.message).toContain('Nothing was deployed');
    expect(error.message).toContain('last 20 lines of output:\n  step 11\n');
    expect(error.message).toMatch(/ {2}step 30$/);
    expect(error.message).not.toMatch(/step 10\n/);
    expect(migrationLines(world)).toEqual(lines);
    expect(calls(world, 'UpdateService')).toEqual([]);
    expect(world.lab.recorder.mutations().map((c) => c.operation)).toEqual(['RunTask']);
  });

  it('shows the stop code and reason of a task that never ran', async () => {
    const { world, preflight, render } = await setup();
    world.lab.ecs.behave(
      { family: FAMILY, revision: 2 },
      {
        outcome: 'fail-to-start',
        reason:
          'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed',
      },
    );
    const error = await failure(runMigration(world.context(config()), { preflight, render }));
    expect(error.kind).toBe('not-started');
    expect(error.message).toContain(
      'the migration task never ran: TaskFailedToStart: ResourceInitializationError',
    );
    expect(error.message).toContain('check the task execution role');
    expect(error.details.exitCode).toBeUndefined();
  });

  it('reports RunTask failures[] (no capacity)', async () => {
    const { world, preflight, render } = await setup();
    world.lab.ecs.capacity(false);
    const error = await failure(runMigration(world.context(config()), { preflight, render }));
    expect(error.kind).toBe('run-failed');
    expect(error.message).toMatch(
      /could not start the migration task of demo-api:2 in cluster demo: RESOURCE:FARGATE/,
    );
    expect(error.message).toContain('no capacity');
  });

  it('stops a migration over its time-out and says so', async () => {
    const { world, preflight, render } = await setup();
    world.lab.ecs.behave(
      { family: FAMILY, revision: 2 },
      { outcome: 'hang', logLines: ['waiting for lock'] },
    );
    const started = world.clock.now();
    const error = await failure(
      runMigration(world.context(config({ timeoutMs: 5 * 60_000 })), { preflight, render }),
    );
    expect(error.kind).toBe('timeout');
    expect(error.message).toMatch(
      /^migration timed out: task \w+ was still RUNNING after 5m \(migration-timeout\)/,
    );
    expect(error.message).toContain('waiting for lock');
    const stops = calls(world, 'StopTask');
    expect(stops).toHaveLength(1);
    expect(stops[0]?.input).toMatchObject({ cluster: CLUSTER, task: error.details.taskArn });
    expect(String(stops[0]?.input.reason)).toContain('time-out');
    const elapsed = world.clock.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(5 * 60_000);
    expect(elapsed).toBeLessThan(5 * 60_000 + 10_000);
  });

  it('stops the task on cancellation and rethrows', async () => {
    const { world, preflight, render } = await setup();
    world.lab.ecs.behave({ family: FAMILY, revision: 2 }, { outcome: 'hang' });
    const reason = new Error('cancelled by the runner (SIGINT)');
    void world.clock.sleep(30_000).then(() => world.controller.abort(reason));
    const error = await runMigration(world.context(config()), { preflight, render }).catch((e: unknown) => e);
    expect(error).toBe(reason);
    const stops = calls(world, 'StopTask');
    expect(stops).toHaveLength(1);
    expect(String(stops[0]?.input.reason)).toContain('cancelled');
    expect(world.log.text()).toContain('migration: cancelled: stopping task');
  });

  it('skips when the migration image does not change, runs with migration-always', async () => {
    const image = '111122223333.dkr.ecr.eu-west-1.amazonaws.com/demo/backend@sha256:same';
    const { world, preflight, render } = await setup({ oldImage: image, newImage: image });
    const skipped = await runMigration(world.context(config()), { preflight, render });
    expect(skipped.outcome).toBe('skipped');
    expect(skipped.detail).toMatch(
      /container api of service demo-api keeps image .*sha256:same.*migration-always/,
    );
    expect(calls(world, 'RunTask')).toEqual([]);

    const always = await runMigration(world.context(config({ always: true })), { preflight, render });
    expect(always.outcome).toBe('succeeded');
    expect(calls(world, 'RunTask')).toHaveLength(1);
  });

  it('skips without a migration command', async () => {
    const world = createWorld({ real: false });
    const result = await runMigration(world.context(testConfig()), {
      preflight: { accountId: '1', services: [], repositories: {}, alarms: [], warnings: [] },
      render: { services: [] },
    });
    expect(result).toEqual({ outcome: 'skipped', detail: 'no migration command configured' });
    expect(world.lab.recorder.calls()).toEqual([]);
  });

  it('gives a notice and the exit code only for another log driver', async () => {
    const { world, preflight, render } = await setup({
      logConfiguration: { logDriver: 'json-file', options: {} },
    });
    world.lab.ecs.behave({ family: FAMILY, revision: 2 }, { outcome: 'exit', exitCode: 2 });
    const error = await failure(runMigration(world.context(config()), { preflight, render }));
    expect(world.log.lines).toContainEqual({
      level: 'notice',
      message:
        'migration: container api logs with the json-file driver, not awslogs: its output cannot be shown here, only the exit code',
    });
    expect(error.details.exitCode).toBe(2);
    expect(world.lab.recorder.calls('logs')).toEqual([]);
  });

  it('takes a snapshot named after the release before migrating', async () => {
    const { world, preflight, render } = await setup();
    world.lab.rds.addInstance({ id: 'demo-db' });
    const result = await runMigration(
      world.context(config({}, { database: { instance: 'demo-db', snapshot: true } })),
      { preflight, render },
    );
    expect(result.snapshot?.id).toBe('ecs-release-production-c0ffee000000-20261127120000');
    expect(result.snapshot?.ms).toBeGreaterThanOrEqual(60_000);
    expect(result.detail).toContain('snapshot ecs-release-production-c0ffee000000-20261127120000');
    expect(world.lab.recorder.mutations().map((c) => `${c.service}:${c.operation}`)).toEqual([
      'rds:CreateDBSnapshot',
      'ecs:RunTask',
    ]);
  });
});

describe('migrate, task mode: log paging', () => {
  it('streams 25,000 lines across GetLogEvents pages: none lost, none repeated', async () => {
    const { world, preflight, render } = await setup();
    const lines = Array.from(
      { length: 25_000 },
      (_, i) => `line ${String(i).padStart(5, '0')} ${'x'.repeat(i % 50)}`,
    );
    world.lab.ecs.behave(
      { family: FAMILY, revision: 2 },
      { outcome: 'exit', exitCode: 0, logLines: lines, after: 60_000 },
    );
    await runMigration(world.context(config()), { preflight, render });
    const seen = migrationLines(world);
    expect(seen.length).toBe(25_000);
    expect(seen).toEqual(lines);
    const gets = world.lab.recorder.calls('logs', 'GetLogEvents').filter((c) => !c.error);
    const nonEmpty = gets.filter((c) => ((c.output as { events?: unknown[] }).events ?? []).length > 0);
    // Lines arrive over a minute and pages hold at most 10,000: many pages, several polls.
    expect(nonEmpty.length).toBeGreaterThan(3);
    expect(gets.every((c) => c.input.startFromHead === true)).toBe(true);
  });
});
