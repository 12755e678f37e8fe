import { describe, expect, it } from 'vitest';
import { type DeploymentOut, lab, type ServiceOut, type TaskOut, taskDefinition } from './ecs-fixture.js';

async function setup(options: { breaker?: Record<string, unknown>; min?: number; max?: number } = {}) {
  const l = lab();
  const tg = l.elb.world.createTargetGroup({ name: 'api-tg', port: 8080, deregistrationDelaySeconds: 5 });
  l.ecs.world.createCluster('prod');
  await l.call('RegisterTaskDefinition', taskDefinition('api', '127.0.0.1:5055/api@sha256:aaa'));
  l.ecs.world.createService({
    cluster: 'prod',
    serviceName: 'api',
    taskDefinition: 'api:1',
    desiredCount: 4,
    launchType: 'FARGATE',
    loadBalancers: [{ targetGroupArn: tg.arn, containerName: 'api', containerPort: 8080 }],
    networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'], assignPublicIp: 'DISABLED' } },
    deploymentConfiguration: {
      minimumHealthyPercent: options.min ?? 100,
      maximumPercent: options.max ?? 200,
      deploymentCircuitBreaker: options.breaker ?? { enable: true, rollback: true },
    },
  });
  await l.call('RegisterTaskDefinition', taskDefinition('api', '127.0.0.1:5055/api@sha256:bbb'));
  return { ...l, tg };
}

async function describe1(l: Awaited<ReturnType<typeof setup>>): Promise<ServiceOut> {
  const out = await l.call<{ services: ServiceOut[] }>('DescribeServices', {
    cluster: 'prod',
    services: ['api'],
  });
  const svc = out.services[0];
  if (!svc) throw new Error('service missing');
  return svc;
}

async function healthyTargets(l: Awaited<ReturnType<typeof setup>>): Promise<number> {
  const h = await l.elbCall<{ TargetHealthDescriptions: { TargetHealth: { State: string } }[] }>(
    'DescribeTargetHealth',
    { TargetGroupArn: l.tg.arn },
  );
  return h.TargetHealthDescriptions.filter((d) => d.TargetHealth.State === 'healthy').length;
}

async function tasks(l: Awaited<ReturnType<typeof setup>>, desiredStatus: string): Promise<TaskOut[]> {
  const list = await l.call<{ taskArns: string[] }>('ListTasks', {
    cluster: 'prod',
    serviceName: 'api',
    desiredStatus,
  });
  if (list.taskArns.length === 0) return [];
  const out = await l.call<{ tasks: TaskOut[] }>('DescribeTasks', { cluster: 'prod', tasks: list.taskArns });
  return out.tasks;
}

