/**
 * The gate passed: every held service goes on to SUCCESSFUL. The held hooks are all
 * answered CONTINUE at once (the release's single commit point across services), then
 * each deployment is followed through BAKE_TIME and CLEAN_UP.
 */
import { errorText } from '../../aws/errors';
import type { ServiceRolloutResult } from '../../model/contracts';
import { ReadBudget } from '../../observe/read-budget';
import type { StartedDeployment } from '../../observe/watched';
import type { StageContext } from '../../runtime/context';
import { Explainer } from './explain';
import { type Decide, follow, settle } from './follow';
import { answer, settleUnsuccessful, waitingHook } from './outcome';
import { resume } from './resume';
import { isFinished } from './stages';
import type { Tracked } from './tracked';

const MINUTE_MS = 60_000;

function decideCommit(ctx: StageContext, started: number): Decide {
  return (t, sd) => {
    // The bake is ECS's to run: the wait-timeout counts on top of it.
    t.deadline ??=
      started +
      ctx.config.gate.waitTimeoutMs +
      (sd.deploymentConfiguration?.bakeTimeInMinutes ?? 0) * MINUTE_MS;
    if (sd.status === 'SUCCESSFUL') {
      settle(t, 'completed');
      return undefined;
    }
    if (isFinished(sd.status)) {
      settleUnsuccessful(t, sd);
      return undefined;
    }
    const hook = waitingHook(t, sd);
    if (hook?.hookId && sd.status === 'IN_PROGRESS')
      return answer(ctx, t, hook.hookId, 'CONTINUE', 'the release passed its gate');
    return undefined;
  };
}

async function continueHeld(ctx: StageContext, t: Tracked, hookId: string | undefined): Promise<void> {
  if (!hookId) return;
  try {
    await answer(ctx, t, hookId, 'CONTINUE', 'the release passed its gate');
  } catch (error) {
    settle(t, 'failed', `${t.service}: ContinueServiceDeployment CONTINUE was refused: ${errorText(error)}`);
  }
}

/**
 * The watch's printed event ids do not reach the commit (Strategy.commit gets results), so
 * the events written from the commit's start on are the new ones: that time stands in for
 * the deployment's creation, which printEvents uses to tell earlier history.
 */
const since = (held: ServiceRolloutResult[], at: number): StartedDeployment[] =>
  held.map((h) => ({
    service: h.service,
    deploymentId: h.deploymentId ?? '',
    taskDefinitionArn: h.taskDefinitionArn,
    createdAt: new Date(at),
  }));

export async function commitBuiltIn(
  ctx: StageContext,
  held: ServiceRolloutResult[],
): Promise<ServiceRolloutResult[]> {
  const started = ctx.clock.now();
  const tracked = held.map((h) =>
    h.builtIn ? resume(h, h.builtIn, { taskDefinitionArn: h.taskDefinitionArn }) : undefined,
  );
  await Promise.all(
    held.map((h, i) => (tracked[i] ? continueHeld(ctx, tracked[i], h.builtIn?.heldAt?.hookId) : undefined)),
  );
  const live = tracked.filter((t): t is Tracked => t !== undefined);
  const budget = new ReadBudget(ctx.clock);
  const explain = new Explainer(ctx, budget, since(held, started));
  await follow(ctx, live, decideCommit(ctx, started), {
    deadline: started + ctx.config.gate.waitTimeoutMs,
    budget,
    explain,
    signal: ctx.signal,
    waitingFor: 'finishing the deployment',
  });
  await explain.finish(live, ctx.signal);
  return held.map(
    (h, i) =>
      tracked[i]?.result ?? {
        ...h,
        state: 'failed',
        detail: `${h.service}: not a built-in deployment ecs-release holds`,
      },
  );
}
