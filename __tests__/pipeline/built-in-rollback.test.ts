/**
 * docs/strategies.md and docs/rollback.md: a manual rollback (`command: rollback`) of a release whose frontend is
 * BLUE_GREEN with a PAUSE hook at POST_PRODUCTION_TRAFFIC_SHIFT, through rollbackRelease on
 * the lab's virtual clock: it moves, holds, gates and commits; a failed gate answers the hook
 * ROLLBACK and puts every service back where it was.
 */
import { DescribeServicesCommand } from '@aws-sdk/client-ecs';
import { DescribeRulesCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { describe, expect, it } from 'vitest';
import { newReport } from '../../src/model/report';
import { rollbackRelease } from '../../src/pipeline/rollback';
import { renderSummary } from '../../src/report/summary';
import { CLUSTER, MIN, seedReleases, tdArn } from '../record/seed';
import { testConfig } from '../support/config';
import { running } from '../support/r5-release';
import { createWorld, type World } from '../support/world';
import { deploymentMutations } from './built-in-release-world';

const ALARM = 'demo-alb-5xx';

async function scenario() {
  const world = createWorld({ real: false });
  await seedReleases(world, { blueGreenWeb: true });
  world.lab.cloudwatch.putAlarm({ name: ALARM, type: 'metric', state: 'OK' });
  world.lab.recorder.clear();
  const config = testConfig({
    command: 'rollback',
    cluster: CLUSTER,
    to: 'r1',
    gate: { alarms: [ALARM], bakeTimeMs: 2 * MIN, autoRollback: true, waitTimeoutMs: 15 * MIN },
  });
  return { world, ctx: world.context(config), report: newReport(config) };
}

/** demo-web's blue share of production traffic on its production rule. */
async function webBlueWeight(world: World): Promise<number | undefined> {
  const out = await world.aws.ecs.send(
    new DescribeServicesCommand({ cluster: CLUSTER, services: ['demo-web'] }),
  );
  const lb = out.services?.[0]?.loadBalancers?.[0];
  const rules = await world.aws.elbv2.send(
    new DescribeRulesCommand({ RuleArns: [lb?.advancedConfiguration?.productionListenerRule ?? ''] }),
  );
  const tgs = rules.Rules?.[0]?.Actions?.[0]?.ForwardConfig?.TargetGroups ?? [];
  return tgs.find((t) => t.TargetGroupArn === lb?.targetGroupArn)?.Weight;
}

const mutations = (world: World) => deploymentMutations(world).map((c) => c.call);

describe('command: rollback of a BLUE_GREEN frontend (lab, virtual clock)', () => {
  it('to r1: moves both, holds demo-web at its hook through the gate, then commits it; result deployed', async () => {
    const s = await scenario();
    await rollbackRelease(s.ctx, s.report);

    expect(s.report.error).toBeUndefined();
    expect(s.report.result).toBe('deployed');
    expect(s.report.runningRelease).toBe('r1');
    expect(await running(s.world)).toEqual({
      'demo-api': tdArn('demo-api', 2),
      'demo-web': tdArn('demo-web', 2),
    });
    expect(mutations(s.world)).toEqual([
      'UpdateService demo-api→demo-api:2',
      'UpdateService demo-web→demo-web:2',
      'ContinueServiceDeployment demo-web CONTINUE',
    ]);
    // The hook was answered only after the whole bake.
    const cont = s.world.lab.recorder.calls('ecs', 'ContinueServiceDeployment')[0];
    const update = s.world.lab.recorder.calls('ecs', 'UpdateService')[1];
    expect((cont?.at ?? 0) - (update?.at ?? 0)).toBeGreaterThanOrEqual(2 * MIN);
    expect(await webBlueWeight(s.world)).toBe(0);
    expect(s.report.stages.map((x) => `${x.stage}:${x.outcome}`)).toEqual([
      'Preflight:ok',
      'Rollout:ok',
      'Gate:ok',
      'Commit:ok',
    ]);
    const web = s.report.services.find((x) => x.service === 'demo-web');
    expect(web).toMatchObject({ strategy: 'BLUE_GREEN', state: 'updated', current: tdArn('demo-web', 2) });
    const summary = renderSummary(s.report).replace(/\\_/g, '_');
    expect(summary).toMatch(
      /\| demo-web \| BLUE_GREEN \| .*POST_PRODUCTION_TRAFFIC_SHIFT .*CLEAN_UP .* \| demo-web:2 100% · demo-web:3 0% \| SUCCESSFUL \|/,
    );
    const log = s.world.log.text();
    expect(log).toContain('rollback: to release r1 (commit a1a1a1a0a0a0) from r4');
    expect(log).toMatch(/demo-web: held at POST_PRODUCTION_TRAFFIC_SHIFT/);
    expect(log).toContain('rollback: release r1 runs on every service');
  });

  it('its gate fails during the hold: the hook answered ROLLBACK, the api put back; every service where it was, rolled-back', async () => {
    const s = await scenario();
    await rollbackRelease(s.ctx, s.report, (phase) => {
      if (phase === 'gate')
        s.world.lab.cloudwatch.schedule(
          ALARM,
          new Date(s.world.clock.now() + 30_000),
          'ALARM',
          'Threshold Crossed',
        );
    });

    expect(s.report.result).toBe('rolled-back');
    expect(s.report.runningRelease).toBe('r4');
    expect(s.report.error).toMatch(
      /^rollback to release r1 failed: .*demo-alb-5xx.*; every service is back where it was \(release r4\)$/,
    );
    expect(await running(s.world)).toEqual({
      'demo-api': tdArn('demo-api', 5),
      'demo-web': tdArn('demo-web', 3),
    });
    expect(await webBlueWeight(s.world)).toBe(100);
    const calls = mutations(s.world);
    expect(calls.slice(0, 2)).toEqual([
      'UpdateService demo-api→demo-api:2',
      'UpdateService demo-web→demo-web:2',
    ]);
    expect(calls.slice(2).sort()).toEqual([
      'ContinueServiceDeployment demo-web ROLLBACK',
      'UpdateService demo-api→demo-api:5',
    ]);
    expect(s.report.services.map((x) => [x.service, x.state])).toEqual([
      ['demo-api', 'rolled-back'],
      ['demo-web', 'rolled-back'],
    ]);
    const summary = renderSummary(s.report).replace(/\\_/g, '_');
    expect(summary).toMatch(/\| Gate \| [^|]+ \| failed \|/);
    expect(summary).toMatch(
      /\| demo-web \| BLUE_GREEN \| .* \| demo-web:2 0% · demo-web:3 100% \| ROLLBACK_SUCCESSFUL \|/,
    );
  });
});
