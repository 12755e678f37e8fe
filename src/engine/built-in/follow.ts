/**
 * One poll loop for every service deployment a call follows (watch to the hold point,
 * commit to SUCCESSFUL, a way back to ROLLBACK_SUCCESSFUL): one
 * DescribeServiceDeployments per 20 services per round, at most one round a second,
 * paid from the ReadBudget (0.8 ECS reads/s in all, however many services). Each
 * round hands every answer to `decide`, which settles the service or starts an answer
 * (a hook's check may take a while: that service is skipped until it is done, the
 * others keep being polled).
 */
import type { ServiceDeployment } from '@aws-sdk/client-ecs';
import { errorText } from '../../aws/errors';
import { isTransientAwsError } from '../../aws/retry';
import type { BuiltInProgress, ServiceRolloutResult } from '../../model/contracts';
import type { ReadBudget } from '../../observe/read-budget';
import { POLL_MS } from '../../observe/read-budget';
import { detailOf } from '../../observe/watched';
import type { StageContext } from '../../runtime/context';
import { describeDeployments } from './calls';
import type { Explainer } from './explain';
import { builtInOf, observe } from './progress';
import type { Tracked } from './tracked';

export type Decide = (t: Tracked, sd: ServiceDeployment) => Promise<void> | undefined;

export interface FollowOptions {
  deadline: number;
  budget: ReadBudget;
  /** The run's abort signal (watch, commit); a way back passes none. */
  signal?: AbortSignal;
  /** Stop following the others once one fails (they come back `cancelled`, still in progress). */
  failFast?: boolean;
  /** What the follow waits for, for the time-out and cancellation details. */
  waitingFor: string;
  /** Prints the services' events and explains failed tasks (explain.ts); without it, stages only. */
  explain?: Explainer;
}

/** States whose detail carries what the stopped tasks and the targets said, as a rolling failure's does. */
const EXPLAINED: ServiceRolloutResult['state'][] = ['failed', 'rolled-back-by-ecs', 'timed-out', 'replaced'];

export function settle(
  t: Tracked,
  state: ServiceRolloutResult['state'],
  detail?: string,
  heldAt?: BuiltInProgress['heldAt'],
): void {
  // The first verdict stands: a check that returns after cancellation must not overwrite it.
  if (t.result) return;
  if (detail !== undefined && t.watched && EXPLAINED.includes(state)) detail = detailOf(t.watched, detail);
  t.result = {
    service: t.service,
    taskDefinitionArn: t.taskDefinitionArn,
    ...(t.deploymentId !== undefined && { deploymentId: t.deploymentId }),
    state,
    ...(detail !== undefined && { detail }),
    builtIn: builtInOf(t.progress, heldAt),
  };
}

const where = (t: Tracked) =>
  `service deployment ${t.progress.serviceDeploymentArn} ${t.progress.status ?? 'not read'} at stage ${t.progress.stage ?? '(none)'}`;

const failed = (r: ServiceRolloutResult | undefined) =>
  r !== undefined && r.state !== 'held' && r.state !== 'completed';

async function round(ctx: StageContext, tracked: Tracked[], decide: Decide, o: FollowOptions): Promise<void> {
  const idle = tracked.filter((t) => !t.result && !t.busy);
  if (idle.length === 0) return;
  const answers = await describeDeployments(
    ctx,
    idle.map((t) => t.progress.serviceDeploymentArn),
    o.budget,
    o.signal,
  );
  const seen = idle.flatMap((t): [Tracked, ServiceDeployment][] => {
    const sd = answers.get(t.progress.serviceDeploymentArn);
    if (sd) {
      observe(ctx, t.progress, sd);
      return [[t, sd]];
    }
    settle(
      t,
      'failed',
      `${t.service}: ${t.progress.serviceDeploymentArn} not found by DescribeServiceDeployments`,
    );
    return [];
  });
  // Events and diagnostics first: a verdict of this round carries them.
  await o.explain?.round(seen, o.signal);
  for (const [t, sd] of seen) {
    const pending = decide(t, sd);
    if (pending)
      t.busy = pending
        .catch((error) => settle(t, 'failed', `${t.service}: ${errorText(error)} (${where(t)})`))
        .finally(() => {
          t.busy = undefined;
        });
  }
}

/**
 * A round whose read failed: a transient error (throttling, a 5xx) waits for the next
 * round; any other (access denied, expired credentials) will fail every round the same
 * way, so every open service fails with it instead of waiting for the deadline.
 */
async function readRound(
  ctx: StageContext,
  tracked: Tracked[],
  decide: Decide,
  o: FollowOptions,
): Promise<void> {
  try {
    await round(ctx, tracked, decide, o);
  } catch (error) {
    if (o.signal?.aborted) throw error;
    if (isTransientAwsError(error)) {
      ctx.log.info(`reading the service deployments failed for now (${errorText(error)}); trying again`);
      return;
    }
    for (const t of tracked.filter((x) => !x.result))
      settle(
        t,
        'failed',
        `${t.service}: DescribeServiceDeployments failed: ${errorText(error)}; ${where(t)}`,
      );
  }
}

function stopOthers(tracked: Tracked[], why: string): void {
  for (const t of tracked.filter((x) => !x.result))
    settle(t, 'cancelled', `${t.service}: stopped following because ${why}; ${where(t)}`);
}

/** Follows every tracked deployment until `decide` settled each one, the deadline, or the abort signal. */
export async function follow(
  ctx: StageContext,
  tracked: Tracked[],
  decide: Decide,
  o: FollowOptions,
): Promise<void> {
  const open = () => tracked.filter((t) => !t.result);
  try {
    while (open().length > 0) {
      for (const t of open().filter((x) => !x.busy && ctx.clock.now() >= (x.deadline ?? o.deadline))) {
        await o.explain?.timedOut(t, o.signal);
        settle(t, 'timed-out', `${t.service}: timed out ${o.waitingFor}; ${where(t)}`);
      }
      await readRound(ctx, tracked, decide, o);
      const bad = tracked.filter((t) => failed(t.result)).map((t) => t.service);
      if (o.failFast && bad.length > 0) stopOthers(tracked, `${bad.join(', ')} failed`);
      if (open().length === 0) break;
      await ctx.clock.sleep(POLL_MS, o.signal);
    }
  } catch (error) {
    if (!o.signal?.aborted) throw error;
    for (const t of open()) settle(t, 'cancelled', `${t.service}: cancelled ${o.waitingFor}; ${where(t)}`);
    return;
  }
  await Promise.all(tracked.map((t) => t.busy));
}
