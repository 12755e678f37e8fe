import { DescribeServicesCommand } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { DEMO, seedDemo } from '../../lab/scenarios/demo';
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
});
