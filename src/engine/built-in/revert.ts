/**
 * The way back (docs/strategies.md "What ecs-release does at each stage"). While a deployment is in progress blue still runs, so
 * going back is one traffic shift: its held hook answered ROLLBACK, else
 * StopServiceDeployment ROLLBACK. A deployment that already finished goes back by a new
 * UpdateService to the previous revision. Every call goes out at once and is not tied
 * to the run's abort signal: cancellation must get them all out within a second.
 */
import { shortArn } from '../../aws/arn';
import { errorText } from '../../aws/errors';
import type { BuiltInProgress, ServiceRolloutResult } from '../../model/contracts';
import type { StageContext } from '../../runtime/context';
import { movedByOthersSince } from '../recheck';
import { startUntilAccepted } from '../retry';
import type { IssuedRevert, RevertStep } from '../strategy';
import { answerHook, stopWithRollback } from './calls';
import { resume } from './resume';
import { followBack, type Way } from './revert-watch';
import { ROLLING_BACK, RUNNING_STATUSES } from './stages';
import type { Tracked } from './tracked';

const inPlace = (b: BuiltInProgress) =>
  [...RUNNING_STATUSES, ...ROLLING_BACK].includes(b.status ?? 'IN_PROGRESS');

/** Blue still runs: one answer or one stop puts production back on it. */
async function rollBackInPlace(ctx: StageContext, t: Tracked, b: BuiltInProgress): Promise<void> {
  if (ROLLING_BACK.includes(b.status ?? '')) {
    ctx.log.info(`${t.service}: already going back to blue (${b.status}); following it`);
    return;
  }
  if (b.heldAt) {
    try {
      ctx.log.warning(
        `${t.service}: ROLLBACK hook ${b.heldAt.hookId} at ${b.heldAt.stage}: going back to blue`,
      );
      await answerHook(ctx, b.serviceDeploymentArn, b.heldAt.hookId, 'ROLLBACK');
      return;
    } catch (error) {
      // The hook is no longer waiting (timed out, answered): the deployment itself can still be stopped.
      ctx.log.info(
        `${t.service}: the hook answer was refused (${errorText(error)}); stopping the deployment instead`,
      );
    }
  }
  ctx.log.warning(
    `${t.service}: StopServiceDeployment ROLLBACK ${b.serviceDeploymentArn}: going back to blue`,
  );
  await stopWithRollback(ctx, b.serviceDeploymentArn);
}

const refusedResult = (step: RevertStep, what: string, error: unknown): ServiceRolloutResult => ({
  service: step.service,
  taskDefinitionArn: step.taskDefinitionArn,
  state: 'failed',
  detail: `${step.service}: ${what} to go back to ${shortArn(step.taskDefinitionArn)} failed: ${errorText(error)}`,
});

async function redeploy(ctx: StageContext, step: RevertStep): Promise<Way> {
  try {
    ctx.log.warning(
      `${step.service}: UpdateService back to ${shortArn(step.taskDefinitionArn)} (the deployment had finished)`,
    );
    const { started } = await startUntilAccepted(ctx, step);
    return { step, kind: 'forward', started };
  } catch (error) {
    return { step, kind: 'refused', result: refusedResult(step, 'UpdateService', error) };
  }
}

async function issue(ctx: StageContext, step: RevertStep): Promise<Way> {
  const b = step.moved.builtIn;
  if (b?.status === 'ROLLBACK_SUCCESSFUL') {
    const detail = `${step.service}: already back on ${shortArn(step.taskDefinitionArn)} (ECS rolled back)`;
    return {
      step,
      kind: 'done',
      result: { ...step.moved, taskDefinitionArn: step.taskDefinitionArn, state: 'completed', detail },
    };
  }
  if (!b || !inPlace(b)) return redeploy(ctx, step);
  const tracked = resume(step.moved, b, {
    taskDefinitionArn: step.taskDefinitionArn,
    sourceName: shortArn(step.taskDefinitionArn),
  });
  try {
    await rollBackInPlace(ctx, tracked, b);
  } catch (error) {
    // ConflictException: finished or in CLEAN_UP; the follow waits for SUCCESSFUL, then redeploys.
    if ((error as { name?: string }).name !== 'ConflictException')
      return { step, kind: 'refused', result: refusedResult(step, 'StopServiceDeployment', error) };
    ctx.log.info(`${step.service}: ${errorText(error)}; going back by UpdateService once it finishes`);
  }
  return { step, kind: 'back', tracked };
}

/** The deployment finished (no traffic shift can undo it): going back takes a new UpdateService. */
const redeploys = (s: RevertStep) =>
  s.moved.builtIn?.status !== 'ROLLBACK_SUCCESSFUL' && !(s.moved.builtIn && inPlace(s.moved.builtIn));

export async function revertBuiltIn(ctx: StageContext, steps: RevertStep[]): Promise<IssuedRevert> {
  // An in-place rollback acts on this run's own service deployment; only an UpdateService could move someone else's.
  const left = await movedByOthersSince(ctx, steps.filter(redeploys));
  const ways = await Promise.all(
    steps.map((s): Way | Promise<Way> => {
      const result = left.find((l) => l.service === s.service);
      return result ? { step: s, kind: 'done', result } : issue(ctx, s);
    }),
  );
  for (const w of ways) if (w.kind === 'refused') ctx.log.error(w.result.detail ?? '');
  return {
    refused: ways.flatMap((w) => (w.kind === 'refused' ? [w.result] : [])),
    watch: () => followBack(ctx, ways),
  };
}
