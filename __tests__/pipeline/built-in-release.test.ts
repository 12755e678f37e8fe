/**
 * docs/strategies.md at the transaction level: releases of BLUE_GREEN / LINEAR / CANARY services
 * (and a rolling one beside them) through runTransaction against the lab, on the virtual
 * clock. Each test asserts what ends up in the lab (task definitions, service deployment
 * statuses, the production rule's weights), the report, the summary and the log.
 */
import { DescribeServicesCommand } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { blueWeight, deployments, lines } from '../engine/built-in-world';
import { HOLD, MIN, mutations, PRE_PROD, release, runningNow } from './built-in-release-world';

/** The summary with Markdown's escapes taken out, to read it as a user does. */
const plain = (r: Awaited<ReturnType<typeof release>>) => r.summary().replace(/\\_/g, '_');

const stagesOf = (r: Awaited<ReturnType<typeof release>>) =>
  r.report.stages.map((s) => `${s.stage}:${s.outcome}`);

describe('a release of built-in services through the engine (lab, virtual clock)', () => {
  it('two BLUE_GREEN services held at their POST_PRODUCTION_TRAFFIC_SHIFT pause, gated once, committed together', async () => {
    const r = await release({
      builtIn: [
        { service: 'hold-a', strategy: 'BLUE_GREEN', bakeTimeInMinutes: 1, hooks: [HOLD] },
        { service: 'hold-b', strategy: 'BLUE_GREEN', bakeTimeInMinutes: 1, hooks: [HOLD] },
      ],
      alarms: ['hold-5xx'],
      bakeTimeMs: 2 * MIN,
    });
    await r.run();

    expect(r.report.error).toBeUndefined();
    expect(r.report.result).toBe('deployed');
    expect(await runningNow(r)).toEqual({ 'hold-a': 'hold-a:2', 'hold-b': 'hold-b:2' });
    for (const s of r.b.services) {
      expect(await blueWeight(r.b, s)).toBe(0);
      expect((await deployments(r.b, s)).map((d) => d.status)).toEqual(['SUCCESSFUL', 'SUCCESSFUL']);
    }
    // The order of the calls: both moved, nothing answered until the gate's bake ended, then both CONTINUE at once.
    const calls = mutations(r);
    expect(calls.map((c) => c.call)).toEqual([
      'UpdateService hold-a→hold-a:2',
      'UpdateService hold-b→hold-b:2',
      'ContinueServiceDeployment hold-a CONTINUE',
      'ContinueServiceDeployment hold-b CONTINUE',
    ]);
    expect(calls[2]?.at).toBe(calls[3]?.at);
    const log = lines(r.b);
    const gateDone = r.b.w.log.lines.find((l) => l.message.startsWith('Gate: done'));
    expect(gateDone).toBeDefined();
    const gateIndex = log.indexOf(gateDone?.message ?? '');
    const heldIndex = log.findIndex((l) => l.startsWith('hold-b: held at'));
    expect(heldIndex).toBeGreaterThanOrEqual(0);
    expect(heldIndex).toBeLessThan(gateIndex);
    // The bake ran its full length while both were held: the commit is at least 2 min after the last hold.
    const rolloutMs = r.report.stages.find((s) => s.stage === 'Rollout')?.ms ?? 0;
    expect(r.report.stages.find((s) => s.stage === 'Gate')?.ms).toBeGreaterThanOrEqual(2 * MIN);
    expect(rolloutMs).toBeGreaterThan(0);
    // The CONTINUE answers went out only after the rollout and the whole bake.
    const gateMs = r.report.stages.find((s) => s.stage === 'Gate')?.ms ?? 0;
    expect((calls[2]?.at ?? 0) - (calls[0]?.at ?? 0)).toBeGreaterThanOrEqual(rolloutMs + gateMs - 1000);
    expect(stagesOf(r)).toEqual(['Rollout:ok', 'Gate:ok', 'Commit:ok']);

    expect(
      r.report.services.map((s) => [s.service, s.strategy, s.state, s.current?.split('/').pop()]),
    ).toEqual([
      ['hold-a', 'BLUE_GREEN', 'updated', 'hold-a:2'],
      ['hold-b', 'BLUE_GREEN', 'updated', 'hold-b:2'],
    ]);
    const progress = r.report.services[0]?.builtIn ?? [];
    expect(progress).toHaveLength(1);
    expect(progress[0]?.status).toBe('SUCCESSFUL');
    expect(progress[0]?.weights?.production).toEqual({ 'hold-a:2': 100, 'hold-a:1': 0 });
    const stages = progress[0]?.stages.map((s) => s.stage) ?? [];
    expect(stages.slice(-4)).toEqual([
      'PRODUCTION_TRAFFIC_SHIFT',
      'POST_PRODUCTION_TRAFFIC_SHIFT',
      'BAKE_TIME',
      'CLEAN_UP',
    ]);

    const summary = plain(r);
    expect(summary).toContain('| service | strategy | stages reached | production traffic | status |');
    expect(summary).toMatch(
      /\| hold-a \| BLUE_GREEN \| .*POST_PRODUCTION_TRAFFIC_SHIFT \d\d:\d\d:\d\d → BAKE_TIME .* \| hold-a:2 100% · hold-a:1 0% \| SUCCESSFUL \|/,
    );
    expect(summary).toMatch(/\| Commit \| .* \| ok \|/);
    expect(log.some((l) => /^hold-a: held at POST_PRODUCTION_TRAFFIC_SHIFT/.test(l))).toBe(true);
    expect(log).toContain(
      'hold-a: stage POST_PRODUCTION_TRAFFIC_SHIFT (production: hold-a:2 100%, hold-a:1 0%; test: hold-a:2 100%, hold-a:1 0%)',
    );
  });

  it('an alarm during the hold: both hooks answered ROLLBACK, production back on blue, no UpdateService after the first two', async () => {
    const r = await release({
      builtIn: [
        { service: 'alm-a', strategy: 'BLUE_GREEN', bakeTimeInMinutes: 30, hooks: [HOLD] },
        { service: 'alm-b', strategy: 'BLUE_GREEN', bakeTimeInMinutes: 30, hooks: [HOLD] },
      ],
      alarms: ['alm-5xx'],
      bakeTimeMs: 5 * MIN,
    });
    // Both are held about 20 s in; the alarm fires a minute into the bake.
    r.b.w.lab.cloudwatch.schedule(
      'alm-5xx',
      new Date(r.ctx.clock.now() + 80_000),
      'ALARM',
      'Threshold Crossed',
    );
    await r.run();

    expect(r.report.result).toBe('rolled-back');
    expect(r.report.error).toContain('alm-5xx');
    expect(r.report.runningRelease).toBe('r1');
    expect(await runningNow(r)).toEqual({ 'alm-a': 'alm-a:1', 'alm-b': 'alm-b:1' });
    for (const s of r.b.services) {
      expect(await blueWeight(r.b, s)).toBe(100);
      expect((await deployments(r.b, s))[0]?.status).toBe('ROLLBACK_SUCCESSFUL');
    }
    expect(mutations(r).map((c) => c.call)).toEqual([
      'UpdateService alm-a→alm-a:2',
      'UpdateService alm-b→alm-b:2',
      'ContinueServiceDeployment alm-a ROLLBACK',
      'ContinueServiceDeployment alm-b ROLLBACK',
    ]);
    expect(stagesOf(r)).toEqual(['Rollout:ok', 'Gate:failed', 'Rollback:ok']);
    expect(r.report.services.map((s) => [s.service, s.state, s.current?.split('/').pop()])).toEqual([
      ['alm-a', 'rolled-back', 'alm-a:1'],
      ['alm-b', 'rolled-back', 'alm-b:1'],
    ]);
    expect(r.report.alarms).toEqual([{ name: 'alm-5xx', state: 'ALARM' }]);
    const last = r.report.services[0]?.builtIn?.at(-1);
    expect(last?.status).toBe('ROLLBACK_SUCCESSFUL');
    expect(last?.weights?.production).toEqual({ 'alm-a:1': 100, 'alm-a:2': 0 });

    const summary = plain(r);
    expect(summary).toMatch(/\| Gate \| .* \| failed \|/);
    expect(summary).toMatch(
      /\| alm-a \| BLUE_GREEN \| .* \| alm-a:2 0% · alm-a:1 100% \| ROLLBACK_SUCCESSFUL \|/,
    );
    expect(summary).toContain('| alm-5xx | ALARM |');
    const log = lines(r.b);
    expect(log.some((l) => /^alm-a: ROLLBACK hook ecs-pause-/.test(l))).toBe(true);
  });

  it('smoke-test-url failing on the test traffic of green: the POST_TEST_TRAFFIC_SHIFT pause answered ROLLBACK before production moves', async () => {
    const asked: string[] = [];
    const r = await release({
      builtIn: [
        {
          service: 'tst-a',
          strategy: 'BLUE_GREEN',
          bakeTimeInMinutes: 30,
          testListener: true,
          hooks: [{ stage: 'POST_TEST_TRAFFIC_SHIFT' }, HOLD],
        },
      ],
      smokeTestUrl: 'http://green.test.example:8443/healthz',
      fetch: async (url) => {
        asked.push(url);
        return new Response('down', { status: 503 });
      },
    });
    await r.run();

    expect(r.report.result).toBe('rolled-back');
    expect(r.report.error).toMatch(
      /test traffic smoke check http:\/\/green\.test\.example:8443\/healthz never answered 2xx: 5 tries/,
    );
    expect(asked).toHaveLength(5);
    const [s] = r.b.services;
    if (!s) throw new Error('no service');
    // Production never moved: blue kept all of it, and the release's deployment rolled back.
    expect(await blueWeight(r.b, s)).toBe(100);
    expect((await deployments(r.b, s))[0]?.status).toBe('ROLLBACK_SUCCESSFUL');
    expect(await runningNow(r)).toEqual({ 'tst-a': 'tst-a:1' });
    expect(mutations(r).map((c) => c.call)).toEqual([
      'UpdateService tst-a→tst-a:2',
      'ContinueServiceDeployment tst-a ROLLBACK',
    ]);
    // The release's gate never ran: the rollout failed first. The way back only confirms
    // what the ROLLBACK answer already did (ROLLBACK_SUCCESSFUL): no call of its own.
    expect(stagesOf(r)).toEqual(['Rollout:failed', 'Rollback:ok']);
  });

  it('no hook: the gate runs in BAKE_TIME and an alarm stops each deployment with StopServiceDeployment ROLLBACK', async () => {
    const r = await release({
      builtIn: [
        { service: 'bake-a', strategy: 'BLUE_GREEN', bakeTimeInMinutes: 30 },
        { service: 'bake-b', strategy: 'BLUE_GREEN', bakeTimeInMinutes: 30 },
      ],
      alarms: ['bake-5xx'],
      bakeTimeMs: 5 * MIN,
    });
    r.b.w.lab.cloudwatch.schedule(
      'bake-5xx',
      new Date(r.ctx.clock.now() + 90_000),
      'ALARM',
      'Threshold Crossed',
    );
    await r.run();

    expect(r.report.result).toBe('rolled-back');
    expect(await runningNow(r)).toEqual({ 'bake-a': 'bake-a:1', 'bake-b': 'bake-b:1' });
    for (const s of r.b.services) {
      expect(await blueWeight(r.b, s)).toBe(100);
      expect((await deployments(r.b, s))[0]?.status).toBe('ROLLBACK_SUCCESSFUL');
    }
    expect(mutations(r).map((c) => c.call)).toEqual([
      'UpdateService bake-a→bake-a:2',
      'UpdateService bake-b→bake-b:2',
      'StopServiceDeployment bake-a ROLLBACK',
      'StopServiceDeployment bake-b ROLLBACK',
    ]);
    expect(stagesOf(r)).toEqual(['Rollout:ok', 'Gate:failed', 'Rollback:ok']);
    expect(r.report.services.map((s) => s.state)).toEqual(['rolled-back', 'rolled-back']);
    // Held in BAKE_TIME (blue still running) when the gate failed; the stop shifted production back.
    const first = r.report.services[0]?.builtIn?.[0];
    expect(first?.stages.map((s) => s.stage).slice(-2)).toEqual(['BAKE_TIME', 'PRODUCTION_TRAFFIC_SHIFT']);
    expect(r.report.services[0]?.builtIn?.at(-1)?.status).toBe('ROLLBACK_SUCCESSFUL');
    const log = lines(r.b);
    expect(log).toContain(
      'bake-a: held in BAKE_TIME (no PAUSE hook at POST_PRODUCTION_TRAFFIC_SHIFT), blue still running',
    );
    const summary = plain(r);
    expect(summary).toMatch(/\| Gate \| .* \| failed \|/);
    expect(summary).toMatch(
      /\| bake-b \| BLUE_GREEN \| .*BAKE_TIME.* \| bake-b:2 0% · bake-b:1 100% \| ROLLBACK_SUCCESSFUL \|/,
    );
  });

  it('CANARY with a PRE_PRODUCTION_TRAFFIC_SHIFT pause: each step continued after the alarms, gated in BAKE_TIME, followed to the end', async () => {
    const r = await release({
      builtIn: [
        {
          service: 'can',
          strategy: 'CANARY',
          bakeTimeInMinutes: 3,
          canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 1 },
          hooks: [PRE_PROD],
        },
      ],
      alarms: ['can-5xx'],
      bakeTimeMs: MIN,
    });
    await r.run();

    expect(r.report.error).toBeUndefined();
    expect(r.report.result).toBe('deployed');
    const s = r.b.services[0] ?? expect.fail('seeded');
    expect(await runningNow(r)).toEqual({ can: 'can:2' });
    expect(await blueWeight(r.b, s)).toBe(0);
    expect((await deployments(r.b, s))[0]?.status).toBe('SUCCESSFUL');
    // Two steps (10 %, then 100 %): two pauses, each its own hook, each continued.
    expect(mutations(r).map((c) => c.call)).toEqual([
      'UpdateService can→can:2',
      'ContinueServiceDeployment can CONTINUE',
      'ContinueServiceDeployment can CONTINUE',
    ]);
    const hooks = r.b.w.lab.recorder.calls('ecs', 'ContinueServiceDeployment').map((c) => c.input.hookId);
    expect(new Set(hooks).size).toBe(2);
    expect(stagesOf(r)).toEqual(['Rollout:ok', 'Gate:ok', 'Commit:ok']);
    expect(r.report.services[0]).toMatchObject({ service: 'can', strategy: 'CANARY', state: 'updated' });
    const progress = r.report.services[0]?.builtIn?.[0];
    expect(progress?.status).toBe('SUCCESSFUL');
    expect(progress?.stages.map((x) => x.stage).slice(-2)).toEqual(['BAKE_TIME', 'CLEAN_UP']);
    const log = lines(r.b);
    expect(log).toContain(
      'can: stage PRODUCTION_TRAFFIC_SHIFT (production: can:2 10%, can:1 90%; test: can:2 100%, can:1 0%)',
    );
    expect(
      log.filter((l) => /^can: CONTINUE hook .* at PRE_PRODUCTION_TRAFFIC_SHIFT: the alarms/.test(l)),
    ).toHaveLength(2);
    expect(plain(r)).toMatch(
      /\| can \| CANARY \| .*PRODUCTION_TRAFFIC_SHIFT.*BAKE_TIME.*CLEAN_UP.* \| can:2 100% · can:1 0% \| SUCCESSFUL \|/,
    );
  });

  it('LINEAR with an alarm at step 3: that pause answered ROLLBACK, the held BLUE_GREEN partner too; rolled back', async () => {
    const r = await release({
      builtIn: [
        {
          service: 'lin',
          strategy: 'LINEAR',
          bakeTimeInMinutes: 5,
          linearConfiguration: { stepPercent: 25, stepBakeTimeInMinutes: 1 },
          hooks: [PRE_PROD, HOLD],
        },
        { service: 'lin-bg', strategy: 'BLUE_GREEN', bakeTimeInMinutes: 30, hooks: [HOLD] },
      ],
      alarms: ['lin-5xx'],
    });
    // Step 1's pause is about 16 s in, step 2's about 78 s, step 3's about 140 s (1-minute step bakes).
    r.b.w.lab.cloudwatch.schedule('lin-5xx', new Date(r.ctx.clock.now() + 110_000), 'ALARM', 'p99 over 2 s');
    await r.run();

    expect(r.report.result).toBe('rolled-back');
    expect(r.report.error).toContain('lin-5xx');
    expect(await runningNow(r)).toEqual({ lin: 'lin:1', 'lin-bg': 'lin-bg:1' });
    for (const s of r.b.services) {
      expect(await blueWeight(r.b, s)).toBe(100);
      expect((await deployments(r.b, s))[0]?.status).toBe('ROLLBACK_SUCCESSFUL');
    }
    expect(mutations(r).map((c) => c.call)).toEqual([
      'UpdateService lin→lin:2',
      'UpdateService lin-bg→lin-bg:2',
      'ContinueServiceDeployment lin CONTINUE',
      'ContinueServiceDeployment lin CONTINUE',
      'ContinueServiceDeployment lin ROLLBACK',
      'ContinueServiceDeployment lin-bg ROLLBACK',
    ]);
    expect(stagesOf(r)).toEqual(['Rollout:failed', 'Rollback:ok']);
    expect(r.report.services.map((s) => [s.service, s.state])).toEqual([
      ['lin', 'rolled-back'],
      ['lin-bg', 'rolled-back'],
    ]);
    const log = lines(r.b);
    expect(
      log.some((l) => l.startsWith('lin: stage PRODUCTION_TRAFFIC_SHIFT (production: lin:2 50%, lin:1 50%')),
    ).toBe(true);
    expect(log.some((l) => l.includes('production: lin:2 75%'))).toBe(false);
    const summary = plain(r);
    expect(summary).toMatch(/\| Rollout \| .* \| failed \|/);
    expect(summary).toContain(
      'the alarms before this production traffic step failed: alarm lin-5xx is in ALARM',
    );
  });

  it('a rolling backend (wave 1) and a BLUE_GREEN frontend (wave 2) fail the gate together: both go back, each its own way', async () => {
    const r = await release({
      builtIn: [{ service: 'mix-web', strategy: 'BLUE_GREEN', bakeTimeInMinutes: 30, hooks: [HOLD] }],
      rolling: [{ service: 'mix-api' }],
      waves: { 'mix-api': 1, 'mix-web': 2 },
      alarms: ['mix-5xx'],
      bakeTimeMs: 5 * MIN,
    });
    const web = r.b.services[0] ?? expect.fail('seeded');
    let heldAt = 0;
    const running = r.run();
    while (!lines(r.b).some((l) => l.startsWith('mix-web: held at'))) await r.ctx.clock.sleep(500);
    heldAt = r.ctx.clock.now();
    r.b.w.lab.cloudwatch.schedule('mix-5xx', new Date(heldAt + 30_000), 'ALARM', 'Threshold Crossed');
    await running;

    expect(r.report.result).toBe('rolled-back');
    expect(r.report.runningRelease).toBe('r1');
    expect(await runningNow(r)).toEqual({ 'mix-web': 'mix-web:1', 'mix-api': 'mix-api:1' });
    expect(await blueWeight(r.b, web)).toBe(100);
    expect((await deployments(r.b, web))[0]?.status).toBe('ROLLBACK_SUCCESSFUL');
    // The rolling one by UpdateService back to revision 1, the blue/green one by its hook, at once.
    const calls = mutations(r);
    expect(calls.slice(0, 2).map((c) => c.call)).toEqual([
      'UpdateService mix-api→mix-api:2',
      'UpdateService mix-web→mix-web:2',
    ]);
    expect(
      calls
        .slice(2)
        .map((c) => c.call)
        .sort(),
    ).toEqual(['ContinueServiceDeployment mix-web ROLLBACK', 'UpdateService mix-api→mix-api:1']);
    expect(Math.abs((calls[3]?.at ?? 0) - (calls[2]?.at ?? 0))).toBeLessThan(1000);
    const api = await r.b.w.aws.ecs.send(
      new DescribeServicesCommand({ cluster: 'lab', services: ['mix-api'] }),
    );
    expect(
      api.services?.[0]?.deployments?.map(
        (d) => `${d.status} ${d.rolloutState} ${d.taskDefinition?.split('/').pop()}`,
      ),
    ).toEqual(['PRIMARY COMPLETED mix-api:1']);
    expect(stagesOf(r)).toEqual(['Rollout:ok', 'Gate:failed', 'Rollback:ok']);
    expect(r.report.services.map((s) => [s.service, s.strategy, s.state])).toEqual([
      ['mix-web', 'BLUE_GREEN', 'rolled-back'],
      ['mix-api', undefined, 'rolled-back'],
    ]);
    const summary = plain(r);
    expect(summary).toMatch(/\| Gate \| .* \| failed \|/);
    // Only the built-in service has a row in the built-in table.
    expect(summary).toMatch(/\| mix-web \| BLUE_GREEN \| .* \| ROLLBACK_SUCCESSFUL \|/);
    expect(summary).not.toMatch(/\| mix-api \| ROLLING/);
  });

  it('a rolling service whose deployment fails beside a BLUE_GREEN one: both go back, rolled-back', async () => {
    const r = await release({
      builtIn: [{ service: 'fx-web', strategy: 'BLUE_GREEN', bakeTimeInMinutes: 30, hooks: [HOLD] }],
      rolling: [{ service: 'fx-api', breakerRollback: false }],
    });
    // Revision 2 of the api exits at start: the circuit breaker fails its deployment (no ECS rollback).
    r.b.w.lab.ecs.behave({ family: 'fx-api', revision: 2 }, { outcome: 'exit', exitCode: 1, after: 1000 });
    const web = r.b.services[0] ?? expect.fail('seeded');
    await r.run();

    expect(r.report.result).toBe('rolled-back');
    expect(await runningNow(r)).toEqual({ 'fx-web': 'fx-web:1', 'fx-api': 'fx-api:1' });
    expect(await blueWeight(r.b, web)).toBe(100);
    const calls = mutations(r).map((c) => c.call);
    expect(calls.slice(0, 2)).toEqual(['UpdateService fx-web→fx-web:2', 'UpdateService fx-api→fx-api:2']);
    expect(calls).toContain('UpdateService fx-api→fx-api:1');
    // The blue/green one was still moving or held: stopped or answered, never redeployed.
    expect(calls.filter((c) => c.startsWith('UpdateService fx-web'))).toHaveLength(1);
    expect(
      calls.some((c) =>
        /^(StopServiceDeployment fx-web ROLLBACK|ContinueServiceDeployment fx-web ROLLBACK)$/.test(c),
      ),
    ).toBe(true);
    expect((await deployments(r.b, web))[0]?.status).toBe('ROLLBACK_SUCCESSFUL');
    expect(stagesOf(r)).toEqual(['Rollout:failed', 'Rollback:ok']);
    expect(r.report.services.map((s) => [s.service, s.state])).toEqual([
      ['fx-web', 'rolled-back'],
      ['fx-api', 'rolled-back'],
    ]);
    expect(r.report.error).toContain('fx-api');
    expect(plain(r)).toMatch(/\| Rollout \| .* \| failed \|/);
  });

  it('cancelled during the hold: the way back goes out within 1 s and the report says what was issued', async () => {
    const r = await release({
      builtIn: [
        { service: 'cx-a', strategy: 'BLUE_GREEN', bakeTimeInMinutes: 30, hooks: [HOLD] },
        { service: 'cx-b', strategy: 'BLUE_GREEN', bakeTimeInMinutes: 30 },
      ],
      alarms: ['cx-5xx'],
      bakeTimeMs: 10 * MIN,
    });
    const running = r.run();
    // Both held (cx-a at its hook, cx-b in BAKE_TIME), the gate's bake a little under way.
    while (!lines(r.b).includes('Gate')) await r.ctx.clock.sleep(500);
    await r.ctx.clock.sleep(5_000);
    const abortedAt = r.ctx.clock.now();
    r.b.w.controller.abort(new Error('cancelled by the runner'));
    await running;

    const calls = mutations(r);
    expect(calls.map((c) => c.call)).toEqual([
      'UpdateService cx-a→cx-a:2',
      'UpdateService cx-b→cx-b:2',
      'ContinueServiceDeployment cx-a ROLLBACK',
      'StopServiceDeployment cx-b ROLLBACK',
    ]);
    // Within 1 s of the cancellation on the lab's clock (the run's injected clock).
    for (const c of calls.slice(2)) expect(c.at - abortedAt).toBeLessThan(1000);
    for (const s of r.b.services) expect(await blueWeight(r.b, s)).toBe(100);
    expect(await runningNow(r)).toEqual({ 'cx-a': 'cx-a:1', 'cx-b': 'cx-b:1' });
    // A cancelled run is never `rolled-back`: the post step reports what was issued.
    expect(r.report.result).toBe('failed');
    expect(r.report.error).toContain('cancelled');
    expect(stagesOf(r)).toEqual(['Rollout:ok', 'Gate:failed', 'Rollback:ok']);
    expect(r.report.services.map((s) => [s.service, s.state])).toEqual([
      ['cx-a', 'rolled-back'],
      ['cx-b', 'rolled-back'],
    ]);
    expect(r.report.notes.join('\n')).toContain('Cancelled: the rollback was issued');
    expect(plain(r)).toMatch(/\| Gate \| .* \| failed \|/);
  });
});
