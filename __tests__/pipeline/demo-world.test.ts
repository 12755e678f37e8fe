import { DescribeServicesCommand } from '@aws-sdk/client-ecs';
import { DescribeRulesCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { describe, expect, it } from 'vitest';
import { DEMO, seedDemo } from '../../lab/scenarios/demo';
import type { LiveService } from '../../src/model/contracts';
import { checkBuiltInServices } from '../../src/preflight/built-in';
import { testConfig } from '../support/config';
import { createWorld } from '../support/world';

describe('the demo world', () => {
  it('starts steady: both services on their first revision, one COMPLETED deployment each', async () => {
    const world = createWorld({ real: false });
    const arns = seedDemo(world.lab);
    const { services = [] } = await world.aws.ecs.send(
      new DescribeServicesCommand({ cluster: DEMO.cluster, services: [DEMO.api.service, DEMO.web.service] }),
    );
    expect(
      services.map((s) => [s.serviceName, s.taskDefinition, s.runningCount, s.deployments?.length]),
    ).toEqual([
      ['demo-api', arns.api, 2, 1],
      ['demo-web', arns.web, 2, 1],
    ]);
    expect(services[0]?.deployments?.[0]?.rolloutState).toBe('COMPLETED');
  });

  it('with blueGreenFrontend, demo-web is BLUE_GREEN held at POST_PRODUCTION_TRAFFIC_SHIFT, wired as preflight wants', async () => {
    const world = createWorld({ real: false });
    seedDemo(world.lab, { blueGreenFrontend: true });
    const { services = [] } = await world.aws.ecs.send(
      new DescribeServicesCommand({ cluster: DEMO.cluster, services: [DEMO.api.service, DEMO.web.service] }),
    );
    const [api, web] = services;
    expect(api?.deploymentConfiguration?.strategy ?? 'ROLLING').toBe('ROLLING');
    expect(web?.deploymentConfiguration).toMatchObject({
      strategy: 'BLUE_GREEN',
      bakeTimeInMinutes: 0,
      lifecycleHooks: [
        {
          targetType: 'PAUSE',
          lifecycleStages: ['POST_PRODUCTION_TRAFFIC_SHIFT'],
          timeoutConfiguration: { action: 'ROLLBACK' },
        },
      ],
    });
    // The production rule forwards blue 100 / green 0 over demo-web's two target groups.
    const adv = web?.loadBalancers?.[0]?.advancedConfiguration;
    const rule = await world.aws.elbv2.send(
      new DescribeRulesCommand({ RuleArns: [adv?.productionListenerRule ?? ''] }),
    );
    expect(rule.Rules?.[0]?.Actions?.[0]?.ForwardConfig?.TargetGroups).toEqual([
      expect.objectContaining({ TargetGroupArn: web?.loadBalancers?.[0]?.targetGroupArn, Weight: 100 }),
      expect.objectContaining({ TargetGroupArn: adv?.alternateTargetGroupArn, Weight: 0 }),
    ]);
    // Preflight's wiring check finds nothing wrong and nothing to warn about (bake-time 20 s, as examples/app).
    const ctx = world.context(
      testConfig({ cluster: DEMO.cluster, gate: { ...testConfig().gate, bakeTimeMs: 20_000 } }),
    );
    const f = { problems: [] as string[], warnings: [] as string[] };
    const liveWeb: LiveService = {
      config: {
        service: DEMO.web.service,
        containers: [{ container: DEMO.web.container, image: 'frontend' }],
        wave: 2,
      },
      arn: web?.serviceArn ?? '',
      service: web ?? {},
      taskDefinition: {},
      taskDefinitionTags: [],
      containers: [],
    };
    await checkBuiltInServices(ctx, [liveWeb], f);
    expect(f).toEqual({ problems: [], warnings: [] });
  });
});
