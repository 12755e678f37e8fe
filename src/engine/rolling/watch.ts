/**
 * One watch loop for every deployment of a wave (or of a rollback): follows each
 * deployment by the id UpdateService returned, never "the service looks stable".
 *
 * Cadence: one DescribeServices per 10 services per round, at most one round a
 * second, paid from a ReadBudget of 0.8 ECS reads/s that keeps 2 reads in reserve.
 * In steady watching that is a poll every 1.25 s (median detection lag ~0.6 s).
 * The reads a decision needs are borrowed from the budget (they go out at once and
 * later polls wait until it refills), and a round's completions read their new tasks
 * together (target-health.ts), so verdicts do not queue behind each other. Whatever
 * happens, ECS reads stay under 0.8/s sustained. ELBv2 and Logs reads are separate
 * quotas and happen only for completion checks and failure diagnostics.
 */

import { DescribeServicesCommand, type Service } from '@aws-sdk/client-ecs';
import { chunks } from '../../aws/batch';
import { isPermanentAwsError } from '../../aws/classify';
import { namedErrorText } from '../../aws/errors';
import { formatDuration } from '../../config/duration';
import type { ServiceRolloutResult } from '../../model/contracts';
import { POLL_MS, RESERVE, ReadBudget } from '../../observe/read-budget';
import { type Completing, targetsHealthy } from '../../observe/target-health';
import { TaskReader } from '../../observe/tasks';
import { diagnose } from '../../observe/watch-diagnose';
import {
  detailOf,
  newWatched,
  openOf,
  type StartedDeployment,
  settle,
  type Watched,
} from '../../observe/watched';
import type { StageContext } from '../../runtime/context';
import { judge } from './judge';

export interface WatchOptions {
  /** Clock time after which unfinished deployments are `timed-out`. Default: now + wait-timeout. */
  deadline?: number;
  /** Stop watching the others as soon as one fails (they come back `cancelled`). Default true. */
  failFast?: boolean;
  /** Event ids already printed, by service (UpdateService's answer carries the events before ours). */
  seenEvents?: Map<string, Set<string>>;
  budget?: ReadBudget;
}

/** What every round of one watch shares. */
interface Loop {
  ctx: StageContext;
  reader: TaskReader;
  budget: ReadBudget;
  deadline: number;
  failFast: boolean;
}

export async function watchDeployments(
  ctx: StageContext,
  started: StartedDeployment[],
  options: WatchOptions = {},
): Promise<ServiceRolloutResult[]> {
  const budget = options.budget ?? new ReadBudget(ctx.clock);
  const loop: Loop = {
    ctx,
    budget,
    reader: new TaskReader(ctx, budget),
    deadline: options.deadline ?? ctx.clock.now() + ctx.config.gate.waitTimeoutMs,
    failFast: options.failFast ?? true,
  };
  const watched = started.map((target) => newWatched(target, options.seenEvents?.get(target.service)));
  try {
    await watchUntilSettled(loop, watched);
  } catch (error) {
    if (!ctx.signal.aborted) throw error;
    for (const w of openOf(watched)) {
      settle(
        w,
        'cancelled',
        `${w.target.service}: cancelled while deployment ${w.target.deploymentId} was in progress (${w.progress ?? 'no progress seen'})`,
      );
    }
  }
  return watched.map((w) => w.result).filter((r): r is ServiceRolloutResult => r !== undefined);
}

