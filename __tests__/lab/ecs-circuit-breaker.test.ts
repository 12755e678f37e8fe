import { describe, expect, it } from 'vitest';
import { failureThreshold } from '../../lab/sim/ecs/index.js';
import { lab, type ServiceOut, type TaskOut, taskDefinition } from './ecs-fixture.js';

async function setup(rollback: boolean, loadBalanced: boolean) {
  const l = lab();
  const tg = l.elb.world.createTargetGroup({ name: 'api-tg', port: 8080 });
  l.ecs.world.createCluster('prod');
  await l.call('RegisterTaskDefinition', taskDefinition('api', 'api:v1'));
  await l.call('CreateService', {
    cluster: 'prod',
    serviceName: 'api',
    taskDefinition: 'api:1',
    desiredCount: 4,
    launchType: 'FARGATE',
    ...(loadBalanced && {
      loadBalancers: [{ targetGroupArn: tg.arn, containerName: 'api', containerPort: 8080 }],
    }),
    deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback } },
  });
  l.ecs.world.timings({ noHealthCheckHealthyMs: 5000 });
  return { ...l, tg };
}

async function svc(l: Awaited<ReturnType<typeof setup>>): Promise<ServiceOut> {
  const out = await l.call<{ services: ServiceOut[] }>('DescribeServices', {
    cluster: 'prod',
    services: ['api'],
  });
  if (!out.services[0]) throw new Error('missing');
  return out.services[0];
}

async function runUntil(l: Awaited<ReturnType<typeof setup>>, done: (s: ServiceOut) => boolean, limit = 600) {
  for (let i = 0; i < limit; i += 1) {
    l.tick();
    const s = await svc(l);
    if (done(s)) return s;
  }
  throw new Error('condition not reached');
}

describe('circuit breaker threshold', () => {
  it('follows the documented BOUNDED_PERCENT 50 and COUNT rules', () => {
    expect(failureThreshold({ enable: true }, 1)).toBe(3);
    expect(failureThreshold({ enable: true }, 4)).toBe(3);
    expect(failureThreshold({ enable: true }, 25)).toBe(13);
    expect(failureThreshold({ enable: true }, 400)).toBe(200);
    expect(failureThreshold({ enable: true, thresholdConfiguration: { type: 'COUNT', value: 7 } }, 4)).toBe(
      7,
    );
  });
});

describe('ECS circuit breaker (lab)', () => {
  it('fails an unhealthy deployment exactly at the threshold and rolls back to the last COMPLETED deployment', async () => {
    const l = await setup(true, true);
    const first = await runUntil(l, (s) => s.deployments[0]?.rolloutState === 'COMPLETED');
    const goodId = first.deployments[0]?.id ?? '';
    await l.call('RegisterTaskDefinition', taskDefinition('api', 'api:v2'));
    l.ecs.world.behave({ family: 'api', revision: 2 }, { outcome: 'unhealthy' });
    const upd = await l.call<{ service: ServiceOut }>('UpdateService', {
      cluster: 'prod',
      service: 'api',
      taskDefinition: 'api:2',
    });
    const badId = upd.service.deployments[0]?.id ?? '';

    let seenFailed = false;
    const end = await runUntil(l, (s) => {
      const bad = s.deployments.find((d) => d.id === badId);
      if (bad && !seenFailed) {
        if (bad.rolloutState === 'FAILED') {
          seenFailed = true;
          expect(bad.failedTasks).toBe(3);
          expect(bad.rolloutStateReason).toBe('ECS deployment circuit breaker: task failed to start.');
          expect(s.deployments[0]).toMatchObject({
            id: goodId,
            status: 'PRIMARY',
            rolloutState: 'IN_PROGRESS',
            rolloutStateReason: `ECS deployment circuit breaker: rolling back to deploymentId ${goodId}.`,
          });
          expect(bad.status).toBe('ACTIVE');
        } else {
          expect(bad.failedTasks).toBeLessThan(3);
        }
      }
      return seenFailed && s.deployments.length === 1 && s.deployments[0]?.rolloutState === 'COMPLETED';
    });
    expect(end.deployments[0]).toMatchObject({
      id: goodId,
      rolloutStateReason: `ECS deployment ${goodId} completed.`,
    });
    expect(end.taskDefinition).toMatch(/api:1$/);
    const messages = end.events.map((e) => e.message);
    expect(messages).toContain(
      `(service api) (deployment ${badId}) deployment failed: tasks failed to start.`,
    );
    expect(messages).toContain(`(service api) rolling back to deployment ${goodId}.`);
    expect(messages).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^\\(service api\\) \\(task [0-9a-f]{32}\\) \\(port 8080\\) is unhealthy in \\(target-group ${l.tg.arn}\\) due to \\(reason Health checks failed with these codes: \\[503\\]\\)\\.$`,
        ),
      ),
    );
    const stopped = await l.call<{ taskArns: string[] }>('ListTasks', {
      cluster: 'prod',
      startedBy: badId,
      desiredStatus: 'STOPPED',
    });
    const described = await l.call<{ tasks: TaskOut[] }>('DescribeTasks', {
      cluster: 'prod',
      tasks: stopped.taskArns,
    });
    expect(described.tasks.map((t) => t.stoppedReason)).toContain(
      `Task failed ELB health checks in (target-group ${l.tg.arn})`,
    );
  });

  it('fails tasks that never start and, without rollback, launches no more tasks for the FAILED deployment', async () => {
    const l = await setup(false, false);
    await runUntil(l, (s) => s.deployments[0]?.rolloutState === 'COMPLETED');
    await l.call('RegisterTaskDefinition', taskDefinition('api', 'api:missing'));
    l.ecs.world.behave(
      { family: 'api', image: 'missing' },
      {
        outcome: 'fail-to-start',
        reason: 'CannotPullContainerError: pull access denied for api, repository does not exist',
      },
    );
    const upd = await l.call<{ service: ServiceOut }>('UpdateService', {
      cluster: 'prod',
      service: 'api',
      taskDefinition: 'api:2',
    });
    const badId = upd.service.deployments[0]?.id ?? '';
    const failed = await runUntil(l, (s) => s.deployments[0]?.rolloutState === 'FAILED');
    expect(failed.deployments[0]).toMatchObject({ id: badId, failedTasks: 3 });
    const count = async () =>
      (
        await l.call<{ taskArns: string[] }>('ListTasks', {
          cluster: 'prod',
          startedBy: badId,
          desiredStatus: 'STOPPED',
        })
      ).taskArns;
    const arns = await count();
    for (let i = 0; i < 120; i += 1) l.tick();
    expect(await count()).toEqual(arns);
    const end = await svc(l);
    expect(end.deployments[0]?.rolloutState).toBe('FAILED');
    expect(end.runningCount).toBe(4); // the old tasks keep serving
    const d = await l.call<{ tasks: TaskOut[] }>('DescribeTasks', { cluster: 'prod', tasks: arns });
    for (const t of d.tasks) {
      expect(t.stopCode).toBe('TaskFailedToStart');
      expect(t.stoppedReason).toBe(
        'CannotPullContainerError: pull access denied for api, repository does not exist',
      );
    }
  });
});
