/**
 * The way back of a run that has ended (docs/rollout.md, "Another run still in
 * progress"): preflight waits for ecs-release's own deployment in flight when no live
 * claim stands, on the virtual clock, and refuses at once anything else.
 */
import { describe, expect, it } from 'vitest';
import type { ReleaseConfig } from '../../src/config/types';
import { runPreflight } from '../../src/preflight';
import { CLUSTER, NEW, OLD, type Scenario, scenario, taskDefinition } from '../engine/rolling/scenario';
import { refused } from './refused';

const RUN_41 = 'https://github.com/acme/app/actions/runs/41/attempts/1';
const RUN_42 = 'https://github.com/acme/app/actions/runs/42/attempts/1';

function record(release: string, run: string, extra: { key: string; value: string }[] = []) {
  return [
    { key: 'ecs-release:release', value: release },
    { key: 'ecs-release:environment', value: 'production' },
    { key: 'ecs-release:run', value: run },
    ...extra,
  ];
}

/** Lets the lab run until demo-api has one settled deployment. */
function settle(s: Scenario): void {
  const done = s.lab.ecs.settle(
    () => s.service('demo-api').deployments.length === 1,
    10 * 60_000,
    (ms) => s.clock.advance(ms),
  );
  if (!done) throw new Error('demo-api never settled in the lab');
}

/**
 * demo-api ran release r41 (succeeded), then release r42 of run 42, whose way back to
 * r41 is now in flight: the PRIMARY deployment is r41's revision, r42's is ACTIVE.
 */
function wayBackInFlight(options: Parameters<typeof scenario>[0] = {}): Scenario {
  const s = scenario(options);
  const ecs = s.lab.ecs;
  const r41 = ecs.registerTaskDefinition({
    ...taskDefinition('demo-api', `${s.uri.backend}@${OLD.backend}`),
    tags: record('r41', RUN_41, [{ key: 'ecs-release:outcome', value: 'succeeded' }]),
  });
  ecs.externalUpdate('demo-api', r41.arn, CLUSTER);
  settle(s);
  const r42 = ecs.registerTaskDefinition({
    ...taskDefinition('demo-api', `${s.uri.backend}@${NEW.backend}`),
    tags: record('r42', RUN_42),
  });
  ecs.externalUpdate('demo-api', r42.arn, CLUSTER);
  settle(s);
  ecs.externalUpdate('demo-api', r41.arn, CLUSTER);
  return s;
}

function logText(s: Scenario): string {
  return s.log.lines.map((l) => l.message).join('\n');
}

describe('preflight and a deployment in flight', () => {
  it.each(['deploy', 'rollback'] as const)(
    "%s waits for ecs-release's own way back when no claim stands, then goes on with the settled state",
    async (command) => {
      const s = wayBackInFlight();
      const found = await runPreflight(s.context({ ...s.config, command }));
      const api = found.services.find((x) => x.config.service === 'demo-api');
      expect(api?.taskDefinition.revision).toBe(2);
      expect(s.service('demo-api').deployments).toHaveLength(1);
      const log = logText(s);
      expect(log).toContain(
        `waiting for demo-api's deployment in flight (the way back of run ${RUN_42} / release r42 to release r41) ` +
          'to finish before preflight goes on',
      );
      expect(log).toMatch(/the deployments in flight finished after \d+(\.\d)?s; preflight goes on/);
      expect(log).toContain('preflight: account');
      expect(s.lab.recorder.mutations()).toEqual([]);
    },
  );

  it('costs no extra read when nothing is in flight: one DescribeServices, no claim read', async () => {
    const s = scenario();
    await runPreflight(s.context(s.config));
    expect(s.lab.recorder.calls('ecs', 'DescribeServices')).toHaveLength(1);
    expect(s.lab.recorder.calls('ecs', 'DescribeClusters')).toHaveLength(1);
    expect(logText(s)).not.toContain('waiting for');
  });

  it('refuses at once a deployment someone else started (no release record), as before', async () => {
    const s = scenario();
    const theirs = s.lab.ecs.registerTaskDefinition(
      taskDefinition('demo-api', `${s.uri.backend}@${NEW.backend}`),
    );
    const other = s.lab.ecs.externalUpdate('demo-api', theirs.arn, CLUSTER);
    const before = s.clock.now();
    const error = await refused(s);
    expect(error.problems.join('\n')).toContain(
      `service demo-api: another deployment is in flight: ${other.id} (PRIMARY IN_PROGRESS) of task definition demo-api:2`,
    );
    expect(error.problems.join('\n')).not.toContain('waited');
    expect(logText(s)).not.toContain('waiting for');
    expect(logText(s)).toContain(
      "preflight does not wait for the deployments in flight: demo-api's deployment in flight was not made by ecs-release for environment production",
    );
    // Nothing slept: the virtual clock only moves when the code waits.
    expect(s.clock.now()).toBe(before);
  });

  it("refuses at once ecs-release's own deployment while another run's live claim stands", async () => {
    const s = wayBackInFlight();
    const cluster = s.lab.ecs.clusters.get(CLUSTER);
    const expiry = new Date(s.clock.now() + 60 * 60_000).toISOString();
    cluster?.tags.push({ key: 'ecs-release:claim:production', value: `local-0badcafe ${expiry}` });
    const before = s.clock.now();
    const error = await refused(s);
    expect(error.problems.join('\n')).toContain(`registered by ecs-release for release r41 (${RUN_41}); `);
    expect(error.problems.join('\n')).toContain('service demo-api: another deployment is in flight');
    expect(logText(s)).not.toContain('waiting for');
    expect(logText(s)).toContain(
      'preflight does not wait for the deployments in flight: run local-0badcafe holds a live claim (cannot tell whether run local-0badcafe',
    );
    expect(s.clock.now()).toBe(before);
  });

  it('refuses after wait-timeout, saying how long it waited, when the deployment never settles', async () => {
    const s = wayBackInFlight({ breaker: { enable: false, rollback: false } });
    s.lab.ecs.capacity(false);
    const config: ReleaseConfig = { ...s.config, gate: { ...s.config.gate, waitTimeoutMs: 2 * 60_000 } };
    const error = await refused(s, config);
    const text = error.problems.join('\n');
    expect(text).toContain('service demo-api: another deployment is in flight');
    expect(text).toMatch(/It did not finish in the 2m(\d+s)? this run waited for it \(wait-timeout\)\./);
    expect(logText(s)).toContain("waiting for demo-api's deployment in flight");
  });

  it('stops waiting when the run is cancelled', async () => {
    const s = wayBackInFlight({ breaker: { enable: false, rollback: false } });
    s.lab.ecs.capacity(false);
    const ctx = s.context(s.config);
    const waiting = runPreflight(ctx).then(
      () => 'passed',
      () => 'stopped',
    );
    while (!logText(s).includes('waiting for')) await new Promise((r) => setTimeout(r, 5));
    s.controller.abort(new Error('cancelled'));
    expect(await waiting).toBe('stopped');
    expect(s.lab.recorder.mutations()).toEqual([]);
  });
});
