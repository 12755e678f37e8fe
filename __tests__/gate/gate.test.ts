import { afterEach, describe, expect, it } from 'vitest';
import { runGate } from '../../src/gate';
import { ALARM_POLL_MS } from '../../src/gate/decide';
import { testConfig } from '../support/config';
import { createWorld, type World } from '../support/world';
import { type ScriptedServer, scriptedServer } from './http-script';

const MIN = 60_000;

function gateWorld(gate: { bakeTimeMs?: number; smokeUrl?: string } = {}) {
  const world = createWorld({ real: false });
  const config = testConfig({
    gate: {
      alarms: [],
      bakeTimeMs: gate.bakeTimeMs ?? 5 * MIN,
      autoRollback: true,
      waitTimeoutMs: 30 * MIN,
      ...(gate.smokeUrl ? { smokeUrl: gate.smokeUrl } : {}),
    },
  });
  return { world, ctx: world.context(config) };
}

function alarmCalls(world: World) {
  return world.lab.recorder.calls('cloudwatch', 'DescribeAlarms');
}

let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('gate: alarms through the bake', () => {
  it('fails when an alarm fires two minutes into a five-minute bake, naming it, its reason and when', async () => {
    const { world, ctx } = gateWorld();
    world.lab.cloudwatch.putAlarm({ name: 'demo-alb-5xx', type: 'metric', state: 'OK' });
    world.lab.cloudwatch.putAlarm({ name: 'demo-api-p99', type: 'metric', state: 'INSUFFICIENT_DATA' });
    const start = world.clock.now();
    world.lab.cloudwatch.schedule(
      'demo-alb-5xx',
      start - world.lab.startedAt + 2 * MIN,
      'ALARM',
      'Threshold Crossed: 1 datapoint [14.0] was greater than the threshold (5.0).',
    );

    const gate = await runGate(ctx, { alarms: ['demo-alb-5xx', 'demo-api-p99'] });

    expect(gate.ok).toBe(false);
    expect(gate.reason).toBe(
      'alarm demo-alb-5xx went into ALARM 2m into the 5m bake: Threshold Crossed: 1 datapoint [14.0] was greater than the threshold (5.0).',
    );
    expect(gate.alarms).toEqual([
      { name: 'demo-alb-5xx', state: 'ALARM' },
      { name: 'demo-api-p99', state: 'INSUFFICIENT_DATA' },
    ]);
    // Failed at once: within one poll of the alarm firing, not at the end of the bake.
    const stoppedAfter = world.clock.now() - start;
    expect(stoppedAfter).toBeGreaterThanOrEqual(2 * MIN);
    expect(stoppedAfter).toBeLessThanOrEqual(2 * MIN + 10_000);
    expect(world.log.text()).toContain('error: gate: alarm demo-alb-5xx went into ALARM 2m into the 5m bake');
  });

  it('passes a bake where alarms stay OK or INSUFFICIENT_DATA, reading them until the end', async () => {
    const { world, ctx } = gateWorld();
    world.lab.cloudwatch.putAlarm({ name: 'demo-alb-5xx', type: 'metric', state: 'OK' });
    world.lab.cloudwatch.putAlarm({ name: 'demo-new', type: 'metric', state: 'INSUFFICIENT_DATA' });
    const start = world.clock.now();

    const gate = await runGate(ctx, { alarms: ['demo-alb-5xx', 'demo-new'] });

    expect(gate).toEqual({
      ok: true,
      alarms: [
        { name: 'demo-alb-5xx', state: 'OK' },
        { name: 'demo-new', state: 'INSUFFICIENT_DATA' },
      ],
    });
    const calls = alarmCalls(world);
    expect(calls.at(-1)?.at).toBe(start + 5 * MIN);
    // Every 10 s from 0 to 5m inclusive: no busy polling.
    expect(calls).toHaveLength(31);
    // Progress is logged about once a minute, not on every poll.
    const progress = world.log.lines.filter((l) => /^gate: \dm of 5m/.test(l.message));
    expect(progress.length).toBe(4);
    expect(world.log.text()).toContain('gate: passed: alarms 1 OK, 1 INSUFFICIENT_DATA through the 5m bake');
  });

  it('asks for metric and composite alarms, at most 100 names per call', async () => {
    const { world, ctx } = gateWorld({ bakeTimeMs: 0 });
    const names = Array.from({ length: 150 }, (_, i) => `demo-metric-${String(i).padStart(3, '0')}`);
    for (const name of names) world.lab.cloudwatch.putAlarm({ name, type: 'metric', state: 'OK' });
    world.lab.cloudwatch.putAlarm({
      name: 'demo-composite',
      type: 'composite',
      state: 'ALARM',
      reason: 'demo-metric-007 is in ALARM',
    });

    const gate = await runGate(ctx, { alarms: [...names, 'demo-composite'] });

    expect(gate.ok).toBe(false);
    expect(gate.reason).toContain('alarm demo-composite went into ALARM');
    const inputs = alarmCalls(world).map((c) => c.input as { AlarmNames: string[]; AlarmTypes: string[] });
    expect(inputs.map((i) => i.AlarmNames.length)).toEqual([100, 51]);
    for (const i of inputs) expect(i.AlarmTypes).toEqual(['MetricAlarm', 'CompositeAlarm']);
  });

  it('skips the bake when there is nothing to watch', async () => {
    const { world, ctx } = gateWorld();
    const start = world.clock.now();
    expect(await runGate(ctx, { alarms: [] })).toEqual({ ok: true, alarms: [] });
    expect(world.clock.now()).toBe(start);
    expect(world.log.text()).toContain('nothing to watch');
  });
});

