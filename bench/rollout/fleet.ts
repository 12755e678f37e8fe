/**
 * Detection lag and ECS read rate for a release of N services at once:
 * ecs-release's watch loop (one rollOut over every service) vs the SDK waiter
 * `waitUntilServicesStable` as the AWS deploy action uses it (one action step per
 * service, so N waiters side by side, each describing its one service, minDelay 15 s).
 *
 * Same fairness as run.ts: each timeline is played twice on two identical labs on
 * a virtual clock (the lab's world is a function of time only), the waiter's
 * setTimeout/Date.now pointed at that clock while it runs. Lag per service = when
 * the watcher knew (ours: its "deployment … completed" line; the waiter: its
 * return) − when the lab's deployment turned COMPLETED (its service event).
 */
import { UpdateServiceCommand, waitUntilServicesStable } from '@aws-sdk/client-ecs';
import { createLab, type Lab } from '../../lab/sim/lab';
import { createClients } from '../../src/aws/clients';
import { rollOut } from '../../src/engine/waves';
import { VirtualClock } from '../../src/runtime/clock';
import type { Logger } from '../../src/runtime/log';
import { quantile, type Row, seconds } from '../lib/stats';
import { benchContext, onVirtualTime, verdictAt } from './harness';

const READS = /^(Describe|List|Get|BatchGet)/;
const WAIT_TIMEOUT_MS = 30 * 60_000;
const CLUSTER = 'bench';

export interface FleetRun {
  /** One lag per service (ms). */
  lags: number[];
  reads: number;
  /** UpdateService → the last verdict (ms). */
  spanMs: number;
  verdicts: string[];
}

interface Member {
  name: string;
  arn: string;
}

/** N services, each its own family; new tasks start after 2–19 s, spread so completions land at every poll phase. */
function seed(services: number, timeline: number) {
  const clock = new VirtualClock();
  const lab = createLab({ clock, sleep: (ms) => clock.sleep(ms), seed: 7 + timeline });
  lab.ecs.createCluster(CLUSTER);
  lab.ecs.timings({ noHealthCheckHealthyMs: 10_000 });
  const members: Member[] = [];
  for (let i = 0; i < services; i += 1) {
    const name = `svc-${i + 1}`;
    const td = (image: string) => ({
      family: name,
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      containerDefinitions: [
        { name: 'app', image, essential: true, portMappings: [{ containerPort: 8080 }] },
      ],
    });
    lab.ecs.registerTaskDefinition(td(`repo/${name}@sha256:1`));
    const lb = (i + timeline) % 2 === 0;
    const tg = lb ? lab.elbv2.createTargetGroup({ name: `${name}-tg`, port: 8080 }) : undefined;
    lab.ecs.createService({
      cluster: CLUSTER,
      serviceName: name,
      taskDefinition: `${name}:1`,
      desiredCount: 1 + ((i + timeline) % 3),
      launchType: 'FARGATE',
      ...(tg && { loadBalancers: [{ targetGroupArn: tg.arn, containerName: 'app', containerPort: 8080 }] }),
      deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
    });
    const next = lab.ecs.registerTaskDefinition(td(`repo/${name}@sha256:2`));
    const startMs = 2000 + ((i * 733 + timeline * 1931) % 17_000);
    lab.ecs.behave({ family: name, revision: 2 }, { outcome: 'healthy', startMs });
    members.push({ name, arn: next.arn });
  }
  const aws = createClients({
    region: lab.region,
    requestHandler: lab.handler,
    credentials: { accessKeyId: 'lab', secretAccessKey: 'lab' },
    maxAttempts: 3,
  });
  return { clock, lab, aws, members };
}

function readsSince(lab: Lab, from: number): number {
  return lab.recorder.calls('ecs').filter((c) => READS.test(c.operation) && c.at >= from).length;
}

/** Keeps, per service, when the watch loop logged its verdict. */
function verdictLogger(clock: VirtualClock, noticed: Map<string, number>): Logger {
  const note = (m: string) => {
    const hit = /^(svc-\d+): deployment \S+ completed$/.exec(m);
    if (hit?.[1] && !noticed.has(hit[1])) noticed.set(hit[1], clock.now());
  };
  return {
    info: note,
    debug: () => undefined,
    notice: note,
    warning: note,
    error: note,
    group: (_name, fn) => fn(),
  };
}

