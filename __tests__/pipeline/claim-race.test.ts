/**
 * The claim race (docs/rollout.md, "The window that remains"): the claim
 * write gets one attempt of at most CLAIM_WRITE_TIMEOUT_MS, and a run whose claim is
 * taken over after it changed services still ends with an outcome, goes back only on
 * services that still run what it deployed, and names the run that took the claim.
 * Engine level on the lab's virtual clock (no Docker needed).
 */
import {
  DescribeClustersCommand,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { nextRevision } from '../../lab/scenarios/built-in';
import { runTransaction } from '../../src/engine';
import { planServices } from '../../src/engine/services-report';
import { newReport } from '../../src/model/report';
import {
  CLAIM_PREFIX,
  CLAIM_WRITE_TIMEOUT_MS,
  ClaimNotWrittenError,
  claimEnvironment,
  TAGS,
} from '../../src/record';
import { renderSummary } from '../../src/report/summary';
import type { MemoryLogger } from '../../src/runtime/log';
import { blueWeight, builtInWorld, runningRevision } from '../engine/built-in-world';
import { CLUSTER, MIN, seedReleases, tdArn } from '../record/seed';
import { r5Config, releaseR5, running, triggerOn } from '../support/r5-release';
import { createWorld, type World } from '../support/world';

const KEY = `${CLAIM_PREFIX}production`;

const config = r5Config;

async function claimTag(world: World): Promise<string | undefined> {
  const out = await world.aws.ecs.send(
    new DescribeClustersCommand({ clusters: [CLUSTER], include: ['TAGS'] }),
  );
  return out.clusters?.[0]?.tags?.find((t) => t.key === KEY)?.value;
}

async function outcomeOf(world: World, arn: string): Promise<string | undefined> {
  const out = await world.aws.ecs.send(new ListTagsForResourceCommand({ resourceArn: arn }));
  return out.tags?.find((t) => t.key === TAGS.outcome)?.value;
}

const updates = (world: World) =>
  world.lab.recorder
    .calls('ecs', 'UpdateService')
    .filter((c) => !c.error)
    .map((c) => `${c.input.service}→${String(c.input.taskDefinition).split('/').pop()}`);

const clusterArn = (cluster: string) => `arn:aws:ecs:eu-west-1:111122223333:cluster/${cluster}`;

/**
 * Another run: its claim write and its UpdateService calls (`moves`: service → revision)
 * all go out at once, so they reach the lab before this run's next call.
 */
function otherRun(world: World, moves: Record<string, string> = {}, cluster = CLUSTER): string {
  const value = `other-run ${new Date(world.clock.now() + 60 * MIN).toISOString()}`;
  const calls = [
    world.aws.ecs.send(
      new TagResourceCommand({ resourceArn: clusterArn(cluster), tags: [{ key: KEY, value }] }),
    ),
    ...Object.entries(moves).map(([service, taskDefinition]) =>
      world.aws.ecs.send(new UpdateServiceCommand({ cluster, service, taskDefinition })),
    ),
  ];
  for (const call of calls)
    call.catch((error: unknown) => world.log.error(`the other run's call failed: ${error}`));
  return value;
}

describe('the claim write: one attempt, answered in time, or no claim', () => {
  it('a write that fails is tried once: not claimed, no tag left, nothing else called', async () => {
    const world = createWorld({ real: false });
    await seedReleases(world);
    world.lab.faults.add({
      service: 'ecs',
      operation: 'TagResource',
      kind: 'server-error',
      tagValuePrefix: 'run-1 ',
    });
    world.lab.recorder.clear();
    const ctx = world.context(config);

    const claimed = claimEnvironment(ctx, 'run-1', 60 * MIN);
    await expect(claimed).rejects.toBeInstanceOf(ClaimNotWrittenError);
    await expect(claimed).rejects.toThrow(
      /^could not claim environment production: the claim tag write failed \(InternalFailure: .*\)\. The write gets one attempt of at most 1 s, .*nothing was changed\. Run again\.$/,
    );
    // One attempt, although the world's clients retry every other call up to 3 times.
    expect(world.lab.recorder.calls('ecs', 'TagResource')).toHaveLength(1);
    expect(await claimTag(world)).toBeUndefined();
    const called = new Set(world.lab.recorder.calls().map((c) => c.operation));
    expect([...called].sort()).toEqual(['DescribeClusters', 'TagResource']);
  });

  it('a write delayed past the time limit is not a claim, even though it lands later', async () => {
    const world = createWorld({ real: false });
    await seedReleases(world);
    world.lab.faults.add({
      service: 'ecs',
      operation: 'TagResource',
      kind: 'latency',
      latencyMs: 5_000,
      landsAnyway: true,
      tagValuePrefix: 'run-1 ',
    });
    world.lab.recorder.clear();
    const ctx = world.context(config);
    const started = world.clock.now();

    await expect(claimEnvironment(ctx, 'run-1', 60 * MIN)).rejects.toThrow(
      /^could not claim environment production: the claim tag write failed \(RequestTimeoutError: no answer within 1000 ms; the request was aborted \(it may still land\)\)/,
    );
    // It gave up at the limit, on the run's clock, without retrying.
    expect(world.clock.now() - started).toBe(CLAIM_WRITE_TIMEOUT_MS);
    expect(world.lab.recorder.calls('ecs', 'TagResource')).toHaveLength(0);
    expect(world.lab.recorder.calls('ecs', 'UpdateService')).toHaveLength(0);
    // The write was on the wire: it lands 5 s after it was sent (the window the docs describe).
    await world.clock.sleep(5_000);
    expect(world.lab.recorder.calls('ecs', 'TagResource')).toHaveLength(1);
    expect(await claimTag(world)).toMatch(/^run-1 /);
  });

  it('a throttled write did nothing: the run claims again from a fresh read, and holds the claim', async () => {
    const world = createWorld({ real: false });
    await seedReleases(world);
    world.lab.faults.add({
      service: 'ecs',
      operation: 'TagResource',
      kind: 'throttle',
      times: 2,
      tagValuePrefix: 'run-1 ',
    });
    world.lab.recorder.clear();
    const ctx = world.context(config);

    const claim = await claimEnvironment(ctx, 'run-1', 60 * MIN);
    expect(await claimTag(world)).toBe(claim.value);
    const writes = world.lab.recorder.calls('ecs', 'TagResource');
    expect(writes.map((c) => c.error?.fault ?? 'ok')).toEqual(['throttle', 'throttle', 'ok']);
    // Each write came after a fresh read of the claim tag, never as an SDK retry of the last.
    const order = world.lab.recorder
      .calls()
      .map((c) => c.operation)
      .filter((o) => o === 'DescribeClusters' || o === 'TagResource');
    for (const [i, op] of order.entries())
      if (op === 'TagResource') expect(order[i - 1]).toBe('DescribeClusters');
    expect((ctx.log as MemoryLogger).text()).toMatch(/claim tag write was throttled; claiming again in \d/);
  });

  it('a write that answers within the limit claims as before', async () => {
    const world = createWorld({ real: false });
    await seedReleases(world);
    world.lab.faults.add({ service: 'ecs', operation: 'TagResource', kind: 'latency', latencyMs: 500 });
    const claim = await claimEnvironment(world.context(config), 'run-1', 60 * MIN);
    expect(await claimTag(world)).toBe(claim.value);
  });
});

describe('a claim taken over after this run changed services (lab, virtual clock)', () => {
  it('after the gate passed, nobody moved anything: succeeded, and the report names the run that took the claim', async () => {
    const world = createWorld({ real: false });
    await seedReleases(world);
    let other = '';
    const log = triggerOn('gate: ', () => {
      other = otherRun(world);
    });
    const { report, arns } = await releaseR5(world, log, { webWave: 1 });

    expect(report.result).toBe('deployed');
    expect(report.error).toBeUndefined();
    const note =
      `the claim of environment production was taken over by run other-run (its claim expires at ${other.split(' ')[1]}) after this run's gate passed; ` +
      'every service runs release r5, so this run recorded it succeeded. The run that took the claim goes on from here.';
    expect(report.notes).toContain(note);
    expect(log.lines.filter((l) => l.level === 'warning').map((l) => l.message)).toContain(note);
    expect(renderSummary(report)).toContain('taken over by run other-run');
    expect(await outcomeOf(world, arns['demo-api'] ?? '')).toBe('succeeded');
    expect(await outcomeOf(world, arns['demo-web'] ?? '')).toBe('succeeded');
    expect(updates(world)).toEqual(['demo-api→demo-api:6', 'demo-web→demo-web:5']);
    // The claim is the other run's: left alone.
    expect(await claimTag(world)).toBe(other);
  });

  it('after the gate passed, the other run moved demo-web: demo-api goes back, demo-web is left to it, outcome failed', async () => {
    const world = createWorld({ real: false });
    await seedReleases(world);
    const log = triggerOn('gate: ', () => otherRun(world, { 'demo-web': 'demo-web:2' }));
    const { report, arns } = await releaseR5(world, log, { webWave: 1 });

    expect(report.result).toBe('failed');
    expect(report.error).toMatch(
      /^the claim of environment production was taken over by run other-run \(its claim expires at [^)]+\) after this run's gate passed, and not every service could be confirmed on it \(ServicesChangedError: demo-web now runs demo-web:2, not demo-web:5: .*\): this run goes back, moving only the services that still run what it deployed$/,
    );
    // Ours forward, the other run's demo-web, then only demo-api back.
    expect(updates(world)).toEqual([
      'demo-api→demo-api:6',
      'demo-web→demo-web:5',
      'demo-web→demo-web:2',
      'demo-api→demo-api:5',
    ]);
    expect(report.services.map((s) => `${s.service}:${s.state}`)).toEqual([
      'demo-api:rolled-back',
      'demo-web:failed',
    ]);
    expect(report.services[1]?.detail).toMatch(
      /demo-web now runs demo-web:2 \(deployment [^)]+\), not this run's demo-web:5: another deployment moved it since this run's, so this run leaves it to that deployment/,
    );
    expect(await outcomeOf(world, arns['demo-api'] ?? '')).toBe('failed');
    expect(await outcomeOf(world, arns['demo-web'] ?? '')).toBe('failed');
    world.clock.advance(5 * MIN);
    expect(await running(world)).toEqual({
      'demo-api': tdArn('demo-api', 5),
      'demo-web': tdArn('demo-web', 2),
    });
  });

  it('mid-rollout, the other run moved demo-api: wave 2 never moves, demo-api is not fought over, outcome failed', async () => {
    const world = createWorld({ real: false });
    await seedReleases(world);
    const log = triggerOn('wave 1: every service completed', () =>
      otherRun(world, { 'demo-api': 'demo-api:4' }),
    );
    const { report, arns } = await releaseR5(world, log, { webWave: 2 });

    expect(report.result).toBe('failed');
    expect(report.error).toMatch(
      /was claimed by run other-run .*this run stopped before changing the next wave/,
    );
    expect(updates(world)).toEqual(['demo-api→demo-api:6', 'demo-api→demo-api:4']);
    expect(report.services.map((s) => `${s.service}:${s.state}`)).toEqual([
      'demo-api:failed',
      'demo-web:unchanged',
    ]);
    expect(await outcomeOf(world, arns['demo-api'] ?? '')).toBe('failed');
    expect(await outcomeOf(world, arns['demo-web'] ?? '')).toBe('failed');
  });

  it('mid-rollout, the other run moved nothing yet: demo-api goes back, outcome rolled-back', async () => {
    const world = createWorld({ real: false });
    await seedReleases(world);
    const log = triggerOn('wave 1: every service completed', () => otherRun(world));
    const { report, arns } = await releaseR5(world, log, { webWave: 2 });

    expect(report.result).toBe('rolled-back');
    expect(report.error).toMatch(/was claimed by run other-run/);
    expect(updates(world)).toEqual(['demo-api→demo-api:6', 'demo-api→demo-api:5']);
    expect(await outcomeOf(world, arns['demo-api'] ?? '')).toBe('rolled-back');
  });

  it('a built-in service held before its commit point, claim taken during the gate: never let go, blue back, outcome rolled-back', async () => {
    const b = builtInWorld([
      {
        service: 'bg',
        strategy: 'BLUE_GREEN',
        bakeTimeInMinutes: 1,
        hooks: [{ stage: 'POST_PRODUCTION_TRAFFIC_SHIFT' }],
      },
    ]);
    const [service] = b.services;
    if (!service) throw new Error('no service seeded');
    const green = nextRevision(b.w.lab, service);
    let other = '';
    const log = triggerOn('gate: ', () => {
      other = otherRun(b.w, {}, service.cluster);
    });
    const ctx = { ...b.ctx, log };
    const report = newReport(ctx.config);
    planServices(report, [{ service: 'bg', previous: service.taskDefinitionArn, target: green }]);
    const claim = await claimEnvironment(ctx, 'run-1', 60 * MIN);
    await runTransaction(ctx, report, {
      kind: 'deploy',
      moves: [
        {
          service: 'bg',
          taskDefinitionArn: green,
          wave: 1,
          previousArn: service.taskDefinitionArn,
          strategy: 'BLUE_GREEN',
        },
      ],
      alarms: [],
      claim,
      release: 'r2',
      registered: [green],
      checkpoint: () => undefined,
    });

    expect(report.result).toBe('rolled-back');
    expect(report.error).toContain(
      `the claim of environment production was taken over by run other-run (its claim expires at ${other.split(' ')[1]}) after this run's gate passed, ` +
        'and some of its services were still held before their commit point, and a run without the claim does not let them go',
    );
    expect(await blueWeight(b, service)).toBe(100);
    expect(await runningRevision(b, service)).toBe(service.taskDefinitionArn.split('/').pop());
    // Never let go: no CONTINUE went out for the held hook.
    const answers = b.w.lab.recorder.calls('ecs', 'ContinueServiceDeployment').filter((c) => !c.error);
    expect(answers.map((c) => c.input.action)).toEqual(['ROLLBACK']);
    const tags = await b.w.aws.ecs.send(new ListTagsForResourceCommand({ resourceArn: green }));
    expect(tags.tags?.find((t) => t.key === TAGS.outcome)?.value).toBe('rolled-back');
  });
});
