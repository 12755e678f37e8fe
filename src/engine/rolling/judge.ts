/** One DescribeServices answer for a watched deployment: print what is new, settle it when it ended. */
import type { Service } from '@aws-sdk/client-ecs';
import type { Completing } from '../../observe/target-health';
import type { TaskReader } from '../../observe/tasks';
import { diagnose } from '../../observe/watch-diagnose';
import { printEvents } from '../../observe/watch-events';
import { detailOf, settle, type Watched } from '../../observe/watched';
import type { StageContext } from '../../runtime/context';
import { assess, progressLine, type Verdict } from './assess';

/**
 * Settles `w` when its deployment ended other than completed. A COMPLETED one is returned
 * instead: its targets are checked with the round's other completions (one read for all).
 */
export async function judge(
  ctx: StageContext,
  reader: TaskReader,
  w: Watched,
  s: Service,
): Promise<Completing | undefined> {
  w.loadBalancers = s.loadBalancers ?? [];
  const ours = s.deployments?.find((d) => d.id === w.target.deploymentId);
  if (ours?.createdAt) w.createdAt = ours.createdAt;
  printEvents(ctx, w, s, w.createdAt);
  const line = progressLine(w.target.service, s, w.target.deploymentId);
  if (line !== w.progress) ctx.log.info(line);
  w.progress = line;
  const verdict: Verdict = assess(s, w.target.deploymentId, w.createdAt, w.target.priorDeploymentIds);
  const failedNow = ours?.failedTasks ?? 0;
  const failuresRose = failedNow > w.lastFailed;
  w.lastFailed = failedNow;
  if (verdict.kind === 'in-progress') {
    if (failuresRose) await diagnose(ctx, reader, w, true);
    return undefined;
  }
  if (verdict.kind === 'complete')
    return { w, expected: (ours?.runningCount ?? 0) + (ours?.pendingCount ?? 0) };
  if (verdict.kind === 'replaced') {
    ctx.log.error(`${w.target.service}: ${verdict.reason}`);
    settle(w, 'replaced', detailOf(w, `${w.target.service}: ${verdict.reason}`));
    return undefined;
  }
  await diagnose(ctx, reader, w, true);
  if (verdict.kind === 'rolled-back-by-ecs') {
    ctx.log.warning(`${w.target.service}: ${verdict.reason}; ecs-release leaves that rollback to ECS`);
    settle(w, 'rolled-back-by-ecs', detailOf(w, `${w.target.service}: ${verdict.reason}`), {
      ecsRollbackDeploymentId: verdict.rollbackDeploymentId,
    });
    return undefined;
  }
  ctx.log.error(`${w.target.service}: ${verdict.reason}`);
  settle(w, 'failed', detailOf(w, `${w.target.service}: ${verdict.reason}`));
  return undefined;
}
