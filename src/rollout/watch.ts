/**
 * One watch loop for every deployment of a wave (or of a rollback): follows each
 * deployment by the id UpdateService returned, never "the service looks stable".
 *
 * Cadence: one DescribeServices per 10 services per round, at most one round a
 * second, paid from a ReadBudget of 0.8 ECS reads/s that keeps 2 reads in reserve.
 * In steady watching that is a poll every 1.25 s (median detection lag ~0.6 s);
 * the reads a decision needs (the new tasks' targets at completion, the stopped
 * tasks when failures rise) come out of the reserve, so they do not delay the
 * verdict, and later polls wait until the bucket refills. Whatever happens, ECS
 * reads stay under 0.8/s sustained (+2 at the start). ELBv2 and Logs reads are separate
 * quotas and happen only for completion checks and failure diagnostics.
 */

import { DescribeServicesCommand, type LoadBalancer, type Service } from '@aws-sdk/client-ecs';
import { DescribeTargetHealthCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { chunks } from '../aws/batch';
import { formatDuration } from '../config/duration';
import type { ServiceRolloutResult } from '../model/contracts';
import type { StageContext } from '../runtime/context';
import { assess, progressLine, type Verdict } from './assess';
import { describeStoppedTask, lastLogLines, unhealthyEvent, unhealthyTargets } from './diagnose';
import { ReadBudget } from './read-budget';
import { TaskReader, taskId, taskTarget } from './tasks';

export interface StartedDeployment {
  service: string;
  deploymentId: string;
  taskDefinitionArn: string;
  /** When known (UpdateService's answer): tells ECS's rollback (older) from someone else's deployment (newer). */
  createdAt?: Date;
  /**
   * Deployments the service had when ours started (UpdateService's answer). ECS's
   * circuit breaker rolls back to one of these; anyone else's deployment is new.
   */
  priorDeploymentIds?: string[];
}

export interface WatchOptions {
  /** Clock time after which unfinished deployments are `timed-out`. Default: now + wait-timeout. */
  deadline?: number;
  /** Stop watching the others as soon as one fails (they come back `cancelled`). Default true. */
  failFast?: boolean;
  /** Event ids already printed, by service (UpdateService's answer carries the events before ours). */
  seenEvents?: Map<string, Set<string>>;
  budget?: ReadBudget;
}

export const POLL_MS = 1000;
export const RESERVE = 2;
const KEPT_TASK_REPORTS = 3;
const FATAL = /ExpiredToken|UnrecognizedClient|InvalidClientTokenId|AccessDenied|ClusterNotFound/;

interface Watched {
  target: StartedDeployment;
  seen: Set<string> | undefined;
  progress?: string;
  lastFailed: number;
  reported: Set<string>;
  taskReports: string[][];
  targetReport: string[];
  loadBalancers: LoadBalancer[];
  createdAt: Date | undefined;
  /** From service events: why the ALB found a task unhealthy, by task id. */
  healthReasons: Map<string, string>;
  result?: ServiceRolloutResult;
}

const clockTime = (d: Date | undefined) => d?.toISOString().slice(11, 19) ?? '--:--:--';
const errorText = (e: unknown) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));

