/**
 * A release through the engine (runTransaction) over the lab's built-in services
 * (lab/scenarios/built-in.ts) and, optionally, rolling ones in the same cluster: the
 * plan a deploy builds after render (moves, claim, gate alarms), on the virtual clock.
 * The tests assert the lab's end state, the report, the summary and the log.
 */
import { DescribeServicesCommand } from '@aws-sdk/client-ecs';
import { type BuiltInServiceOptions, nextRevision, seedRollingService } from '../../lab/scenarios/built-in';
import { type Move, runTransaction, type Transaction } from '../../src/engine';
import { planServices } from '../../src/engine/services-report';
import type { FetchLike } from '../../src/gate';
import { newReport, type Report } from '../../src/model/report';
import { claimEnvironment } from '../../src/record';
import { renderSummary } from '../../src/report/summary';
import type { StageContext } from '../../src/runtime/context';
import { type BuiltInWorld, builtInWorld } from '../engine/built-in-world';
import { testConfig } from '../support/config';
import type { World } from '../support/world';

export const MIN = 60_000;
export const HOLD = { stage: 'POST_PRODUCTION_TRAFFIC_SHIFT' };
export const PRE_PROD = { stage: 'PRE_PRODUCTION_TRAFFIC_SHIFT' };

export interface ReleaseOptions {
  builtIn: BuiltInServiceOptions[];
  /** Rolling services seeded beside them (revision 1 running, revision 2 deployed), moved in wave 1. */
  rolling?: { service: string; breakerRollback?: boolean }[];
  /** A service's wave (default 1). */
  waves?: Record<string, number>;
  /** Gate alarms (created OK). */
  alarms?: string[];
  bakeTimeMs?: number;
  /** `smoke-test-url`, answered by `fetch` (the gate's own fetch when unset). */
  smokeTestUrl?: string;
  fetch?: FetchLike;
}

export interface Release {
  b: BuiltInWorld;
  ctx: StageContext;
  report: Report;
  plan: Transaction;
  /** Revision 1 (what runs before) and 2 (the release) of every service. */
  before: Record<string, string>;
  target: Record<string, string>;
  run(): Promise<void>;
  summary(): string;
}

export async function release(o: ReleaseOptions): Promise<Release> {
  const b = builtInWorld(o.builtIn);
  b.w.lab.ecs.timings({
    noHealthCheckHealthyMs: 5_000,
    provisioningMs: 1_000,
    pendingMs: 1_000,
    stopMs: 1_000,
  });
  const alarms = o.alarms ?? [];
  for (const name of alarms) b.w.lab.cloudwatch.putAlarm({ name, type: 'metric', state: 'OK' });
  const before: Record<string, string> = {};
  const target: Record<string, string> = {};
  const moves: Move[] = [];
  for (const s of b.services) {
    before[s.service] = s.taskDefinitionArn;
    target[s.service] = nextRevision(b.w.lab, s);
    const strategy = o.builtIn.find((x) => x.service === s.service)?.strategy ?? 'BLUE_GREEN';
    moves.push({
      service: s.service,
      taskDefinitionArn: target[s.service] ?? '',
      wave: o.waves?.[s.service] ?? 1,
      previousArn: s.taskDefinitionArn,
      strategy,
    });
  }
  for (const r of o.rolling ?? []) {
    const arn = seedRollingService(b.w.lab, {
      service: r.service,
      breakerRollback: r.breakerRollback ?? true,
    }).taskDefinitionArn;
    before[r.service] = arn;
    target[r.service] = nextRevision(b.w.lab, { taskDefinitionArn: arn });
    moves.push({
      service: r.service,
      taskDefinitionArn: target[r.service] ?? '',
      wave: o.waves?.[r.service] ?? 1,
      previousArn: arn,
      strategy: 'ROLLING',
    });
  }
  const config = testConfig({
    cluster: 'lab',
    release: 'r2',
    gate: {
      alarms,
      bakeTimeMs: o.bakeTimeMs ?? MIN,
      autoRollback: true,
      waitTimeoutMs: 30 * MIN,
      ...(o.smokeTestUrl && { smokeTestUrl: o.smokeTestUrl }),
    },
  });
  const ctx = b.w.context(config);
  const report = newReport(config);
  planServices(
    report,
    moves.map((m) => ({
      service: m.service,
      previous: m.previousArn,
      target: m.taskDefinitionArn,
      strategy: m.strategy,
    })),
  );
  const claim = await claimEnvironment(ctx, 'run-1', 60 * MIN);
  const plan: Transaction = {
    kind: 'deploy',
    moves,
    alarms,
    claim,
    release: 'r2',
    running: 'r1',
    registered: moves.map((m) => m.taskDefinitionArn),
    checkpoint: () => undefined,
    ...(o.fetch && { gate: { fetch: o.fetch } }),
  };
  b.w.lab.recorder.clear();
  return {
    b,
    ctx,
    report,
    plan,
    before,
    target,
    run: () => runTransaction(ctx, report, plan),
    summary: () => renderSummary(report),
  };
}

/** What each service runs now, `family:revision`. */
export async function runningNow(r: Release): Promise<Record<string, string>> {
  const out = await r.b.w.aws.ecs.send(
    new DescribeServicesCommand({ cluster: 'lab', services: r.plan.moves.map((m) => m.service) }),
  );
  return Object.fromEntries(
    (out.services ?? []).map((s) => [s.serviceName ?? '', s.taskDefinition?.split('/').pop() ?? '']),
  );
}

/** Successful ECS mutations in order, `Operation service action`, with their lab times. */
export function mutations(r: Release): { call: string; at: number }[] {
  return deploymentMutations(r.b.w);
}

/** Every call that moved a service, in order: `UpdateService web→web:2`, `ContinueServiceDeployment web CONTINUE`… */
export function deploymentMutations(world: World): { call: string; at: number }[] {
  return world.lab.recorder
    .calls('ecs')
    .filter(
      (c) =>
        !c.error && /^(UpdateService|ContinueServiceDeployment|StopServiceDeployment)$/.test(c.operation),
    )
    .map((c) => {
      const i = c.input as Record<string, unknown>;
      const who =
        c.operation === 'UpdateService'
          ? `${i.service}→${String(i.taskDefinition).split('/').pop()}`
          : String(i.serviceDeploymentArn).split('/').at(-2);
      const what =
        c.operation === 'ContinueServiceDeployment'
          ? ` ${i.action}`
          : c.operation === 'StopServiceDeployment'
            ? ` ${i.stopType}`
            : '';
      return { call: `${c.operation} ${who}${what}`, at: Number(c.at) };
    });
}