describe('ECS rolling deployment (lab)', () => {
  it('rolls 4 tasks through the documented states to COMPLETED within min/max bounds', async () => {
    const l = await setup();
    const before = await describe1(l);
    const oldId = before.deployments[0]?.id ?? '';
    expect(before.deployments).toHaveLength(1);
    expect(before.deployments[0]?.rolloutState).toBe('COMPLETED');

    const upd = await l.call<{ service: ServiceOut }>('UpdateService', {
      cluster: 'prod',
      service: 'api',
      taskDefinition: 'api:2',
    });
    const primary = upd.service.deployments[0] as DeploymentOut;
    expect(primary.id).toMatch(/^ecs-svc\/\d{19}$/);
    expect(primary.status).toBe('PRIMARY');
    expect(primary.taskDefinition).toMatch(/:task-definition\/api:2$/);
    expect(upd.service.deployments[1]).toMatchObject({ id: oldId, status: 'ACTIVE' });

    const states: string[] = [];
    const statuses = new Set<string>();
    for (let s = 0; s < 300; s += 1) {
      l.tick();
      const svc = await describe1(l);
      const mine = svc.deployments.find((d) => d.id === primary.id);
      if (!mine) throw new Error('our deployment vanished');
      if (states.at(-1) !== mine.rolloutState) states.push(mine.rolloutState);
      // maximumPercent 200: at most 8 tasks RUNNING or PENDING; minimumHealthyPercent 100: at least 4 healthy targets.
      expect(svc.runningCount + svc.pendingCount).toBeLessThanOrEqual(8);
      expect(await healthyTargets(l)).toBeGreaterThanOrEqual(4);
      for (const t of await tasks(l, 'RUNNING')) statuses.add(t.lastStatus);
      if (mine.rolloutState === 'COMPLETED') break;
    }
    expect(states).toEqual(['IN_PROGRESS', 'COMPLETED']);
    expect([...statuses]).toEqual(
      expect.arrayContaining(['PROVISIONING', 'PENDING', 'ACTIVATING', 'RUNNING']),
    );

    const after = await describe1(l);
    expect(after.deployments).toHaveLength(1);
    expect(after.deployments[0]).toMatchObject({
      id: primary.id,
      status: 'PRIMARY',
      runningCount: 4,
      pendingCount: 0,
      failedTasks: 0,
      rolloutStateReason: `ECS deployment ${primary.id} completed.`,
    });
    expect(after.taskDefinition).toMatch(/api:2$/);

    const running = await tasks(l, 'RUNNING');
    expect(running).toHaveLength(4);
    for (const t of running) {
      expect(t).toMatchObject({ startedBy: primary.id, group: 'service:api', lastStatus: 'RUNNING' });
      expect(t.taskDefinitionArn).toMatch(/api:2$/);
    }
    const stopped = await tasks(l, 'STOPPED');
    expect(stopped).toHaveLength(4);
    for (const t of stopped) {
      expect(t).toMatchObject({
        startedBy: oldId,
        lastStatus: 'STOPPED',
        stopCode: 'ServiceSchedulerInitiated',
        stoppedReason: `Scaling activity initiated by (deployment ${primary.id})`,
      });
    }
    expect(await healthyTargets(l)).toBe(4);

    const messages = after.events.map((e) => e.message);
    expect(messages[0]).toBe('(service api) has reached a steady state.');
    expect(messages[1]).toBe(`(service api) (deployment ${primary.id}) deployment completed.`);
    expect(messages).toContainEqual(
      expect.stringMatching(/^\(service api\) has started 4 tasks: (\(task [0-9a-f]{32}\) ?){4}\.$/),
    );
    expect(messages).toContain(`(service api) registered 4 targets in (target-group ${l.tg.arn})`);
    expect(messages).toContainEqual(expect.stringMatching(/^\(service api\) has stopped \d running tasks: /));
    expect(messages).toContainEqual(
      expect.stringMatching(/^\(service api, taskSet ecs-svc\/\d{19}\) has begun draining/),
    );
    // Newest first.
    const times = after.events.map((e) => e.createdAt.getTime());
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it('with minimumHealthyPercent 50 / maximumPercent 100 stops old tasks before starting new ones', async () => {
    const l = await setup({ min: 50, max: 100 });
    await l.call('UpdateService', { cluster: 'prod', service: 'api', taskDefinition: 'api:2' });
    let done = false;
    for (let s = 0; s < 300 && !done; s += 1) {
      l.tick();
      const svc = await describe1(l);
      expect(svc.runningCount + svc.pendingCount).toBeLessThanOrEqual(4);
      expect(await healthyTargets(l)).toBeGreaterThanOrEqual(2);
      done = svc.deployments.length === 1 && svc.deployments[0]?.rolloutState === 'COMPLETED';
    }
    expect(done).toBe(true);
  });

  it('reports a deployment configuration that allows neither stops nor starts', async () => {
    const l = await setup({ min: 100, max: 100 });
    await l.call('UpdateService', { cluster: 'prod', service: 'api', taskDefinition: 'api:2' });
    for (let s = 0; s < 30; s += 1) l.tick();
    const svc = await describe1(l);
    expect(svc.events[0]?.message).toBe(
      '(service api) was unable to stop or start tasks during a deployment because of the service deployment configuration. Update the minimumHealthyPercent or maximumPercent value and try again.',
    );
    expect(svc.deployments[0]?.rolloutState).toBe('IN_PROGRESS');
  });

  it('replaces an IN_PROGRESS deployment when someone else updates the service', async () => {
    const l = await setup();
    const upd = await l.call<{ service: ServiceOut }>('UpdateService', {
      cluster: 'prod',
      service: 'api',
      taskDefinition: 'api:2',
    });
    const ours = upd.service.deployments[0]?.id;
    l.tick(3000);
    await l.call('RegisterTaskDefinition', taskDefinition('api', '127.0.0.1:5055/api@sha256:ccc'));
    const theirs = l.ecs.world.externalUpdate('api', 'api:3', 'prod');
    const svc = await describe1(l);
    expect(svc.deployments[0]).toMatchObject({ id: theirs.id, status: 'PRIMARY' });
    expect(svc.deployments.find((d) => d.id === ours)?.status).toBe('ACTIVE');
    for (let s = 0; s < 300; s += 1) l.tick();
    const end = await describe1(l);
    expect(end.deployments.map((d) => d.id)).toEqual([theirs.id]);
    expect(end.taskDefinition).toMatch(/api:3$/);
  });
});
