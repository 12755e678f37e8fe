/**
 * Picks up a service deployment from what an earlier call reported of it
 * (`ServiceRolloutResult.builtIn`): commit and the way back get results, not the
 * watch's state, so the readable revision names are rebuilt from the result.
 */
import { shortArn } from '../../aws/arn';
import type { BuiltInProgress, ServiceRolloutResult } from '../../model/contracts';
import { newProgress, weightsText } from './progress';
import { revisionId } from './stages';
import type { Tracked } from './tracked';

/** Blue's name: the one production weight entry that is not green's. */
function sourceOf(b: BuiltInProgress, green: string): string | undefined {
  const others = Object.keys(b.weights?.production ?? {}).filter((n) => n !== green);
  return others.length === 1 ? others[0] : undefined;
}

export function resume(
  moved: ServiceRolloutResult,
  b: BuiltInProgress,
  o: { taskDefinitionArn: string; sourceName?: string },
): Tracked {
  const green = shortArn(moved.taskDefinitionArn);
  const names = new Map<string, string>();
  if (moved.deploymentId) names.set(revisionId(moved.deploymentId), green);
  const progress = newProgress(moved.service, b.serviceDeploymentArn, names);
  const sourceName = o.sourceName ?? sourceOf(b, green);
  if (sourceName) progress.sourceName = sourceName;
  progress.stages = [...b.stages];
  if (b.weights) progress.weights = b.weights;
  if (b.status !== undefined) progress.status = b.status;
  progress.stage = b.stages.at(-1)?.stage;
  // The stage line already printed: print it again only when the stage or weights move.
  if (progress.stage)
    progress.printed = `${moved.service}: stage ${progress.stage} (${weightsText(b.weights)})`;
  if (b.heldAt) progress.hooks.set(b.heldAt.hookId, 'AWAITING_ACTION');
  return {
    service: moved.service,
    taskDefinitionArn: o.taskDefinitionArn,
    ...(moved.deploymentId !== undefined && { deploymentId: moved.deploymentId }),
    progress,
    answered: new Set(b.heldAt ? [b.heldAt.hookId] : []),
  };
}
