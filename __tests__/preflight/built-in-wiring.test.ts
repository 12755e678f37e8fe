/**
 * Preflight's built-in wiring checks against lab worlds through the real SDK
 * clients: the service as DescribeServices returns it, its listener rules as
 * DescribeRules returns them, then the findings a user would see.
 */
import { DescribeServicesCommand, type ECSClient } from '@aws-sdk/client-ecs';
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type BuiltInService,
  type BuiltInServiceOptions,
  seedBuiltInService,
} from '../../lab/scenarios/built-in';
import { checkBuiltInWiring, describeListenerRules, namedRules } from '../../src/preflight/built-in';
import { newFindings } from '../../src/preflight/findings';
import { MODES, openSdkLab, type SdkLab } from '../lab/sim-harness.js';

describe.each(MODES)('built-in wiring preflight on a lab world (%s)', (mode) => {
  let h: SdkLab;
  let ecs: ECSClient;
  let elb: ElasticLoadBalancingV2Client;
  afterEach(async () => {
    await h?.close();
  });

  async function open() {
    h = await openSdkLab(mode);
    ({ ecs, elb } = h);
  }

  /** What preflight does for one service: describe it, read its rules, decide. */
  async function findings(
    o: BuiltInServiceOptions,
    bakeTimeMs = 5 * 60_000,
    alter?: (s: BuiltInService) => void,
  ) {
    const s = seedBuiltInService(h.lab, o);
    alter?.(s);
    const out = await ecs.send(new DescribeServicesCommand({ cluster: s.cluster, services: [s.service] }));
    const service = out.services?.[0];
    if (!service) throw new Error('the seeded service is missing');
    const f = newFindings();
    const rules = await describeListenerRules(elb, namedRules([service]), f, new AbortController().signal);
    const wiring = checkBuiltInWiring({ name: s.service, service, rules, bakeTimeMs });
    return { s, problems: [...f.problems, ...wiring.problems], warnings: wiring.warnings };
  }

  it('a well-wired BLUE_GREEN service with a test listener has no findings', async () => {
    await open();
    const f = await findings({
      service: 'bg-ok',
      strategy: 'BLUE_GREEN',
      testListener: true,
      bakeTimeInMinutes: 10,
    });
    expect(f.problems).toEqual([]);
    expect(f.warnings).toEqual([]);
  });

  it('a production rule forwarding to blue only is refused, naming the service and the field', async () => {
    await open();
    const f = await findings({
      service: 'bg-broken',
      strategy: 'BLUE_GREEN',
      blueOnlyOnProductionRule: true,
    });
    expect(f.problems).toEqual([
      `service bg-broken: loadBalancers[0].advancedConfiguration.productionListenerRule ${f.s.productionRuleArn} ` +
        `does not forward to both target groups (targetGroupArn ${f.s.blueTargetGroupArn} and alternateTargetGroupArn ` +
        `${f.s.greenTargetGroupArn}); ECS would roll the deployment back for invalid networking configuration. ` +
        'Forward the production rule to both (weights 100 and 0), or one on each of the production and test rules.',
    ]);
  });

  it('blue on production and green on the test rule is accepted', async () => {
    await open();
    const f = await findings({
      service: 'lin-split',
      strategy: 'LINEAR',
      blueOnlyOnProductionRule: true,
      testListener: true,
    });
    expect(f.problems).toEqual([]);
  });

  it('a deleted production rule is refused as not found', async () => {
    await open();
    const f = await findings({ service: 'can-gone', strategy: 'CANARY' }, undefined, (seeded) => {
      h.lab.elbv2.rules.rules.delete(seeded.productionRuleArn);
    });
    const prod = f.s.productionRuleArn;
    expect(f.problems).toEqual([
      expect.stringContaining(
        `service can-gone: loadBalancers[0].advancedConfiguration.productionListenerRule ${prod} was not found in ELBv2`,
      ),
    ]);
  });

  it('warns on a short bakeTimeInMinutes and a PAUSE hook that continues on timeout', async () => {
    await open();
    const f = await findings(
      {
        service: 'can-warn',
        strategy: 'CANARY',
        bakeTimeInMinutes: 1,
        hooks: [{ stage: 'PRE_PRODUCTION_TRAFFIC_SHIFT', action: 'CONTINUE', timeoutInMinutes: 30 }],
      },
      10 * 60_000,
    );
    expect(f.problems).toEqual([]);
    expect(f.warnings).toEqual([
      expect.stringContaining(
        'service can-warn: deploymentConfiguration.bakeTimeInMinutes 1 is shorter than bake-time 10m',
      ),
      expect.stringContaining(
        'service can-warn: deploymentConfiguration.lifecycleHooks[0] (PAUSE at PRE_PRODUCTION_TRAFFIC_SHIFT) has timeoutConfiguration.action CONTINUE',
      ),
    ]);
  });
});
