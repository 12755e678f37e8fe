import { afterEach, describe, expect, it } from 'vitest';
import type { ReleaseConfig } from '../../../src/config/types';
import { newReport, type Report } from '../../../src/model/report';
import { type RollbackReleaseOptions, rollbackRelease } from '../../../src/pipeline/rollback';
import { type FakeGithub, fakeGithub } from '../../record/github-api';
import { CLUSTER, COMMITS, MIN, seedReleases, tdArn } from '../../record/seed';
import { testConfig } from '../../support/config';
import { running } from '../../support/r5-release';
import { createWorld, type World } from '../../support/world';

const ALARM = 'demo-alb-5xx';

async function scenario(overrides: Partial<ReleaseConfig>, seed: { missing?: string[] } = {}) {
  const world = createWorld({ real: false });
  await seedReleases(world, seed);
  world.lab.cloudwatch.putAlarm({ name: ALARM, type: 'metric', state: 'OK' });
  world.lab.recorder.clear();
  const config = testConfig({
    command: 'rollback',
    cluster: CLUSTER,
    gate: { alarms: [ALARM], bakeTimeMs: 2 * MIN, autoRollback: true, waitTimeoutMs: 10 * MIN },
    ...overrides,
  });
  const report = newReport({ ...config });
  const phases: string[] = [];
  return { world, ctx: world.context(config), report, phases };
}

async function run(
  s: { world: World; ctx: ReturnType<World['context']>; report: Report; phases: string[] },
  options: RollbackReleaseOptions = {},
) {
  const checkpoint = (phase: string) =>
    s.phases.push(
      `${phase}:${s.report.services.map((x) => `${x.current?.split('/').pop()}/${x.state}`).join(',')}`,
    );
  try {
    await rollbackRelease(s.ctx, s.report, checkpoint, options);
  } catch (error) {
    // As main.ts does: a thrown error is the run's error, result failed.
    s.report.error = error instanceof Error ? error.message : String(error);
    s.report.result ??= 'failed';
  }
}

function updates(world: World) {
  return world.lab.recorder
    .calls('ecs', 'UpdateService')
    .filter((c) => !c.error)
    .map((c) => c.input);
}

/** The run records a GitHub deployment of `production` in `api` (acme/shop). */
function recordedIn(api: FakeGithub): RollbackReleaseOptions {
  return {
    github: {
      token: 'ghs_x',
      owner: 'acme',
      repo: 'shop',
      apiUrl: api.url,
      ref: 'HEAD',
      environment: 'production',
    },
    githubFetch: fetch,
  };
}

let api: FakeGithub | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

