/**
 * Detection lag and ECS read calls: ecs-release's watch loop vs the SDK's
 * `waitUntilServicesStable` (what aws-actions/amazon-ecs-deploy-task-definition
 * uses, minDelay 15 s), on the same simulated timelines, in one run.
 *
 * Fairness: each timeline is played twice on two identical labs (same seed, same
 * behaviour, same virtual start time; the lab's world is a function of time only,
 * so the deployment completes or fails at the same instant in both). Both
 * watchers run on the same kind of virtual clock: ours through ctx.clock, the
 * SDK waiter through its own `setTimeout` and `Date.now`, which are pointed at the
 * virtual clock while it runs. Lag = when the watcher returned − when the lab's
 * deployment turned COMPLETED/FAILED (its service event). Reads = ECS read calls
 * from UpdateService to the verdict.
 *
 *   npx tsx bench/rollout/run.ts
 */

import { UpdateServiceCommand, waitUntilServicesStable } from '@aws-sdk/client-ecs';
import { createLab, type Lab } from '../../lab/sim/lab';
import { createClients } from '../../src/aws/clients';
import { rollOut } from '../../src/engine/waves';
import { VirtualClock } from '../../src/runtime/clock';
import { MemoryLogger } from '../../src/runtime/log';
import { quantile } from '../lib/stats';
import { benchContext, onVirtualTime, verdictAt } from './harness';

interface Timeline {
  name: string;
  desired: number;
  lb: boolean;
  startMs: number;
  outcome: 'healthy' | 'exit';
  rollback: boolean;
}

export interface Run {
  lagMs: number;
  reads: number;
  spanMs: number;
  verdict: string;
}

const READS = /^(Describe|List|Get|BatchGet)/;
const WAIT_TIMEOUT_MS = 30 * 60_000;

function timelines(): Timeline[] {
  const out: Timeline[] = [];
  // Pending times spread over 17 s so completions land at every phase of a poll interval.
  for (let i = 0; i < 24; i += 1) {
    out.push({
      name: `complete-${i + 1}`,
      desired: 1 + (i % 4),
      lb: i % 2 === 0,
      startMs: 2000 + ((i * 733) % 17_000),
      outcome: 'healthy',
      rollback: true,
    });
  }
  for (let i = 0; i < 8; i += 1) {
    out.push({
      name: `fail-${i % 2 === 0 ? 'ecs-rollback' : 'no-rollback'}-${i + 1}`,
      desired: 1 + (i % 3),
      lb: i % 3 === 0,
      startMs: 2000 + ((i * 1117) % 9000),
      outcome: 'exit',
      rollback: i % 2 === 0,
    });
  }
  return out;
}

function seed(t: Timeline) {
  const clock = new VirtualClock();
  const lab = createLab({ clock, sleep: (ms) => clock.sleep(ms), seed: 7 });
  lab.ecs.createCluster('bench');
  const td = (image: string) => ({
    family: 'app',
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: '256',
    memory: '512',
    containerDefinitions: [{ name: 'app', image, essential: true, portMappings: [{ containerPort: 8080 }] }],
  });
  lab.ecs.registerTaskDefinition(td('repo/app@sha256:1'));
  const tg = t.lb ? lab.elbv2.createTargetGroup({ name: 'app-tg', port: 8080 }) : undefined;
  lab.ecs.createService({
    cluster: 'bench',
    serviceName: 'app',
    taskDefinition: 'app:1',
    desiredCount: t.desired,
    launchType: 'FARGATE',
    ...(tg && { loadBalancers: [{ targetGroupArn: tg.arn, containerName: 'app', containerPort: 8080 }] }),
    deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: t.rollback } },
  });
  const next = lab.ecs.registerTaskDefinition(td('repo/app@sha256:2'));
  lab.ecs.timings({ noHealthCheckHealthyMs: 10_000 });
  lab.ecs.behave(
    { family: 'app', revision: 2 },
    t.outcome === 'healthy'
      ? { outcome: 'healthy', startMs: t.startMs }
      : { outcome: 'exit', exitCode: 1, startMs: t.startMs, after: 3000 },
  );
  const aws = createClients({
    region: lab.region,
    requestHandler: lab.handler,
    credentials: { accessKeyId: 'lab', secretAccessKey: 'lab' },
    maxAttempts: 3,
  });
  return { clock, lab, aws, arn: next.arn };
}

