/**
 * The built-in strategy (src/engine/built-in) against the lab's built-in deployments, through
 * the real SDK on the virtual clock: startDeployment, then builtInStrategy.watch / commit /
 * revert called directly, as the engine will. Asserts what ends up in the lab (service
 * deployment status, the production rule's weights, the running revision) and the log.
 */
import { describe, expect, it } from 'vitest';
import { builtInStrategy, STAGE_ORDER } from '../../src/engine/built-in';
import type { ServiceRolloutResult } from '../../src/model/contracts';
import {
  alarmChecks,
  blueWeight,
  builtInWorld,
  calls,
  deployments,
  lines,
  runningRevision,
  startAll,
  timeToBlue,
} from './built-in-world';

const HOLD = { stage: 'POST_PRODUCTION_TRAFFIC_SHIFT' };
const PRE_PROD = { stage: 'PRE_PRODUCTION_TRAFFIC_SHIFT' };

/** Stages are reported in ECS's order, each transition once (LINEAR/CANARY repeat the step stages). */
function expectInOrder(r: ServiceRolloutResult) {
  const stages = r.builtIn?.stages.map((s) => s.stage) ?? [];
  for (const [i, s] of stages.entries()) {
    expect(STAGE_ORDER).toContain(s);
    if (i > 0) expect(s).not.toBe(stages[i - 1]);
  }
  const times = r.builtIn?.stages.map((s) => Date.parse(s.at)) ?? [];
  expect([...times].sort((a, b) => a - b)).toEqual(times);
}

const answers = (b: Parameters<typeof calls>[0]) =>
  calls(b, 'ContinueServiceDeployment').map((c) => c.input.action as string);

