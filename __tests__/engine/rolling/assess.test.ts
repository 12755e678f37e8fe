import type { Deployment, Service } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { assess } from '../../../src/engine/rolling/assess';
import { describeStoppedTask, unhealthyEvent } from '../../../src/observe/diagnose';
import { ReadBudget } from '../../../src/observe/read-budget';
import { startedEvent } from '../../../src/observe/watch-events';
import { VirtualClock } from '../../../src/runtime/clock';

const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 12, 0, s));
const dep = (id: string, extra: Partial<Deployment>): Deployment => ({
  id,
  taskDefinition: `arn:aws:ecs:eu-west-1:1:task-definition/api:${id.slice(-1)}`,
  ...extra,
});
const svc = (...deployments: Deployment[]): Service => ({ serviceName: 'api', deployments });

describe('assess', () => {
  const ours = { status: 'PRIMARY', rolloutState: 'IN_PROGRESS', createdAt: t(10) } as const;
  it('is in progress, then complete only when COMPLETED and alone', () => {
    expect(
      assess(svc(dep('d2', ours), dep('d1', { status: 'ACTIVE', createdAt: t(0) })), 'd2', t(10)).kind,
    ).toBe('in-progress');
    expect(
      assess(
        svc(
          dep('d2', { ...ours, rolloutState: 'COMPLETED' }),
          dep('d1', { status: 'ACTIVE', createdAt: t(0) }),
        ),
        'd2',
        t(10),
      ).kind,
    ).toBe('in-progress');
    expect(assess(svc(dep('d2', { ...ours, rolloutState: 'COMPLETED' })), 'd2', t(10)).kind).toBe('complete');
  });
  it('tells ECS rollback (to an earlier deployment) from someone else’s (a new one)', () => {
    const failed = dep('d2', {
      status: 'ACTIVE',
      rolloutState: 'FAILED',
      rolloutStateReason: 'circuit breaker',
      createdAt: t(10),
    });
    const back = dep('d1', { status: 'PRIMARY', rolloutState: 'IN_PROGRESS', createdAt: t(0) });
    expect(assess(svc(back, failed), 'd2', t(10))).toMatchObject({
      kind: 'rolled-back-by-ecs',
      rollbackDeploymentId: 'd1',
    });
    // Rolled back and drained already: ours is gone; the same second is told apart by the prior ids.
    const sameSecond = dep('d1', { status: 'PRIMARY', rolloutState: 'COMPLETED', createdAt: t(10) });
    expect(assess(svc(sameSecond), 'd2', t(10), ['d1']).kind).toBe('rolled-back-by-ecs');
    const theirs = dep('d3', { status: 'PRIMARY', rolloutState: 'IN_PROGRESS', createdAt: t(20) });
    expect(assess(svc(theirs, dep('d2', { ...ours, status: 'ACTIVE' })), 'd2', t(10), ['d1'])).toMatchObject({
      kind: 'replaced',
      by: 'd3',
    });
  });
  it('fails a FAILED deployment that ECS does not roll back', () => {
    const v = assess(
      svc(
        dep('d2', {
          ...ours,
          rolloutState: 'FAILED',
          rolloutStateReason: 'ECS deployment circuit breaker: task failed to start.',
        }),
      ),
      'd2',
      t(10),
    );
    expect(v).toEqual({
      kind: 'failed',
      reason: 'deployment d2 FAILED: ECS deployment circuit breaker: task failed to start.',
    });
  });
});

describe('describeStoppedTask / unhealthyEvent', () => {
  it('says why a task stopped, container by container', () => {
    expect(
      describeStoppedTask({
        taskArn: 'arn:aws:ecs:eu-west-1:1:task/demo/abc123',
        taskDefinitionArn: 'arn:aws:ecs:eu-west-1:1:task-definition/api:8',
        stopCode: 'TaskFailedToStart',
        stoppedReason: 'ResourceInitializationError: unable to pull secrets',
        containers: [{ name: 'api', reason: 'CannotStartContainerError' }, { name: 'envoy' }],
      }),
    ).toEqual([
      'stopped task abc123 (api:8): TaskFailedToStart: ResourceInitializationError: unable to pull secrets',
      '  container api: no exit code (CannotStartContainerError)',
    ]);
  });
  it('reads the ALB reason out of ECS’s unhealthy event', () => {
    expect(
      unhealthyEvent(
        '(service api) (task 0a1b) (port 8080) is unhealthy in (target-group arn:aws:elasticloadbalancing:eu-west-1:1:targetgroup/api-tg/9f) due to (reason Health checks failed with these codes: [503]).',
      ),
    ).toEqual({
      taskId: '0a1b',
      line: '  target 8080 unhealthy in api-tg: reason Health checks failed with these codes: [503]',
    });
  });
});

describe('ReadBudget', () => {
  it('never lets reads exceed its rate plus what it starts with', async () => {
    const clock = new VirtualClock();
    const budget = new ReadBudget(clock, 0.8, 3);
    const start = clock.now();
    let reads = 0;
    while (clock.now() - start < 60_000) {
      await budget.take(reads % 5 === 0 ? 2 : 1, undefined, reads % 5 === 0 ? 0 : 2);
      reads += reads % 5 === 0 ? 2 : 1;
    }
    expect(reads).toBeLessThanOrEqual(0.8 * 60 + 2 + 2);
    expect(reads).toBeGreaterThan(0.8 * 60 - 2);
  });

  it('borrowed reads go out at once, and the polls after them pay the debt back', async () => {
    const clock = new VirtualClock();
    const budget = new ReadBudget(clock, 0.8, 3);
    const start = clock.now();
    const at = () => clock.now() - start;
    await budget.take(1, undefined, 2); // waits for 3 tokens: 2.5 s
    expect(at()).toBe(2500);
    await budget.borrow(4); // 2 left → −2: no wait
    expect(at()).toBe(2500);
    await budget.borrow(2); // −4 would pass the floor of −3: waits for 1 token
    expect(at()).toBe(3750);
    await budget.take(1, undefined, 2); // from −3 back to 3
    expect(at()).toBe(3750 + 7500);
  });

  it('borrowing as fast as it allows stays under its rate plus its start and its debt', async () => {
    const clock = new VirtualClock();
    const budget = new ReadBudget(clock, 0.8, 3);
    const start = clock.now();
    let reads = 0;
    while (clock.now() - start < 60_000) {
      if (reads % 3 === 0) await budget.take(1, undefined, 2);
      else await budget.borrow(1);
      reads += 1;
    }
    expect(reads).toBeLessThanOrEqual(0.8 * 60 + 1 + 3 + 1);
    expect(reads).toBeGreaterThan(0.8 * 60 - 2);
  });
});

describe('startedEvent', () => {
  it("reads the task ids of ECS's `has started` event, and nothing of other events", () => {
    expect(
      startedEvent('(service api) has started 2 tasks: (task 0a1b2c3d4e5f) (task 9f8e7d6c5b4a).'),
    ).toEqual(['0a1b2c3d4e5f', '9f8e7d6c5b4a']);
    expect(startedEvent('(service api) has stopped 1 running tasks: (task 0a1b2c3d4e5f).')).toEqual([]);
    expect(startedEvent('(service api) has reached a steady state.')).toEqual([]);
  });
});
