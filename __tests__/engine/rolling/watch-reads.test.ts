/**
 * docs/targets.md with docs/rollout.md: many services completing together behind load balancers get
 * their verdicts within a poll or so, and checking their new tasks' targets costs one
 * DescribeTasks for all of them (not a ListTasks + DescribeTasks each, queued behind
 * the read budget). Lab on a virtual clock; reads counted by the lab's recorder.
 */
import type { DescribeServicesCommandOutput } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { fargateTaskDefinition } from '../../../lab/scenarios/task-definition';
import { rollOut } from '../../../src/engine/waves';
import { MemoryLogger } from '../../../src/runtime/log';
import { testConfig } from '../../support/config';
import { createWorld, type World } from '../../support/world';

const CLUSTER = 'reads';
const READS = /^(Describe|List|Get|BatchGet)/;

/** Keeps, per service, the virtual time of its `deployment … completed` line. */
class TimedLogger extends MemoryLogger {
  readonly completedAt = new Map<string, number>();
  constructor(private readonly now: () => number) {
    super();
  }
  override info(message: string): void {
    super.info(message);
    const hit = /^(\S+): deployment \S+ completed$/.exec(message);
    if (hit?.[1]) this.completedAt.set(hit[1], this.now());
  }
}

/** `count` services behind their own target group, 2 tasks each, whose new tasks all start at once. */
function fleet(count: number): { world: World; services: { service: string; arn: string }[] } {
  const world = createWorld({ real: false });
  const { lab } = world;
  lab.ecs.createCluster(CLUSTER);
  const services = [];
  for (let i = 1; i <= count; i += 1) {
    const name = `reads-${i}`;
    const td = (digest: string) =>
      fargateTaskDefinition(name, {
        name: 'app',
        image: `repo/${name}@sha256:${digest}`,
        portMappings: [{ containerPort: 8080 }],
      });
    lab.ecs.registerTaskDefinition(td('1'));
    const tg = lab.elbv2.createTargetGroup({ name: `${name}-tg`, port: 8080 });
    lab.ecs.createService({
      cluster: CLUSTER,
      serviceName: name,
      taskDefinition: `${name}:1`,
      desiredCount: 2,
      launchType: 'FARGATE',
      loadBalancers: [{ targetGroupArn: tg.arn, containerName: 'app', containerPort: 8080 }],
      deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
    });
    const next = lab.ecs.registerTaskDefinition(td('2'));
    lab.ecs.behave({ family: name, revision: 2 }, { outcome: 'healthy', startMs: 3000 });
    services.push({ service: name, arn: next.arn });
  }
  return { world, services };
}

async function release(world: World, services: { service: string; arn: string }[]) {
  const log = new TimedLogger(() => world.clock.now());
  const ctx = {
    ...world.context(testConfig({ cluster: CLUSTER })),
    log,
  };
  const start = world.clock.now();
  const result = await rollOut(
    ctx,
    services.map((s) => ({ service: s.service, taskDefinitionArn: s.arn, wave: 1 })),
  );
  const calls = world.lab.recorder.calls('ecs').filter((c) => c.at >= start && READS.test(c.operation));
  const count = (op: string) => calls.filter((c) => c.operation === op).length;
  /** Per service: its verdict line − the lab's own `deployment completed` event. */
  const lags = result.services.map((r) => {
    const event = world.lab.ecs
      .service(CLUSTER, r.service)
      .events.find((e) => e.message.includes(`(deployment ${r.deploymentId}) deployment completed`));
    return (log.completedAt.get(r.service) ?? Number.POSITIVE_INFINITY) - (event?.createdAt ?? 0);
  });
  return { result, lags, count, reads: calls.length, spanMs: world.clock.now() - start };
}

describe('watching many services that complete in the same round', () => {
  it('10 services behind load balancers: every verdict within 1.5 s, their 20 new tasks read in one DescribeTasks', async () => {
    const { world, services } = fleet(10);
    const run = await release(world, services);
    expect(run.result.services.map((s) => s.state)).toEqual(services.map(() => 'completed'));
    // They all completed in the same lab step: one poll round sees them together.
    const completions = new Set(
      run.result.services.map(
        (r) =>
          world.lab.ecs
            .service(CLUSTER, r.service)
            .events.find((e) => e.message.endsWith('deployment completed.'))?.createdAt,
      ),
    );
    expect(completions.size).toBe(1);
    // A poll is every 1.25 s at 0.8 reads/s; the targets check waits for no refill.
    for (const lag of run.lags) expect(lag).toBeLessThanOrEqual(1500);
    // The tasks came from ECS's "has started" events: no ListTasks, one DescribeTasks for all.
    expect(run.count('ListTasks')).toBe(0);
    expect(run.count('DescribeTasks')).toBe(1);
    // Every new task's target was checked healthy (docs/rollout.md), one DescribeTargetHealth per group.
    expect(world.lab.recorder.calls('elbv2', 'DescribeTargetHealth').length).toBeGreaterThanOrEqual(10);
    // Under the 0.8/s budget over the whole watch (+ the bucket's start and its debt bound).
    expect(run.reads).toBeLessThanOrEqual((run.spanMs / 1000) * 0.8 + 1 + 3);
  });

  it('when the events do not account for the tasks, each service falls back to ListTasks and still completes', async () => {
    const { world, services } = fleet(3);
    // A missed event (ECS keeps only the latest 100): strip "has started" from every answer.
    world.aws.ecs.middlewareStack.add(
      (next) => async (args) => {
        const out = await next(args);
        const body = out.output as Partial<DescribeServicesCommandOutput>;
        for (const s of body.services ?? [])
          s.events = (s.events ?? []).filter((e) => !e.message?.includes('has started'));
        return out;
      },
      { step: 'initialize', name: 'dropStartedEvents' },
    );
    const run = await release(world, services);
    expect(run.result.services.map((s) => s.state)).toEqual(services.map(() => 'completed'));
    expect(run.count('ListTasks')).toBe(3);
    for (const lag of run.lags) expect(lag).toBeLessThanOrEqual(6000);
  });
});
