/**
 * What a finished service deployment means for the release, shared by watch, commit
 * and the way back: ECS's own rollback is reported and not fought; a rollback
 * ecs-release asked for fails the service with ecs-release's reason.
 */
import type { DeploymentLifecycleHookDetail, ServiceDeployment } from '@aws-sdk/client-ecs';
import type { StageContext } from '../../runtime/context';
import { answerHook } from './calls';
import { settle } from './follow';
import type { Tracked } from './tracked';

const reasonOf = (sd: ServiceDeployment) => `${sd.status}${sd.statusReason ? `: ${sd.statusReason}` : ''}`;

/** Settles a deployment that ended other than SUCCESSFUL (ROLLBACK_SUCCESSFUL, ROLLBACK_FAILED, STOPPED). */
export function settleUnsuccessful(t: Tracked, sd: ServiceDeployment): void {
  const why = reasonOf(sd);
  if (t.failure) {
    settle(t, 'failed', `${t.service}: ${t.failure}; ECS went back to blue (${why})`);
    return;
  }
  if (sd.status === 'ROLLBACK_SUCCESSFUL') {
    settle(t, 'rolled-back-by-ecs', `${t.service}: ECS rolled the deployment back (${why})`);
    return;
  }
  if (sd.status === 'STOPPED' && /newer service deployment/.test(sd.statusReason ?? '')) {
    settle(t, 'replaced', `${t.service}: another deployment replaced this release's (${why})`);
    return;
  }
  settle(t, 'failed', `${t.service}: service deployment ${why}`);
}

/** The PAUSE hook waiting for an answer that nobody has answered yet, if any. */
export function waitingHook(t: Tracked, sd: ServiceDeployment): DeploymentLifecycleHookDetail | undefined {
  return sd.lifecycleHookDetails?.find(
    (h) =>
      h.status === 'AWAITING_ACTION' &&
      (h.targetType ?? 'PAUSE') === 'PAUSE' &&
      !t.answered.has(h.hookId ?? ''),
  );
}

/** Answers a hook once; a refused answer fails the service (ECS would otherwise wait for the hook's time-out). */
export async function answer(
  ctx: StageContext,
  t: Tracked,
  hookId: string,
  action: 'CONTINUE' | 'ROLLBACK',
  why: string,
): Promise<void> {
  t.answered.add(hookId);
  const line = `${t.service}: ${action} hook ${hookId} at ${t.progress.stage ?? '?'}: ${why}`;
  if (action === 'CONTINUE') ctx.log.info(line);
  else ctx.log.warning(line);
  await answerHook(ctx, t.progress.serviceDeploymentArn, hookId, action);
}