function readsSince(lab: Lab, from: number): number {
  const calls = lab.recorder.calls('ecs');
  const i = calls.findIndex((c) => c.operation === 'UpdateService');
  return calls.slice(i + 1).filter((c) => READS.test(c.operation) && c.at >= from).length;
}

async function oursRun(t: Timeline): Promise<Run> {
  const { clock, lab, aws, arn } = seed(t);
  const ctx = benchContext({
    clock,
    aws,
    region: lab.region,
    cluster: 'bench',
    log: new MemoryLogger(),
    waitTimeoutMs: WAIT_TIMEOUT_MS,
  });
  const start = clock.now();
  const result = await rollOut(ctx, [{ service: 'app', taskDefinitionArn: arn, wave: 1 }]);
  const r = result.services[0];
  const at = verdictAt(lab, 'bench', 'app', r?.deploymentId ?? '');
  return {
    lagMs: clock.now() - at,
    reads: readsSince(lab, start),
    spanMs: clock.now() - start,
    verdict: r?.state ?? '?',
  };
}

async function waiter(t: Timeline): Promise<Run> {
  const { clock, lab, aws, arn } = seed(t);
  const start = clock.now();
  const out = await aws.ecs.send(
    new UpdateServiceCommand({ cluster: 'bench', service: 'app', taskDefinition: arn }),
  );
  const id = out.service?.deployments?.find((d) => d.status === 'PRIMARY')?.id ?? '';
  const verdict = await onVirtualTime(clock, async () => {
    try {
      const r = await waitUntilServicesStable(
        { client: aws.ecs, minDelay: 15, maxWaitTime: WAIT_TIMEOUT_MS / 1000 },
        { cluster: 'bench', services: ['app'] },
      );
      return r.state === 'SUCCESS' ? 'stable' : r.state;
    } catch (error) {
      return error instanceof Error ? error.name : 'error';
    }
  });
  const at = verdictAt(lab, 'bench', 'app', id);
  return { lagMs: clock.now() - at, reads: readsSince(lab, start), spanMs: clock.now() - start, verdict };
}

const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

function summary(label: string, runs: Run[]): string[] {
  const lags = runs.map((r) => r.lagMs);
  const reads = runs.reduce((n, r) => n + r.reads, 0);
  const minutes = runs.reduce((n, r) => n + r.spanMs, 0) / 60_000;
  const maxRate = Math.max(...runs.map((r) => (r.reads / r.spanMs) * 1000));
  const verdicts = [...new Set(runs.map((r) => r.verdict))].join(', ');
  return [
    label,
    sec(quantile(lags, 0.5)),
    sec(quantile(lags, 0.9)),
    sec(Math.max(...lags)),
    (reads / minutes).toFixed(1),
    maxRate.toFixed(2),
    verdicts,
  ];
}

export type Kind = 'complete' | 'fail-ecs-rollback' | 'fail-no-rollback';

/** Every timeline of one kind, played by both watchers (`limit` keeps the first few, for --quick). */
export async function playKind(kind: Kind, limit?: number): Promise<{ ours: Run[]; waiter: Run[] }> {
  const set = timelines()
    .filter((t) => t.name.startsWith(kind))
    .slice(0, limit);
  const ours: Run[] = [];
  const sdk: Run[] = [];
  for (const t of set) {
    ours.push(await oursRun(t));
    sdk.push(await waiter(t));
  }
  return { ours, waiter: sdk };
}

async function main(): Promise<void> {
  const rows: string[][] = [];
  for (const kind of ['complete', 'fail-ecs-rollback', 'fail-no-rollback'] as const) {
    const { ours: a, waiter: b } = await playKind(kind);
    rows.push(summary(`${kind} (${a.length}) ecs-release`, a));
    rows.push(summary(`${kind} (${b.length}) SDK waiter`, b));
  }
  const head = [
    'timelines / watcher',
    'lag p50',
    'lag p90',
    'lag max',
    'ECS reads/min',
    'max reads/s (per run)',
    'verdicts',
  ];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  console.log(line(head));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) console.log(line(r));
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