export async function oursFleet(services: number, timeline: number): Promise<FleetRun> {
  const { clock, lab, aws, members } = seed(services, timeline);
  const noticed = new Map<string, number>();
  const ctx = benchContext({
    clock,
    aws,
    region: lab.region,
    cluster: CLUSTER,
    log: verdictLogger(clock, noticed),
    waitTimeoutMs: WAIT_TIMEOUT_MS,
  });
  const start = clock.now();
  const result = await rollOut(
    ctx,
    members.map((m) => ({ service: m.name, taskDefinitionArn: m.arn, wave: 1 })),
  );
  const lags = result.services.map(
    (r) => (noticed.get(r.service) ?? clock.now()) - verdictAt(lab, CLUSTER, r.service, r.deploymentId ?? ''),
  );
  return {
    lags,
    reads: readsSince(lab, start),
    spanMs: clock.now() - start,
    verdicts: result.services.map((r) => r.state),
  };
}

export async function waiterFleet(services: number, timeline: number): Promise<FleetRun> {
  const { clock, lab, aws, members } = seed(services, timeline);
  const start = clock.now();
  const ids = new Map<string, string>();
  for (const m of members) {
    const out = await aws.ecs.send(
      new UpdateServiceCommand({ cluster: CLUSTER, service: m.name, taskDefinition: m.arn }),
    );
    ids.set(m.name, out.service?.deployments?.find((d) => d.status === 'PRIMARY')?.id ?? '');
  }
  const results = await onVirtualTime(clock, () =>
    Promise.all(
      members.map(async (m) => {
        let verdict: string;
        try {
          const r = await waitUntilServicesStable(
            { client: aws.ecs, minDelay: 15, maxWaitTime: WAIT_TIMEOUT_MS / 1000 },
            { cluster: CLUSTER, services: [m.name] },
          );
          verdict = r.state === 'SUCCESS' ? 'stable' : r.state;
        } catch (error) {
          verdict = error instanceof Error ? error.name : 'error';
        }
        return { service: m.name, at: clock.now(), verdict };
      }),
    ),
  );
  return {
    lags: results.map((r) => r.at - verdictAt(lab, CLUSTER, r.service, ids.get(r.service) ?? '')),
    reads: readsSince(lab, start),
    spanMs: Math.max(...results.map((r) => r.at)) - start,
    verdicts: results.map((r) => r.verdict),
  };
}

/** Timelines per fleet size: about 24 services' lags each (at least two timelines). */
const TIMELINES: Record<number, { full: number; quick: number }> = {
  2: { full: 12, quick: 3 },
  10: { full: 3, quick: 1 },
  50: { full: 2, quick: 1 },
};

interface Summary {
  p50: number;
  p90: number;
  /** Reads per second over all runs, and the highest of any one run. */
  rate: number;
  maxRate: number;
  verdicts: string;
}

function summarise(runs: FleetRun[]): Summary {
  const lags = runs.flatMap((r) => r.lags);
  const reads = runs.reduce((n, r) => n + r.reads, 0);
  const span = runs.reduce((n, r) => n + r.spanMs, 0);
  return {
    p50: quantile(lags, 0.5),
    p90: quantile(lags, 0.9),
    rate: (reads / span) * 1000,
    maxRate: Math.max(...runs.map((r) => (r.reads / r.spanMs) * 1000)),
    verdicts: [...new Set(runs.flatMap((r) => r.verdicts))].join(', '),
  };
}

/** Both table rows (lag, read rate) for one fleet size. */
export async function fleetRows(services: number, quick: boolean): Promise<Row[]> {
  const plan = TIMELINES[services] ?? { full: 2, quick: 1 };
  const count = quick ? plan.quick : plan.full;
  const a: FleetRun[] = [];
  const b: FleetRun[] = [];
  for (let t = 0; t < count; t += 1) {
    a.push(await oursFleet(services, t));
    b.push(await waiterFleet(services, t));
  }
  const ours = summarise(a);
  const sdk = summarise(b);
  const n = `${count * services} deployments`;
  return [
    {
      what: `notice a completed deployment, ${services} services (p50 / p90, ${n})`,
      ours: `${seconds(ours.p50)} / ${seconds(ours.p90)}`,
      baseline: `SDK waiter: ${seconds(sdk.p50)} / ${seconds(sdk.p90)}`,
      target: 'median < 1 s',
      met: ours.p50 < 1000,
    },
    {
      what: `ECS read calls while watching ${services} services (all runs; the busiest run)`,
      ours: `${ours.rate.toFixed(2)}/s; ${ours.maxRate.toFixed(2)}/s`,
      baseline: `${services} SDK waiters: ${sdk.rate.toFixed(2)}/s; ${sdk.maxRate.toFixed(2)}/s`,
      target: '< 1/s in total',
      met: ours.maxRate < 1,
    },
  ];
}
