/**
 * Turns started deployments into tracked service deployments. ECS may show a new
 * service deployment a moment after UpdateService returns, so an unseen one is looked
 * up again each second for LOOKUP_MS before the service fails: following the wrong
 * (newest) deployment would gate someone else's release.
 */
import { errorText } from '../../aws/errors';
import { isTransientAwsError } from '../../aws/retry';
import type { ServiceRolloutResult } from '../../model/contracts';
import type { ReadBudget } from '../../observe/read-budget';
import { POLL_MS } from '../../observe/read-budget';
import type { StartedDeployment } from '../../observe/watched';
import type { StageContext } from '../../runtime/context';
import { type FoundDeployment, findServiceDeployments } from './find';
import { newProgress } from './progress';
import type { Tracked } from './tracked';

export const LOOKUP_MS = 30_000;

export function trackedOf(s: StartedDeployment, found: FoundDeployment): Tracked {
  return {
    service: s.service,
    taskDefinitionArn: s.taskDefinitionArn,
    deploymentId: s.deploymentId,
    progress: newProgress(s.service, found.arn, found.names),
    answered: new Set(),
    holdHook: found.holdHook,
  };
}

const unseen = (s: StartedDeployment, detail: string, state: ServiceRolloutResult['state']) => ({
  service: s.service,
  result: {
    service: s.service,
    taskDefinitionArn: s.taskDefinitionArn,
    deploymentId: s.deploymentId,
    state,
    detail,
  },
});

/** One lookup: found ones join `tracked`; a transient error is a lookup that found nothing. */
async function lookUp(
  ctx: StageContext,
  left: StartedDeployment[],
  tracked: Tracked[],
  o: { budget: ReadBudget; signal?: AbortSignal },
): Promise<StartedDeployment[]> {
  try {
    const found = await findServiceDeployments(ctx, left, o.budget, o.signal);
    left.forEach((s, i) => {
      const f = found[i];
      if (f) tracked.push(trackedOf(s, f));
    });
    return left.filter((_, i) => !found[i]);
  } catch (error) {
    if (o.signal?.aborted || !isTransientAwsError(error)) throw error;
    ctx.log.info(`looking up the service deployments failed for now (${errorText(error)}); trying again`);
    return left;
  }
}

type Missing = { service: string; result: ServiceRolloutResult };

export async function findUntilSeen(
  ctx: StageContext,
  started: readonly StartedDeployment[],
  o: { deadline: number; budget: ReadBudget; signal?: AbortSignal },
): Promise<{ tracked: Tracked[]; missing: Missing[] }> {
  const tracked: Tracked[] = [];
  let left = [...started];
  const giveUp = Math.min(o.deadline, ctx.clock.now() + LOOKUP_MS);
  try {
    while (left.length > 0) {
      left = await lookUp(ctx, left, tracked, o);
      if (left.length === 0 || ctx.clock.now() >= giveUp) break;
      await ctx.clock.sleep(POLL_MS, o.signal);
    }
  } catch (error) {
    const cancelled = o.signal?.aborted === true;
    const missing = left.map((s) =>
      cancelled
        ? unseen(
            s,
            `${s.service}: cancelled before the service deployment of ${s.deploymentId} was seen`,
            'cancelled',
          )
        : unseen(
            s,
            `${s.service}: looking up the service deployment of ${s.deploymentId} failed: ${errorText(error)}`,
            'failed',
          ),
    );
    return { tracked, missing };
  }
  const missing = left.map((s) =>
    unseen(s, `${s.service}: ECS shows no service deployment for deployment ${s.deploymentId}`, 'failed'),
  );
  return { tracked, missing };
}
