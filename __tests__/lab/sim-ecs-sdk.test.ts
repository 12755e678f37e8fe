/**
 * The lab's ECS self-test through the real SDK clients, in-process and over
 * HTTP: a rolling deployment of 4 tasks reaches COMPLETED; with failing tasks the
 * circuit breaker fails it and ECS's own rollback completes.
 */
import {
  type Deployment,
  DescribeServicesCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO, seedDemo } from '../../lab/scenarios/demo';
import { type Harness, MODES, openLab } from './sim-harness.js';

describe.each(MODES)('ECS rolling deployments through the SDK (%s)', (mode) => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  async function roll(outcome: 'healthy' | 'unhealthy') {
    h = await openLab(mode);
    const lab = h.lab;
    seedDemo(lab, { desiredCount: 4 });
    const ecs = new ECSClient(h.config);
    const base = lab.ecs.taskDefinitions.get(
      `arn:aws:ecs:${lab.region}:${lab.account}:task-definition/demo-api:1`,
    );
    const { taskDefinition } = await ecs.send(
      new RegisterTaskDefinitionCommand({ ...(base?.body as object), family: DEMO.api.family } as never),
    );
    lab.ecs.behave({ family: DEMO.api.family, revision: 2 }, { outcome });
    const updated = await ecs.send(
      new UpdateServiceCommand({
        cluster: DEMO.cluster,
        service: DEMO.api.service,
        taskDefinition: taskDefinition?.taskDefinitionArn ?? '',
      }),
    );
    const ours = updated.service?.deployments?.find((d) => d.status === 'PRIMARY')?.id;
    const states: string[] = [];
    let deployments: Deployment[] = [];
    for (let t = 0; t < 30 * 60; t += 5) {
      h.clock.advance(5000);
      const out = await ecs.send(
        new DescribeServicesCommand({ cluster: DEMO.cluster, services: [DEMO.api.service] }),
      );
      deployments = out.services?.[0]?.deployments ?? [];
      const mine = deployments.find((d) => d.id === ours);
      const state = mine?.rolloutState ?? 'gone';
      if (states.at(-1) !== state) states.push(state);
      const settled = deployments.length === 1 && deployments[0]?.rolloutState === 'COMPLETED';
      if (settled) break;
    }
    ecs.destroy();
    return { ours, states, deployments, taskDefinition: taskDefinition?.taskDefinitionArn ?? '' };
  }

  it('a rolling deployment of 4 tasks goes IN_PROGRESS → COMPLETED and replaces every task', async () => {
    const { states, deployments, ours, taskDefinition } = await roll('healthy');
    expect(states).toEqual(['IN_PROGRESS', 'COMPLETED']);
    expect(deployments).toHaveLength(1);
    expect(deployments[0]).toMatchObject({ id: ours, taskDefinition, runningCount: 4, desiredCount: 4 });
  });

  it('failing tasks trip the circuit breaker at its threshold, and ECS rolls back to the previous revision', async () => {
    const { states, deployments } = await roll('unhealthy');
    expect(states).toContain('FAILED');
    expect(deployments).toHaveLength(1);
    expect(deployments[0]?.taskDefinition).toMatch(/demo-api:1$/);
    expect(deployments[0]?.rolloutState).toBe('COMPLETED');
  });
});