describe('command: rollback (lab, virtual clock)', () => {
  it('to previous: every service on that release’s revisions, gated, result deployed', async () => {
    const s = await scenario({ to: 'previous' });
    await run(s);

    expect(s.report.error).toBeUndefined();
    expect(s.report.result).toBe('deployed');
    expect(s.report.runningRelease).toBe('r2');
    // r2 left the api alone (r1's demo-api:2); the web already runs r2's demo-web:3.
    expect(await running(s.world)).toEqual({
      'demo-api': tdArn('demo-api', 2),
      'demo-web': tdArn('demo-web', 3),
    });
    expect(updates(s.world)).toEqual([
      { cluster: CLUSTER, service: 'demo-api', taskDefinition: tdArn('demo-api', 2) },
    ]);
    expect(s.report.services).toEqual([
      {
        service: 'demo-api',
        previous: tdArn('demo-api', 5),
        target: tdArn('demo-api', 2),
        current: tdArn('demo-api', 2),
        state: 'updated',
      },
      {
        service: 'demo-web',
        previous: tdArn('demo-web', 3),
        target: tdArn('demo-web', 3),
        current: tdArn('demo-web', 3),
        state: 'unchanged',
      },
    ]);
    expect(s.report.alarms).toEqual([{ name: ALARM, state: 'OK' }]);
    expect(s.report.stages.map((x) => `${x.stage}:${x.outcome}`)).toEqual([
      'Preflight:ok',
      'Rollout:ok',
      'Gate:ok',
    ]);
    expect(s.world.log.text()).toContain('rollback: to release r2 (commit b2b2b2b2b2b2) from r4');
  });

  it('an AWS error in its own gate counts as a failed gate: every service goes back where it was', async () => {
    const s = await scenario({ to: 'r1' });
    const before = await running(s.world);
    // DescribeAlarms fails from the bake on, longer than the SDK's retries.
    await rollbackRelease(s.ctx, s.report, (phase) => {
      if (phase === 'gate')
        s.world.lab.faults.add({
          service: 'monitoring',
          operation: 'DescribeAlarms',
          kind: 'server-error',
          times: 50,
        });
    }).catch((error: unknown) => {
      s.report.error = error instanceof Error ? error.message : String(error);
      s.report.result ??= 'failed';
    });
    expect(s.report.result).toBe('rolled-back');
    expect(s.report.error).toMatch(/gate could not be judged/);
    expect(s.report.runningRelease).toBe('r4');
    expect(await running(s.world)).toEqual(before);
  });

  it('when its way back cannot finish (credentials expired), it reports the one command that finishes it', async () => {
    const s = await scenario({ to: 'r1' });
    await rollbackRelease(s.ctx, s.report, (phase) => {
      if (phase === 'gate') {
        s.world.lab.cloudwatch.schedule(
          ALARM,
          new Date(s.world.clock.now() + 30_000),
          'ALARM',
          'Threshold Crossed',
        );
      }
      if (phase === 'rollback') s.world.lab.faults.add({ service: 'ecs', kind: 'expired-credentials' });
    }).catch(() => undefined);
    expect(s.report.result).toBe('failed');
    const note = s.report.notes.find((n) => n.startsWith('To finish the rollback, run'));
    expect(note).toContain(
      `aws ecs update-service --region eu-west-1 --cluster ${CLUSTER} --service demo-api`,
    );
    expect(note).toContain(tdArn('demo-api', 5));
  });

  it('to a release id: both services on r1', async () => {
    const s = await scenario({ to: 'r1' });
    await run(s);
    expect(s.report.result).toBe('deployed');
    expect(s.report.runningRelease).toBe('r1');
    expect(await running(s.world)).toEqual({
      'demo-api': tdArn('demo-api', 2),
      'demo-web': tdArn('demo-web', 2),
    });
    expect(
      updates(s.world)
        .map((u) => u.service)
        .sort(),
    ).toEqual(['demo-api', 'demo-web']);
  });

  it('to a 7-character commit prefix', async () => {
    const s = await scenario({ to: COMMITS.r2.slice(0, 7) });
    await run(s);
    expect(s.report.result).toBe('deployed');
    expect(s.report.runningRelease).toBe('r2');
    expect(await running(s.world)).toEqual({
      'demo-api': tdArn('demo-api', 2),
      'demo-web': tdArn('demo-web', 3),
    });
  });

  it('to the release already running: unchanged, nothing updated', async () => {
    const s = await scenario({ to: 'r4' });
    await run(s);
    expect(s.report.result).toBe('unchanged');
    expect(s.report.runningRelease).toBe('r4');
    expect(s.world.lab.recorder.mutations()).toEqual([]);
  });

  it('an unknown target fails before any change, listing the recent releases', async () => {
    const s = await scenario({ to: 'v9.9.9' });
    await run(s);
    expect(s.report.result).toBe('failed');
    expect(s.report.error).toContain('to: no release "v9.9.9" in environment production.');
    expect(s.report.error).toContain('Recent releases of environment production (newest first):');
    expect(s.report.error).toContain('  - r2, commit b2b2b2b2b2b2, 2026-11-27 12:20 UTC, succeeded');
    expect(s.report.error).toContain('nothing was changed in AWS');
    expect(s.world.lab.recorder.mutations()).toEqual([]);
  });

  it('a target whose image ECR no longer holds fails before any change', async () => {
    const s = await scenario({ to: 'r1' }, { missing: ['demo-web:2'] });
    await run(s);
    expect(s.report.result).toBe('failed');
    expect(s.report.error).toMatch(
      /service demo-web: image \S+\/demo\/frontend@sha256:0+2 of release r1 \(demo-web:2\) is no longer in ECR repository demo\/frontend \(ImageNotFound/,
    );
    expect(s.world.lab.recorder.mutations()).toEqual([]);
  });

  it('its own gate fails: every service goes back where it was, result rolled-back', async () => {
    const s = await scenario({ to: 'r1' });
    // The rollout takes well under a minute here: the alarm fires during the bake.
    s.world.lab.cloudwatch.schedule(
      ALARM,
      s.world.clock.now() - s.world.lab.startedAt + 2 * MIN,
      'ALARM',
      'Threshold Crossed',
    );
    await run(s);

    expect(s.report.result).toBe('rolled-back');
    expect(s.report.runningRelease).toBe('r4');
    expect(s.report.error).toMatch(
      /^rollback to release r1 failed: gate failed: alarm demo-alb-5xx went into ALARM \S+ into the 2m bake: Threshold Crossed; every service is back where it was \(release r4\)$/,
    );
    expect(await running(s.world)).toEqual({
      'demo-api': tdArn('demo-api', 5),
      'demo-web': tdArn('demo-web', 3),
    });
    expect(s.report.services.map((x) => `${x.service}:${x.state}`)).toEqual([
      'demo-api:rolled-back',
      'demo-web:rolled-back',
    ]);
    expect(s.report.alarms).toEqual([{ name: ALARM, state: 'ALARM' }]);
    expect(s.report.stages.map((x) => `${x.stage}:${x.outcome}`)).toEqual([
      'Preflight:ok',
      'Rollout:ok',
      'Gate:failed',
      'Rollback:ok',
    ]);
    // The post step's checkpoints, saved before each change: what each service was being moved to
    // (updated once its deployment completed, as in a deploy: the engine writes both).
    expect(s.phases).toEqual([
      'rollout:demo-api:2/pending,demo-web:2/pending',
      'gate:demo-api:2/updated,demo-web:2/updated',
      'rollback:demo-api:2/updated,demo-web:2/updated',
    ]);
    // Back in parallel: the two UpdateService calls of the way back at the same instant.
    const back = s.world.lab.recorder.calls('ecs', 'UpdateService').slice(2);
    expect(back.map((c) => c.input.taskDefinition)).toEqual([tdArn('demo-api', 5), tdArn('demo-web', 3)]);
    expect(back[0]?.at).toBe(back[1]?.at);
  });

  it('cancelled during the bake: the way back is issued at once, and the report says how to confirm', async () => {
    const s = await scenario({ to: 'r1' });
    const running = run(s);
    while (!s.world.log.lines.some((l) => l.message.startsWith('gate: baking'))) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    const cancelledAt = s.world.clock.now();
    s.world.controller.abort(new Error('cancelled by the runner'));
    await running;

    const back = s.world.lab.recorder.calls('ecs', 'UpdateService').slice(2);
    expect(back.map((c) => c.input.taskDefinition)).toEqual([tdArn('demo-api', 5), tdArn('demo-web', 3)]);
    for (const c of back) expect(c.at - cancelledAt).toBeLessThan(1000);
    expect(s.report.result).toBe('failed');
    expect(s.report.services.map((x) => x.state)).toEqual(['pending', 'pending']);
    expect(s.report.services[0]?.detail).toMatch(
      /^cancelled: UpdateService back to demo-api:5 was issued \(deployment ecs-svc\/\d+\) but not watched; confirm with: aws ecs wait services-stable --region eu-west-1 --cluster demo --services demo-api$/,
    );
    expect(s.report.error).toContain('gate failed: the run was cancelled during the bake');
  });

  it('records a GitHub deployment: in_progress then success', async () => {
    api = await fakeGithub({ token: 'ghs_x' });
    const s = await scenario({ to: 'r1' });
    await run(s, recordedIn(api));
    expect(s.report.result).toBe('deployed');
    expect(api.statuses(1000)).toEqual(['in_progress', 'success']);
    const create = api.requests[0];
    expect(create?.body).toMatchObject({ ref: COMMITS.r1, environment: 'production', auto_merge: false });
    expect(JSON.parse(String(create?.body.payload))).toMatchObject({ release: 'r1', commit: COMMITS.r1 });
  });

  it('records failure when its gate fails', async () => {
    api = await fakeGithub();
    const s = await scenario({ to: 'r1' });
    s.world.lab.cloudwatch.schedule(ALARM, s.world.clock.now() - s.world.lab.startedAt + 2 * MIN, 'ALARM');
    await run(s, recordedIn(api));
    expect(s.report.result).toBe('rolled-back');
    expect(api.statuses(1000)).toEqual(['in_progress', 'failure']);
  });

  it('without deployments: write (403): a notice, and a normal run', async () => {
    api = await fakeGithub({ deny: 403 });
    const s = await scenario({ to: 'r1' });
    await run(s, recordedIn(api));
    expect(s.report.result).toBe('deployed');
    expect(await running(s.world)).toEqual({
      'demo-api': tdArn('demo-api', 2),
      'demo-web': tdArn('demo-web', 2),
    });
    expect(s.world.log.lines.filter((l) => l.level === 'notice').map((l) => l.message)).toEqual([
      expect.stringContaining('GitHub deployment not recorded'),
    ]);
  });
});