/** Poll rounds until every deployment has a result (or the deadline, or a fatal error, gave it one). */
async function watchUntilSettled(loop: Loop, watched: Watched[]): Promise<void> {
  const { ctx, deadline } = loop;
  let lastPoll = Number.NEGATIVE_INFINITY;
  let backoff = 0;
  while (openOf(watched).length > 0) {
    if (ctx.clock.now() >= deadline) {
      await timeOut(loop, openOf(watched));
      break;
    }
    const wait = Math.min(lastPoll + POLL_MS + backoff - ctx.clock.now(), deadline - ctx.clock.now());
    if (wait > 0) await ctx.clock.sleep(wait, ctx.signal);
    if (ctx.clock.now() >= deadline) continue;
    const pending = openOf(watched);
    const batches = chunks(pending, 10);
    await loop.budget.take(batches.length, ctx.signal, RESERVE);
    lastPoll = ctx.clock.now();
    let services: Service[];
    try {
      services = await describeBatches(ctx, batches);
      backoff = 0;
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      if (isPermanentAwsError(error)) {
        lostSight(openOf(watched), error);
        break;
      }
      // Transient (throttling, 5xx: it outlived the SDK's retries) or not known to be permanent:
      // keep watching, slower, until the deadline.
      backoff = Math.min(Math.max(2000, backoff * 2), 30_000);
      ctx.log.warning(
        `DescribeServices failed (${namedErrorText(error)}); retrying in ${formatDuration(backoff)}`,
      );
      continue;
    }
    await judgeAll(loop, pending, services);
    if (loop.failFast) cancelAfterFailure(watched);
  }
}

/** One DescribeServices per batch of 10 services, all at once. */
async function describeBatches(ctx: StageContext, batches: Watched[][]): Promise<Service[]> {
  const answers = await Promise.all(
    batches.map((b) =>
      ctx.aws.ecs.send(
        new DescribeServicesCommand({
          cluster: ctx.config.cluster,
          services: b.map((w) => w.target.service),
        }),
        { abortSignal: ctx.signal },
      ),
    ),
  );
  return answers.flatMap((a) => a.services ?? []);
}

/** Judges every answer of the round, then checks the targets of all that completed together. */
async function judgeAll(loop: Loop, pending: Watched[], services: Service[]): Promise<void> {
  const completing: Completing[] = [];
  for (const w of pending) {
    const s = services.find((x) => x.serviceName === w.target.service);
    if (s?.status !== 'ACTIVE') {
      settle(
        w,
        'failed',
        `${w.target.service}: the service is ${s?.status ?? 'gone'} (deleted while deploying?)`,
      );
      continue;
    }
    const done = await judge(loop.ctx, loop.reader, w, s);
    if (done) completing.push(done);
  }
  if (completing.length === 0) return;
  // Services still deploying behind a load balancer: their started tasks fill the reads' free room.
  const spare = openOf(pending).filter(
    (w) => w.loadBalancers.length > 0 && !completing.some((c) => c.w === w),
  );
  const healthy = await targetsHealthy(loop.ctx, loop.reader, completing, spare);
  for (const { w } of completing) {
    if (!healthy.has(w)) continue;
    loop.ctx.log.info(`${w.target.service}: deployment ${w.target.deploymentId} completed`);
    settle(w, 'completed');
  }
}

/** The wait-timeout passed: each unfinished deployment, diagnosed, is `timed-out`. */
async function timeOut(loop: Loop, open: Watched[]): Promise<void> {
  const { ctx } = loop;
  for (const w of open) {
    await diagnose(ctx, loop.reader, w, true);
    const head =
      `${w.target.service}: deployment ${w.target.deploymentId} did not complete within wait-timeout ` +
      `${formatDuration(ctx.config.gate.waitTimeoutMs)}; last seen: ${w.progress ?? 'nothing yet'}`;
    ctx.log.error(head);
    settle(w, 'timed-out', detailOf(w, head));
  }
}

/** An error no retry mends (credentials, permissions, the cluster): the watch cannot go on. */
function lostSight(open: Watched[], error: unknown): void {
  for (const w of open) {
    settle(
      w,
      'failed',
      `${w.target.service}: could not watch deployment ${w.target.deploymentId}: ${namedErrorText(error)}; it may still be in progress`,
    );
  }
}

/** Fail fast: once one deployment ended other than completed, the others are `cancelled`. */
function cancelAfterFailure(watched: Watched[]): void {
  const failed = watched
    .filter((w) => w.result && w.result.state !== 'completed')
    .map((w) => w.target.service);
  if (failed.length === 0) return;
  for (const w of openOf(watched)) {
    settle(
      w,
      'cancelled',
      `${w.target.service}: stopped watching because ${failed.join(', ')} failed; deployment ` +
        `${w.target.deploymentId} was still in progress (${w.progress ?? 'no progress seen'})`,
    );
  }
}