describe('gate: smoke check against a real HTTP server', () => {
  it('tolerates failures while the service settles, then passes when it answers 2xx through the bake', async () => {
    server = await scriptedServer([503, 502, 200]);
    const { world, ctx } = gateWorld({ bakeTimeMs: MIN, smokeUrl: server.url });
    const start = world.clock.now();

    const gate = await runGate(ctx, { alarms: [] });

    expect(gate.ok).toBe(true);
    expect(world.clock.now() - start).toBe(MIN);
    // 3 startup tries (5 s apart), then every 15 s: at 25s, 40s, 55s.
    expect(server.answered).toEqual([503, 502, 200, 200, 200, 200]);
    expect(world.log.text()).toContain(`gate: smoke check ${server.url} answered HTTP 200`);
  });

  it('fails when the URL never answers 2xx in five tries 5 s apart', async () => {
    server = await scriptedServer([503]);
    const { world, ctx } = gateWorld({ smokeUrl: server.url });
    const start = world.clock.now();

    const gate = await runGate(ctx, { alarms: [] });

    expect(gate.ok).toBe(false);
    expect(gate.reason).toBe(
      `smoke check ${server.url} never answered 2xx after the rollout: 5 tries 5s apart, the last one HTTP 503`,
    );
    expect(server.answered).toHaveLength(5);
    expect(world.clock.now() - start).toBe(20_000);
  });

  it('fails on three failures in a row after passing, but not on two', async () => {
    server = await scriptedServer([200, 500, 500, 200, 500, 500, 500]);
    const { world, ctx } = gateWorld({ smokeUrl: server.url });
    const start = world.clock.now();

    const gate = await runGate(ctx, { alarms: [] });

    expect(gate.ok).toBe(false);
    expect(gate.reason).toBe(
      `smoke check ${server.url} failed 3 times in a row (every 15s), the last one HTTP 500`,
    );
    expect(server.answered).toEqual([200, 500, 500, 200, 500, 500, 500]);
    expect(world.clock.now() - start).toBe(6 * 15_000);
  });

  it('counts a hung request as a failure after its timeout, and a closed port as one too', async () => {
    server = await scriptedServer(['hang']);
    const { ctx } = gateWorld({ smokeUrl: server.url });
    const gate = await runGate(ctx, { alarms: [] }, { smokeTimeoutMs: 50 });
    expect(gate.ok).toBe(false);
    expect(gate.reason).toContain('the last one no answer within 50ms');

    const closedUrl = server.url;
    await server.close();
    server = undefined;
    const second = gateWorld({ smokeUrl: closedUrl });
    const refused = await runGate(second.ctx, { alarms: [] });
    expect(refused.reason).toContain('the last one ECONNREFUSED');
  });

  it('stops at once on cancellation instead of reporting a failed gate', async () => {
    server = await scriptedServer([200]);
    const { world, ctx } = gateWorld({ smokeUrl: server.url });
    const start = world.clock.now();
    const running = runGate(ctx, { alarms: [] });
    // Cancelled once the bake is under way (the first smoke request arrived): an event, not a timer.
    await server.requested(1);
    const abortedAt = world.clock.now();
    world.controller.abort(new Error('cancelled by the runner'));
    await expect(running).rejects.toThrow('cancelled by the runner');
    // At once, on the gate's own clock: not at the end of the 5-minute bake, not even at its next read.
    expect(abortedAt - start).toBeLessThan(5 * MIN);
    expect(world.clock.now() - abortedAt).toBeLessThan(ALARM_POLL_MS);
  });
});