export async function watchDeployments(
  ctx: StageContext,
  started: StartedDeployment[],
  options: WatchOptions = {},
): Promise<ServiceRolloutResult[]> {
  const deadline = options.deadline ?? ctx.clock.now() + ctx.config.gate.waitTimeoutMs;
  const budget = options.budget ?? new ReadBudget(ctx.clock);
  const reader = new TaskReader(ctx, budget);
  const failFast = options.failFast ?? true;
  const watched: Watched[] = started.map((target) => ({
    target,
    seen: options.seenEvents?.get(target.service),
    lastFailed: 0,
    reported: new Set(),
    taskReports: [],
    targetReport: [],
    loadBalancers: [],
    createdAt: target.createdAt,
    healthReasons: new Map(),
  }));
  const open = () => watched.filter((w) => !w.result);
  const settle = (
    w: Watched,
    state: ServiceRolloutResult['state'],
    detail?: string,
    extra: Partial<ServiceRolloutResult> = {},
  ) => {
    w.result = {
      service: w.target.service,
      taskDefinitionArn: w.target.taskDefinitionArn,
      deploymentId: w.target.deploymentId,
      state,
      ...(detail !== undefined && { detail }),
      ...extra,
    };
  };
  const detailOf = (w: Watched, head: string) =>
    [head, ...w.taskReports.flat(), ...w.targetReport].join('\n');

  const printEvents = (w: Watched, s: Service, ourCreatedAt: Date | undefined) => {
    const events = s.events ?? [];
    if (!w.seen) {
      // Without UpdateService's answer: events older than our deployment belong to earlier history.
      const since = ourCreatedAt?.getTime() ?? ctx.clock.now();
      w.seen = new Set(events.filter((e) => (e.createdAt?.getTime() ?? 0) < since).map((e) => e.id ?? ''));
    }
    const fresh = events.filter((e) => e.id && !w.seen?.has(e.id)).reverse();
    for (const e of fresh) {
      w.seen.add(e.id ?? '');
      const unhealthy = unhealthyEvent(e.message ?? '');
      if (unhealthy) w.healthReasons.set(unhealthy.taskId, unhealthy.line);
      ctx.log.info(`${w.target.service} event ${clockTime(e.createdAt)} ${e.message ?? ''}`);
    }
  };

  /** Stopped tasks of our deployment not reported yet: why they stopped, exit codes, last log lines. */
  const diagnose = async (w: Watched, withTargets: boolean) => {
    try {
      const stopped = (await reader.deploymentTasks(w.target.deploymentId, 'STOPPED')).filter(
        (t) => t.lastStatus === 'STOPPED' && t.taskArn && !w.reported.has(t.taskArn),
      );
      for (const task of stopped) {
        w.reported.add(task.taskArn ?? '');
        const health = w.healthReasons.get(taskId(task));
        const lines = [
          ...describeStoppedTask(task),
          ...(health ? [health] : []),
          ...(await lastLogLines(ctx, reader, task)),
        ];
        for (const l of lines) ctx.log.info(`${w.target.service}: ${l}`);
        w.taskReports.push(lines);
        if (w.taskReports.length > KEPT_TASK_REPORTS) w.taskReports.shift();
      }
      if (withTargets || stopped.length > 0) {
        const targets = await unhealthyTargets(ctx, w.loadBalancers);
        for (const l of targets) ctx.log.info(`${w.target.service}: ${l}`);
        if (targets.length > 0) w.targetReport = targets;
      }
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      ctx.log.debug(`${w.target.service}: could not read the stopped tasks: ${errorText(error)}`);
    }
  };

  /** SPEC 3.4 success: every new task's target healthy in every target group of the service. */
  const targetsHealthy = async (w: Watched): Promise<boolean> => {
    if (w.loadBalancers.length === 0) return true;
    try {
      const tasks = await reader.deploymentTasks(w.target.deploymentId, 'RUNNING');
      const byGroup = new Map<string, { id?: string; port?: number; state?: string }[]>();
      for (const arn of new Set(w.loadBalancers.map((lb) => lb.targetGroupArn ?? ''))) {
        const res = await ctx.aws.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn }), {
          abortSignal: ctx.signal,
        });
        byGroup.set(
          arn,
          (res.TargetHealthDescriptions ?? []).map((d) => ({
            ...(d.Target?.Id !== undefined && { id: d.Target.Id }),
            ...(d.Target?.Port !== undefined && { port: d.Target.Port }),
            ...(d.TargetHealth?.State !== undefined && { state: d.TargetHealth.State }),
          })),
        );
      }
      const waiting: string[] = [];
      for (const task of tasks) {
        for (const lb of w.loadBalancers) {
          const want = taskTarget(task, lb);
          const found = (byGroup.get(lb.targetGroupArn ?? '') ?? []).find(
            (t) =>
              (want.id === undefined || t.id === want.id) &&
              (want.port === undefined || t.port === want.port),
          );
          if (found?.state !== 'healthy')
            waiting.push(`task ${taskId(task)}: ${found?.state ?? 'not registered'}`);
        }
      }
      if (waiting.length > 0)
        ctx.log.debug(`${w.target.service}: COMPLETED, waiting for targets: ${waiting.join(', ')}`);
      return tasks.length > 0 && waiting.length === 0;
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      ctx.log.debug(`${w.target.service}: could not check target health: ${errorText(error)}`);
      return false;
    }
  };

  const judge = async (w: Watched, s: Service) => {
    w.loadBalancers = s.loadBalancers ?? [];
    const ours = s.deployments?.find((d) => d.id === w.target.deploymentId);
    if (ours?.createdAt) w.createdAt = ours.createdAt;
    printEvents(w, s, w.createdAt);
    const line = progressLine(w.target.service, s, w.target.deploymentId);
    if (line !== w.progress) ctx.log.info(line);
    w.progress = line;
    const verdict: Verdict = assess(s, w.target.deploymentId, w.createdAt, w.target.priorDeploymentIds);
    const failedNow = ours?.failedTasks ?? 0;
    const failuresRose = failedNow > w.lastFailed;
    w.lastFailed = failedNow;
    if (verdict.kind === 'in-progress') {
      if (failuresRose) await diagnose(w, true);
      return;
    }
    if (verdict.kind === 'complete') {
      if (await targetsHealthy(w)) {
        ctx.log.info(`${w.target.service}: deployment ${w.target.deploymentId} completed`);
        settle(w, 'completed');
      }
      return;
    }
    if (verdict.kind === 'replaced') {
      ctx.log.error(`${w.target.service}: ${verdict.reason}`);
      settle(w, 'replaced', detailOf(w, `${w.target.service}: ${verdict.reason}`));
      return;
    }
    await diagnose(w, true);
    if (verdict.kind === 'rolled-back-by-ecs') {
      ctx.log.warning(`${w.target.service}: ${verdict.reason}; ecs-release leaves that rollback to ECS`);
      settle(w, 'rolled-back-by-ecs', detailOf(w, `${w.target.service}: ${verdict.reason}`), {
        ecsRollbackDeploymentId: verdict.rollbackDeploymentId,
      });
      return;
    }
    ctx.log.error(`${w.target.service}: ${verdict.reason}`);
    settle(w, 'failed', detailOf(w, `${w.target.service}: ${verdict.reason}`));
  };

  let lastPoll = Number.NEGATIVE_INFINITY;
  let backoff = 0;
  try {
    while (open().length > 0) {
      if (ctx.clock.now() >= deadline) {
        for (const w of open()) {
          await diagnose(w, true);
          const head =
            `${w.target.service}: deployment ${w.target.deploymentId} did not complete within wait-timeout ` +
            `${formatDuration(ctx.config.gate.waitTimeoutMs)}; last seen: ${w.progress ?? 'nothing yet'}`;
          ctx.log.error(head);
          settle(w, 'timed-out', detailOf(w, head));
        }
        break;
      }
      const wait = Math.min(lastPoll + POLL_MS + backoff - ctx.clock.now(), deadline - ctx.clock.now());
      if (wait > 0) await ctx.clock.sleep(wait, ctx.signal);
      if (ctx.clock.now() >= deadline) continue;
      const pending = open();
      const batches = chunks(pending, 10);
      await budget.take(batches.length, ctx.signal, RESERVE);
      lastPoll = ctx.clock.now();
      let services: Service[];
      try {
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
        services = answers.flatMap((a) => a.services ?? []);
        backoff = 0;
      } catch (error) {
        if (ctx.signal.aborted) throw error;
        if (FATAL.test(errorText(error))) {
          for (const w of open()) {
            settle(
              w,
              'failed',
              `${w.target.service}: could not watch deployment ${w.target.deploymentId}: ${errorText(error)}; it may still be in progress`,
            );
          }
          break;
        }
        // Throttling and 5xx outlived the SDK's retries: keep watching, slower, until the deadline.
        backoff = Math.min(Math.max(2000, backoff * 2), 30_000);
        ctx.log.warning(
          `DescribeServices failed (${errorText(error)}); retrying in ${formatDuration(backoff)}`,
        );
        continue;
      }
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
        await judge(w, s);
      }
      if (failFast && watched.some((w) => w.result && w.result.state !== 'completed')) {
        const failed = watched
          .filter((w) => w.result && w.result.state !== 'completed')
          .map((w) => w.target.service);
        for (const w of open()) {
          settle(
            w,
            'cancelled',
            `${w.target.service}: stopped watching because ${failed.join(', ')} failed; deployment ` +
              `${w.target.deploymentId} was still in progress (${w.progress ?? 'no progress seen'})`,
          );
        }
      }
    }
  } catch (error) {
    if (!ctx.signal.aborted) throw error;
    for (const w of open()) {
      settle(
        w,
        'cancelled',
        `${w.target.service}: cancelled while deployment ${w.target.deploymentId} was in progress (${w.progress ?? 'no progress seen'})`,
      );
    }
  }
  return watched.map((w) => w.result).filter((r): r is ServiceRolloutResult => r !== undefined);
}