describe('builtInStrategy', () => {
  it('exports the three built-in strategy names', () => {
    expect(builtInStrategy.names).toEqual(['BLUE_GREEN', 'LINEAR', 'CANARY']);
  });

  it('holds two BLUE_GREEN services at their POST_PRODUCTION_TRAFFIC_SHIFT pause, then commits both', async () => {
    const b = builtInWorld([
      { service: 'bg-a', strategy: 'BLUE_GREEN', bakeTimeInMinutes: 1, hooks: [HOLD] },
      { service: 'bg-b', strategy: 'BLUE_GREEN', bakeTimeInMinutes: 1, hooks: [HOLD] },
    ]);
    const t0 = b.ctx.clock.now();
    const held = await builtInStrategy.watch(b.ctx, await startAll(b), { checks: alarmChecks(b, []) });

    expect(held.map((r) => [r.service, r.state, r.builtIn?.heldAt?.stage])).toEqual([
      ['bg-a', 'held', 'POST_PRODUCTION_TRAFFIC_SHIFT'],
      ['bg-b', 'held', 'POST_PRODUCTION_TRAFFIC_SHIFT'],
    ]);
    for (const [i, s] of b.services.entries()) {
      const r = held[i] as ServiceRolloutResult;
      expect(r.builtIn?.heldAt?.hookId).toMatch(/^ecs-pause-/);
      expect(r.builtIn?.weights?.production).toEqual({ [`${s.service}:2`]: 100, [`${s.service}:1`]: 0 });
      expect(r.builtIn?.status).toBe('IN_PROGRESS');
      expect(r.builtIn?.stages.at(-1)?.stage).toBe('POST_PRODUCTION_TRAFFIC_SHIFT');
      expectInOrder(r);
      // Held: production on green, blue still running, the deployment not finished.
      expect(await blueWeight(b, s)).toBe(0);
      expect((await deployments(b, s))[0]?.status).toBe('IN_PROGRESS');
    }
    const log = lines(b);
    expect(log).toContain(
      'bg-a: stage POST_PRODUCTION_TRAFFIC_SHIFT (production: bg-a:2 100%, bg-a:1 0%; test: bg-a:2 100%, bg-a:1 0%)',
    );
    expect(log.filter((l) => l.startsWith('bg-a: stage POST_PRODUCTION_TRAFFIC_SHIFT'))).toHaveLength(1);

    const done = await builtInStrategy.commit(b.ctx, held);
    expect(done.map((r) => [r.service, r.state, r.builtIn?.status])).toEqual([
      ['bg-a', 'completed', 'SUCCESSFUL'],
      ['bg-b', 'completed', 'SUCCESSFUL'],
    ]);
    // Both hooks answered together: the release's single commit point.
    const cont = calls(b, 'ContinueServiceDeployment');
    expect(cont.map((c) => c.input.action)).toEqual(['CONTINUE', 'CONTINUE']);
    expect(cont[0]?.at).toBe(cont[1]?.at);
    for (const s of b.services) {
      expect(await blueWeight(b, s)).toBe(0);
      expect((await deployments(b, s))[0]?.status).toBe('SUCCESSFUL');
      expect(await runningRevision(b, s)).toBe(`${s.service}:2`);
    }
    expect(done[0]?.builtIn?.stages.map((s) => s.stage).slice(-2)).toEqual(['BAKE_TIME', 'CLEAN_UP']);
    // Under 1 ECS read a second in all, both services together.
    const reads = b.w.lab.recorder.calls('ecs').filter((c) => /^(Describe|List)/.test(c.operation)).length;
    const seconds = (b.ctx.clock.now() - t0) / 1000;
    expect(reads / seconds).toBeLessThan(1);
  });

  it('reverts a held BLUE_GREEN service by answering its hook ROLLBACK: production back on blue in seconds', async () => {
    const b = builtInWorld([{ service: 'rb', strategy: 'BLUE_GREEN', bakeTimeInMinutes: 30, hooks: [HOLD] }]);
    const s = b.services[0] ?? expect.fail('seeded');
    const [moved] = await builtInStrategy.watch(b.ctx, await startAll(b), { checks: alarmChecks(b, []) });
    expect(moved?.state).toBe('held');
    const updates = calls(b, 'UpdateService').length;

    const t0 = b.ctx.clock.now();
    const issued = await builtInStrategy.revert(b.ctx, [
      { service: 'rb', taskDefinitionArn: s.taskDefinitionArn, moved: moved as ServiceRolloutResult },
    ]);
    expect(issued.refused).toEqual([]);
    const following = issued.watch();
    const ms = await timeToBlue(b, [s], t0);
    const [back] = await following;
    console.log(`built-in revert (hook ROLLBACK) → production 100% on blue: ${ms} ms of lab time`);
    expect(ms).toBeLessThan(10_000);

    expect(answers(b)).toEqual(['ROLLBACK']);
    expect(calls(b, 'UpdateService')).toHaveLength(updates);
    expect(back).toMatchObject({
      service: 'rb',
      state: 'completed',
      taskDefinitionArn: s.taskDefinitionArn,
      builtIn: { status: 'ROLLBACK_SUCCESSFUL', weights: { production: { 'rb:1': 100, 'rb:2': 0 } } },
    });
    expect(await runningRevision(b, s)).toBe('rb:1');
    expect((await deployments(b, s))[0]?.status).toBe('ROLLBACK_SUCCESSFUL');
  });

  it('without a hook holds in BAKE_TIME and reverts by StopServiceDeployment ROLLBACK', async () => {
    const b = builtInWorld([{ service: 'nh', strategy: 'BLUE_GREEN', bakeTimeInMinutes: 30 }]);
    const s = b.services[0] ?? expect.fail('seeded');
    const [moved] = await builtInStrategy.watch(b.ctx, await startAll(b), { checks: alarmChecks(b, []) });
    expect(moved?.state).toBe('held');
    expect(moved?.builtIn?.heldAt).toBeUndefined();
    expect(moved?.builtIn?.stages.at(-1)?.stage).toBe('BAKE_TIME');
    expect(await blueWeight(b, s)).toBe(0);
    expect(lines(b)).toContain(
      'nh: held in BAKE_TIME (no PAUSE hook at POST_PRODUCTION_TRAFFIC_SHIFT), blue still running',
    );

    const t0 = b.ctx.clock.now();
    const issued = await builtInStrategy.revert(b.ctx, [
      { service: 'nh', taskDefinitionArn: s.taskDefinitionArn, moved: moved as ServiceRolloutResult },
    ]);
    const following = issued.watch();
    const ms = await timeToBlue(b, [s], t0);
    const [back] = await following;
    console.log(
      `built-in revert (StopServiceDeployment ROLLBACK) → production 100% on blue: ${ms} ms of lab time`,
    );
    expect(ms).toBeLessThan(10_000);
    expect(calls(b, 'StopServiceDeployment').map((c) => c.input.stopType)).toEqual(['ROLLBACK']);
    expect(calls(b, 'UpdateService')).toHaveLength(1);
    expect(back).toMatchObject({ state: 'completed', taskDefinitionArn: s.taskDefinitionArn });
    expect(await blueWeight(b, s)).toBe(100);
    expect(await runningRevision(b, s)).toBe('nh:1');
    expect((await deployments(b, s))[0]?.status).toBe('ROLLBACK_SUCCESSFUL');
  });

  it('CANARY: checks the alarms before each production step, continues every pause to the end', async () => {
    const b = builtInWorld([
      {
        service: 'can',
        strategy: 'CANARY',
        bakeTimeInMinutes: 1,
        canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 2 },
        hooks: [PRE_PROD, HOLD],
      },
    ]);
    b.w.lab.cloudwatch.putAlarm({ name: 'can-5xx', type: 'metric', state: 'OK' });
    const s = b.services[0] ?? expect.fail('seeded');
    const held = await builtInStrategy.watch(b.ctx, await startAll(b), {
      checks: alarmChecks(b, ['can-5xx']),
    });
    expect(held[0]?.state).toBe('held');
    const done = await builtInStrategy.commit(b.ctx, held);
    expect(done[0]).toMatchObject({ state: 'completed', builtIn: { status: 'SUCCESSFUL' } });
    expectInOrder(done[0] as ServiceRolloutResult);

    // Two steps (10 %, then 100 %): two pauses before production moved, each its own hook, then the hold.
    const cont = calls(b, 'ContinueServiceDeployment');
    expect(cont.map((c) => c.input.action)).toEqual(['CONTINUE', 'CONTINUE', 'CONTINUE']);
    expect(new Set(cont.map((c) => c.input.hookId)).size).toBe(3);
    expect(b.w.lab.recorder.calls('monitoring', 'DescribeAlarms')).toHaveLength(2);
    const log = lines(b);
    expect(log).toContain(
      'can: stage PRODUCTION_TRAFFIC_SHIFT (production: can:2 10%, can:1 90%; test: can:2 100%, can:1 0%)',
    );
    expect(
      log.filter((l) => /^can: CONTINUE hook .* at PRE_PRODUCTION_TRAFFIC_SHIFT: the alarms/.test(l)),
    ).toHaveLength(2);
    expect(await blueWeight(b, s)).toBe(0);
    expect(await runningRevision(b, s)).toBe('can:2');
  });

  it('LINEAR: an alarm firing before step 3 answers that pause ROLLBACK and the service fails', async () => {
    const b = builtInWorld([
      {
        service: 'lin',
        strategy: 'LINEAR',
        bakeTimeInMinutes: 5,
        linearConfiguration: { stepPercent: 25, stepBakeTimeInMinutes: 1 },
        hooks: [PRE_PROD, HOLD],
      },
    ]);
    const s = b.services[0] ?? expect.fail('seeded');
    b.w.lab.cloudwatch.putAlarm({ name: 'lin-5xx', type: 'metric', state: 'OK' });
    // Step 1's pause is about 16 s in, step 2's about 78 s, step 3's about 140 s (1-minute step bakes).
    b.w.lab.cloudwatch.schedule('lin-5xx', new Date(b.ctx.clock.now() + 110_000), 'ALARM', 'p99 over 2 s');
    const [r] = await builtInStrategy.watch(b.ctx, await startAll(b), {
      checks: alarmChecks(b, ['lin-5xx']),
    });

    expect(r?.state).toBe('failed');
    expect(r?.detail).toContain(
      'the alarms before this production traffic step failed: alarm lin-5xx is in ALARM',
    );
    expect(r?.builtIn?.status).toBe('ROLLBACK_SUCCESSFUL');
    expect(answers(b)).toEqual(['CONTINUE', 'CONTINUE', 'ROLLBACK']);
    const log = lines(b);
    expect(
      log.some((l) => l.startsWith('lin: stage PRODUCTION_TRAFFIC_SHIFT (production: lin:2 50%, lin:1 50%')),
    ).toBe(true);
    expect(log.some((l) => l.includes('production: lin:2 75%'))).toBe(false);
    expect(await blueWeight(b, s)).toBe(100);
    expect(await runningRevision(b, s)).toBe('lin:1');

    // ECS already went back: the way back makes no call and reports the service back.
    const before = b.w.lab.recorder.calls('ecs').length;
    const issued = await builtInStrategy.revert(b.ctx, [
      { service: 'lin', taskDefinitionArn: s.taskDefinitionArn, moved: r as ServiceRolloutResult },
    ]);
    expect(await issued.watch()).toMatchObject([
      { state: 'completed', taskDefinitionArn: s.taskDefinitionArn },
    ]);
    expect(b.w.lab.recorder.calls('ecs')).toHaveLength(before);
  });

  it('a failing smoke check on test traffic answers POST_TEST_TRAFFIC_SHIFT ROLLBACK before production moves', async () => {
    const b = builtInWorld([
      {
        service: 'sm',
        strategy: 'BLUE_GREEN',
        bakeTimeInMinutes: 5,
        testListener: true,
        hooks: [{ stage: 'POST_TEST_TRAFFIC_SHIFT' }, HOLD],
      },
    ]);
    const s = b.services[0] ?? expect.fail('seeded');
    let smoked = 0;
    const checks = alarmChecks(b, [], async () => {
      smoked += 1;
      return { ok: false, alarms: [], reason: 'GET https://test.example/healthz answered 503' };
    });
    const [r] = await builtInStrategy.watch(b.ctx, await startAll(b), { checks });

    expect(smoked).toBe(1);
    expect(r).toMatchObject({ state: 'failed', builtIn: { status: 'ROLLBACK_SUCCESSFUL' } });
    expect(r?.detail).toContain(
      'the smoke check on test traffic failed: GET https://test.example/healthz answered 503',
    );
    expect(answers(b)).toEqual(['ROLLBACK']);
    // Production never moved to green.
    expect(lines(b).some((l) => l.startsWith('sm: stage') && l.includes('production: sm:2 100%'))).toBe(
      false,
    );
    expect(await blueWeight(b, s)).toBe(100);
    expect(await runningRevision(b, s)).toBe('sm:1');
  });

  it('cancelled while one service is held: the other comes back cancelled, and the way back goes out at once', async () => {
    const b = builtInWorld([
      { service: 'cx-a', strategy: 'BLUE_GREEN', bakeTimeInMinutes: 30, hooks: [HOLD] },
      {
        service: 'cx-b',
        strategy: 'LINEAR',
        bakeTimeInMinutes: 30,
        linearConfiguration: { stepPercent: 10, stepBakeTimeInMinutes: 5 },
        hooks: [HOLD],
      },
    ]);
    const [a, bs] = b.services;
    if (!a || !bs) throw new Error('seeded');
    const started = await startAll(b);
    const watching = builtInStrategy.watch(b.ctx, started, { checks: alarmChecks(b, []), failFast: false });
    while (!lines(b).some((l) => l.startsWith('cx-a: held at'))) await b.ctx.clock.sleep(500);
    b.w.controller.abort(new Error('cancelled by the runner'));
    const moved = await watching;
    expect(moved.map((r) => [r.service, r.state])).toEqual([
      ['cx-a', 'held'],
      ['cx-b', 'cancelled'],
    ]);
    expect(moved[1]?.deploymentId).toBe(started[1]?.deploymentId);
    expect(moved[1]?.builtIn?.status).toBe('IN_PROGRESS');

    const labT0 = b.ctx.clock.now();
    const issued = await builtInStrategy.revert(b.ctx, [
      { service: 'cx-a', taskDefinitionArn: a.taskDefinitionArn, moved: moved[0] as ServiceRolloutResult },
      { service: 'cx-b', taskDefinitionArn: bs.taskDefinitionArn, moved: moved[1] as ServiceRolloutResult },
    ]);
    // Issued without waiting: no lab time passes (the injected clock, not the wall clock).
    expect(b.ctx.clock.now() - labT0).toBeLessThan(1000);
    expect(answers(b)).toEqual(['ROLLBACK']);
    expect(calls(b, 'StopServiceDeployment').map((c) => c.input.stopType)).toEqual(['ROLLBACK']);
    // Both calls at the same instant, after the run's signal was aborted.
    expect(calls(b, 'StopServiceDeployment')[0]?.at).toBe(calls(b, 'ContinueServiceDeployment')[0]?.at);
    expect(b.ctx.signal.aborted).toBe(true);

    const following = issued.watch();
    const ms = await timeToBlue(b, [a, bs], labT0);
    console.log(
      `built-in revert after cancellation (hook ROLLBACK + StopServiceDeployment) → both on blue: ${ms} ms of lab time`,
    );
    expect(ms).toBeLessThan(10_000);
    const back = await following;
    expect(back.map((r) => [r.service, r.state])).toEqual([
      ['cx-a', 'completed'],
      ['cx-b', 'completed'],
    ]);
    for (const s of [a, bs]) {
      expect(await blueWeight(b, s)).toBe(100);
      expect(await runningRevision(b, s)).toBe(`${s.service}:1`);
    }
  });

  it('a deployment already finished goes back by UpdateService, continuing its pause on the way', async () => {
    const b = builtInWorld([{ service: 'fin', strategy: 'BLUE_GREEN', bakeTimeInMinutes: 1, hooks: [HOLD] }]);
    const s = b.services[0] ?? expect.fail('seeded');
    const held = await builtInStrategy.watch(b.ctx, await startAll(b), { checks: alarmChecks(b, []) });
    const [moved] = await builtInStrategy.commit(b.ctx, held);
    expect(moved).toMatchObject({ state: 'completed', builtIn: { status: 'SUCCESSFUL' } });
    expect(await runningRevision(b, s)).toBe('fin:2');

    const issued = await builtInStrategy.revert(b.ctx, [
      { service: 'fin', taskDefinitionArn: s.taskDefinitionArn, moved: moved as ServiceRolloutResult },
    ]);
    const [back] = await issued.watch();
    const updates = calls(b, 'UpdateService');
    expect(updates.map((c) => c.input.taskDefinition)).toEqual([
      expect.stringMatching(/fin:2$/),
      s.taskDefinitionArn,
    ]);
    expect(calls(b, 'StopServiceDeployment')).toHaveLength(0);
    expect(answers(b)).toEqual(['CONTINUE', 'CONTINUE']);
    expect(
      lines(b).some((l) => /^fin: CONTINUE hook .*: a way back does not wait for approval$/.test(l)),
    ).toBe(true);
    expect(back).toMatchObject({
      state: 'completed',
      taskDefinitionArn: s.taskDefinitionArn,
      builtIn: { status: 'SUCCESSFUL', weights: { production: { 'fin:1': 100, 'fin:2': 0 } } },
    });
    expect(await runningRevision(b, s)).toBe('fin:1');
    expect((await deployments(b, s)).map((d) => d.status)).toEqual([
      'SUCCESSFUL',
      'SUCCESSFUL',
      'SUCCESSFUL',
    ]);
  });

  it("ECS's own rollback (a deployment alarm) is reported as rolled-back-by-ecs, not fought", async () => {
    const b = builtInWorld([
      { service: 'eco', strategy: 'BLUE_GREEN', bakeTimeInMinutes: 5, hooks: [HOLD], alarms: ['eco-5xx'] },
    ]);
    const s = b.services[0] ?? expect.fail('seeded');
    b.w.lab.cloudwatch.putAlarm({ name: 'eco-5xx', type: 'metric', state: 'OK' });
    b.w.lab.cloudwatch.schedule('eco-5xx', new Date(b.ctx.clock.now() + 8_000), 'ALARM', 'errors');
    const [r] = await builtInStrategy.watch(b.ctx, await startAll(b), { checks: alarmChecks(b, []) });
    expect(r).toMatchObject({ state: 'rolled-back-by-ecs', builtIn: { status: 'ROLLBACK_SUCCESSFUL' } });
    expect(r?.detail).toContain('alarm(s) eco-5xx went into ALARM');
    expect(calls(b, 'ContinueServiceDeployment')).toHaveLength(0);
    expect(calls(b, 'StopServiceDeployment')).toHaveLength(0);
    expect(await runningRevision(b, s)).toBe('eco:1');
  });

  it('bake 0 and no hook: SUCCESSFUL before any hold is completed; a deadline is timed-out', async () => {
    const b = builtInWorld([
      { service: 'zero', strategy: 'BLUE_GREEN', bakeTimeInMinutes: 0 },
      {
        service: 'slow',
        strategy: 'LINEAR',
        linearConfiguration: { stepPercent: 10, stepBakeTimeInMinutes: 10 },
        hooks: [HOLD],
      },
    ]);
    const deadline = b.ctx.clock.now() + 120_000;
    const out = await builtInStrategy.watch(b.ctx, await startAll(b), {
      checks: alarmChecks(b, []),
      deadline,
      failFast: false,
    });
    expect(out.map((r) => [r.service, r.state, r.builtIn?.status])).toEqual([
      ['zero', 'completed', 'SUCCESSFUL'],
      ['slow', 'timed-out', 'IN_PROGRESS'],
    ]);
    expect(out[1]?.detail).toContain('slow: timed out waiting for the hold point');
    expect(b.ctx.clock.now()).toBeGreaterThanOrEqual(deadline);
  });

  it('fifty services reach their hold points with under one ECS read a second in all', async () => {
    const names = Array.from({ length: 50 }, (_, i) => `many-${i}`);
    const b = builtInWorld(
      names.map((service) => ({ service, strategy: 'BLUE_GREEN', hooks: [HOLD] }) as const),
    );
    const t0 = b.ctx.clock.now();
    const started = await startAll(b);
    const readsBefore = b.w.lab.recorder
      .calls('ecs')
      .filter((c) => /^(Describe|List)/.test(c.operation)).length;
    const held = await builtInStrategy.watch(b.ctx, started, { checks: alarmChecks(b, []) });
    expect(held.every((r) => r.state === 'held')).toBe(true);
    const reads = b.w.lab.recorder.calls('ecs').filter((c) => /^(Describe|List)/.test(c.operation));
    const perSecond = (reads.length - readsBefore) / ((b.ctx.clock.now() - t0) / 1000);
    console.log(
      `50 services to their hold points: ${reads.length - readsBefore} ECS reads in ${(b.ctx.clock.now() - t0) / 1000} s of lab time`,
    );
    expect(perSecond).toBeLessThan(1);
    // Twenty service deployments per DescribeServiceDeployments.
    const batch = reads
      .filter((c) => c.operation === 'DescribeServiceDeployments')
      .map((c) => (c.input.serviceDeploymentArns as string[]).length);
    expect(Math.max(...batch)).toBe(20);
  });

  it('a StopServiceDeployment answered 503 is retried until it goes out; a refused one is reported', async () => {
    // One SDK attempt per call: the strategy's own retries are what is under test.
    const b = builtInWorld(
      [
        { service: 'thr', strategy: 'BLUE_GREEN', bakeTimeInMinutes: 30 },
        { service: 'den', strategy: 'BLUE_GREEN', bakeTimeInMinutes: 30 },
      ],
      { maxAttempts: 1 },
    );
    const [thr, den] = b.services;
    if (!thr || !den) throw new Error('seeded');
    const moved = await builtInStrategy.watch(b.ctx, await startAll(b), { checks: alarmChecks(b, []) });
    expect(moved.map((r) => r.state)).toEqual(['held', 'held']);
    // Two 503 answers (throttling would also slow the SDK's adaptive rate limiter in real time): the strategy's retries (2 s, then 4 s of lab time) get the third through.
    b.w.lab.faults.add({
      service: 'ecs',
      operation: 'StopServiceDeployment',
      kind: 'server-error',
      status: 503,
      times: 2,
    });
    const denArn = moved[1]?.builtIn?.serviceDeploymentArn ?? '';
    const issued = await builtInStrategy.revert(b.ctx, [
      { service: 'thr', taskDefinitionArn: thr.taskDefinitionArn, moved: moved[0] as ServiceRolloutResult },
      // A service deployment ECS does not know: StopServiceDeployment refuses it for good.
      {
        service: 'den',
        taskDefinitionArn: den.taskDefinitionArn,
        moved: {
          ...(moved[1] as ServiceRolloutResult),
          builtIn: { ...(moved[1]?.builtIn ?? { stages: [] }), serviceDeploymentArn: `${denArn}x` },
        },
      },
    ]);
    expect(issued.refused).toMatchObject([{ service: 'den', state: 'failed' }]);
    expect(issued.refused[0]?.detail).toContain('ServiceDeploymentNotFoundException');
    // The way back's reads ride out 5xx answers too.
    b.w.lab.faults.add({
      service: 'ecs',
      operation: 'DescribeServiceDeployments',
      kind: 'server-error',
      status: 503,
      times: 2,
    });
    const [back] = await issued.watch();
    expect(back).toMatchObject({ service: 'thr', state: 'completed' });
    expect(
      lines(b).filter((l) => l.startsWith('reading the service deployments failed for now')),
    ).toHaveLength(2);
    expect(await blueWeight(b, thr)).toBe(100);
    expect(
      b.w.lab.recorder.calls('ecs', 'StopServiceDeployment').filter((c) => c.error).length,
    ).toBeGreaterThanOrEqual(3);
  });

  it('continues a pause it has no check for, and POST_TEST_TRAFFIC_SHIFT without a smoke-test-url, then holds', async () => {
    const b = builtInWorld([
      {
        service: 'oth',
        strategy: 'BLUE_GREEN',
        bakeTimeInMinutes: 5,
        testListener: true,
        hooks: [{ stage: 'POST_SCALE_UP' }, { stage: 'POST_TEST_TRAFFIC_SHIFT' }, HOLD],
      },
    ]);
    const [r] = await builtInStrategy.watch(b.ctx, await startAll(b), { checks: alarmChecks(b, []) });
    expect(r).toMatchObject({
      state: 'held',
      builtIn: { heldAt: { stage: 'POST_PRODUCTION_TRAFFIC_SHIFT' } },
    });
    expect(answers(b)).toEqual(['CONTINUE', 'CONTINUE']);
    const log = lines(b);
    expect(
      log.some((l) =>
        /^oth: CONTINUE hook ecs-pause-\S+ at POST_SCALE_UP: ecs-release holds only at POST_PRODUCTION_TRAFFIC_SHIFT/.test(
          l,
        ),
      ),
    ).toBe(true);
    expect(
      log.some((l) =>
        /^oth: CONTINUE hook \S+ at POST_TEST_TRAFFIC_SHIFT: no smoke-test-url to check test traffic with$/.test(
          l,
        ),
      ),
    ).toBe(true);
    expect((await deployments(b, b.services[0] ?? expect.fail('seeded')))[0]?.status).toBe('IN_PROGRESS');
  });

  it('a passing smoke check on test traffic continues POST_TEST_TRAFFIC_SHIFT and production moves', async () => {
    const b = builtInWorld([
      {
        service: 'smok',
        strategy: 'BLUE_GREEN',
        bakeTimeInMinutes: 5,
        testListener: true,
        hooks: [{ stage: 'POST_TEST_TRAFFIC_SHIFT' }, HOLD],
      },
    ]);
    const s = b.services[0] ?? expect.fail('seeded');
    let blueDuringSmoke: number | undefined;
    const checks = alarmChecks(b, [], async () => {
      blueDuringSmoke = await blueWeight(b, s);
      return { ok: true, alarms: [] };
    });
    const [r] = await builtInStrategy.watch(b.ctx, await startAll(b), { checks });
    // The smoke check ran while production was still all on blue.
    expect(blueDuringSmoke).toBe(100);
    expect(r?.state).toBe('held');
    expect(answers(b)).toEqual(['CONTINUE']);
    expect(
      lines(b).some((l) =>
        /^smok: CONTINUE hook \S+ at POST_TEST_TRAFFIC_SHIFT: the smoke check on test traffic passed$/.test(
          l,
        ),
      ),
    ).toBe(true);
    expect(await blueWeight(b, s)).toBe(0);
  });

  it('expired credentials while watching fail every service with the error, not a wait for the deadline', async () => {
    const b = builtInWorld([{ service: 'exp', strategy: 'BLUE_GREEN', hooks: [HOLD] }], { maxAttempts: 1 });
    const started = await startAll(b);
    b.w.lab.faults.add({
      service: 'ecs',
      operation: 'DescribeServiceDeployments',
      kind: 'expired-credentials',
    });
    const t0 = b.ctx.clock.now();
    const [r] = await builtInStrategy.watch(b.ctx, started, { checks: alarmChecks(b, []) });
    expect(r?.state).toBe('failed');
    expect(r?.detail).toMatch(/^exp: looking up the service deployment of ecs-svc\/\d+ failed: ExpiredToken/);
    expect(b.ctx.clock.now() - t0).toBeLessThan(60_000);
  });

  it('credentials expiring mid-watch fail the service with the error at the next poll', async () => {
    const b = builtInWorld([{ service: 'exp2', strategy: 'BLUE_GREEN', hooks: [HOLD] }], { maxAttempts: 1 });
    const watching = builtInStrategy.watch(b.ctx, await startAll(b), { checks: alarmChecks(b, []) });
    while (!lines(b).some((l) => l.startsWith('exp2: stage SCALE_UP'))) await b.ctx.clock.sleep(200);
    b.w.lab.faults.add({ service: 'ecs', kind: 'expired-credentials' });
    const t0 = b.ctx.clock.now();
    const [r] = await watching;
    expect(r?.state).toBe('failed');
    expect(r?.detail).toMatch(/^exp2: DescribeServiceDeployments failed: ExpiredToken.* at stage SCALE_UP$/);
    expect(b.ctx.clock.now() - t0).toBeLessThan(5_000);
  });

  it('a BAKE_TIME hold that ECS finished meanwhile (bake shorter than the gate) goes back by UpdateService', async () => {
    const b = builtInWorld([{ service: 'late', strategy: 'BLUE_GREEN', bakeTimeInMinutes: 1 }]);
    const s = b.services[0] ?? expect.fail('seeded');
    const [moved] = await builtInStrategy.watch(b.ctx, await startAll(b), { checks: alarmChecks(b, []) });
    expect(moved).toMatchObject({ state: 'held', builtIn: { status: 'IN_PROGRESS' } });
    // The gate outlasts the bake: ECS cleans blue up and finishes.
    await b.ctx.clock.sleep(3 * 60_000);
    expect((await deployments(b, s))[0]?.status).toBe('SUCCESSFUL');

    const issued = await builtInStrategy.revert(b.ctx, [
      { service: 'late', taskDefinitionArn: s.taskDefinitionArn, moved: moved as ServiceRolloutResult },
    ]);
    expect(issued.refused).toEqual([]);
    const [back] = await issued.watch();
    expect(calls(b, 'StopServiceDeployment')).toHaveLength(0);
    expect(b.w.lab.recorder.calls('ecs', 'StopServiceDeployment')[0]?.error?.code).toBe('ConflictException');
    expect(calls(b, 'UpdateService').map((c) => c.input.taskDefinition)).toEqual([
      expect.stringMatching(/late:2$/),
      s.taskDefinitionArn,
    ]);
    expect(back).toMatchObject({ state: 'completed', taskDefinitionArn: s.taskDefinitionArn });
    expect(await runningRevision(b, s)).toBe('late:1');
  });

  it('cancelled during commit (baking after CONTINUE): cancelled with its deployment id, then stopped back to blue', async () => {
    const b = builtInWorld([{ service: 'cc', strategy: 'BLUE_GREEN', bakeTimeInMinutes: 30, hooks: [HOLD] }]);
    const s = b.services[0] ?? expect.fail('seeded');
    const started = await startAll(b);
    const held = await builtInStrategy.watch(b.ctx, started, { checks: alarmChecks(b, []) });
    const committing = builtInStrategy.commit(b.ctx, held);
    while (!lines(b).some((l) => l.startsWith('cc: stage BAKE_TIME'))) await b.ctx.clock.sleep(500);
    b.w.controller.abort(new Error('cancelled by the runner'));
    const [moved] = await committing;
    expect(moved).toMatchObject({
      state: 'cancelled',
      deploymentId: started[0]?.deploymentId,
      builtIn: { status: 'IN_PROGRESS' },
    });
    expect(moved?.detail).toContain('cc: cancelled finishing the deployment');
    const issued = await builtInStrategy.revert(b.ctx, [
      { service: 'cc', taskDefinitionArn: s.taskDefinitionArn, moved: moved as ServiceRolloutResult },
    ]);
    expect(await issued.watch()).toMatchObject([{ state: 'completed' }]);
    expect(calls(b, 'StopServiceDeployment')).toHaveLength(1);
    expect(await blueWeight(b, s)).toBe(100);
    expect(await runningRevision(b, s)).toBe('cc:1');
  });
});
