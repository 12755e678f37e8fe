/**
 * Follows the way back to its end: an in-place rollback to ROLLBACK_SUCCESSFUL (the
 * service is back on blue), a new deployment of the previous revision to SUCCESSFUL,
 * answering CONTINUE to any PAUSE hook on the way (a way back must not wait for an
 * approval). Never tied to the run's abort signal: it runs after cancellation too.
 */
import type { ServiceDeployment } from '@aws-sdk/client-ecs';
import { shortArn } from '../../aws/arn';
import type { ServiceRolloutResult } from '../../model/contracts';
import { ReadBudget } from '../../observe/read-budget';
import type { StartedDeployment } from '../../observe/watched';
import type { StageContext } from '../../runtime/context';
import { movedByOthersSince } from '../recheck';
import { startUntilAccepted } from '../retry';
import type { RevertStep } from '../strategy';
import { type Decide, follow, settle } from './follow';
import { answer, waitingHook } from './outcome';
import { findUntilSeen } from './resolve';
import { isFinished } from './stages';
import type { Tracked } from './tracked';

export type Way =
  | { step: RevertStep; kind: 'back'; tracked: Tracked }
  | { step: RevertStep; kind: 'forward'; started: StartedDeployment }
  | { step: RevertStep; kind: 'done'; result: ServiceRolloutResult }
  | { step: RevertStep; kind: 'refused'; result: ServiceRolloutResult };

const MINUTE_MS = 60_000;
const ended = (sd: ServiceDeployment) => `${sd.status}${sd.statusReason ? `: ${sd.statusReason}` : ''}`;

interface Context {
  ctx: StageContext;
  budget: ReadBudget;
  deadline: number;
  forward: Set<Tracked>;
  /** What this run's own deployment of each in-place way back was (checked before a late UpdateService). */
  moved: Map<Tracked, RevertStep['moved']>;
}

/** The in-place rollback lost the race (the deployment finished first): go back by a new deployment. */
async function switchToRedeploy(c: Context, t: Tracked): Promise<void> {
  const { ctx } = c;
  const moved = c.moved.get(t);
  const [left] = moved ? await movedByOthersSince(ctx, [{ ...t, moved }]) : [];
  if (left) {
    settle(t, 'replaced', left.detail);
    return;
  }
  ctx.log.warning(
    `${t.service}: the deployment finished before its rollback; UpdateService back to ${shortArn(t.taskDefinitionArn)}`,
  );
  const { started } = await startUntilAccepted(ctx, t);
  const { tracked, missing } = await findUntilSeen(ctx, [started], c);
  const next = tracked[0];
  if (!next) {
    settle(t, 'failed', missing[0]?.result.detail);
    return;
  }
  Object.assign(t, {
    progress: next.progress,
    deploymentId: started.deploymentId,
    answered: new Set<string>(),
  });
  c.forward.add(t);
}

function backDecision(c: Context, t: Tracked, sd: ServiceDeployment): Promise<void> | undefined {
  if (sd.status === 'ROLLBACK_SUCCESSFUL') {
    settle(
      t,
      'completed',
      `${t.service}: back on ${shortArn(t.taskDefinitionArn)}, production traffic on blue`,
    );
    return undefined;
  }
  if (sd.status === 'SUCCESSFUL') return switchToRedeploy(c, t);
  if (isFinished(sd.status)) settle(t, 'failed', `${t.service}: the rollback ended ${ended(sd)}`);
  return undefined;
}

function forwardDecision(c: Context, t: Tracked, sd: ServiceDeployment): Promise<void> | undefined {
  t.deadline ??= c.deadline + (sd.deploymentConfiguration?.bakeTimeInMinutes ?? 0) * MINUTE_MS;
  if (sd.status === 'SUCCESSFUL') {
    settle(t, 'completed', `${t.service}: back on ${shortArn(t.taskDefinitionArn)} by a new deployment`);
    return undefined;
  }
  if (isFinished(sd.status)) {
    settle(t, 'failed', `${t.service}: the way back to ${shortArn(t.taskDefinitionArn)} ended ${ended(sd)}`);
    return undefined;
  }
  const hook = waitingHook(t, sd);
  if (hook?.hookId && sd.status === 'IN_PROGRESS')
    return answer(c.ctx, t, hook.hookId, 'CONTINUE', 'a way back does not wait for approval');
  return undefined;
}

export async function followBack(ctx: StageContext, ways: Way[]): Promise<ServiceRolloutResult[]> {
  const c: Context = {
    ctx,
    budget: new ReadBudget(ctx.clock),
    deadline: ctx.clock.now() + ctx.config.gate.waitTimeoutMs,
    forward: new Set(),
    moved: new Map(ways.flatMap((w) => (w.kind === 'back' ? [[w.tracked, w.step.moved] as const] : []))),
  };
  const starts = ways.flatMap((w) => (w.kind === 'forward' ? [w.started] : []));
  const { tracked, missing } = await findUntilSeen(ctx, starts, c);
  for (const t of tracked) c.forward.add(t);
  const back = ways.flatMap((w) => (w.kind === 'back' ? [w.tracked] : []));
  const decide: Decide = (t, sd) => (c.forward.has(t) ? forwardDecision(c, t, sd) : backDecision(c, t, sd));
  await follow(ctx, [...back, ...tracked], decide, { ...c, waitingFor: 'going back' });
  const results = new Map<string, ServiceRolloutResult | undefined>([
    ...[...back, ...tracked].map((t): [string, ServiceRolloutResult | undefined] => [t.service, t.result]),
    ...missing.map((m): [string, ServiceRolloutResult] => [m.service, m.result]),
  ]);
  return ways.flatMap((w) => {
    if (w.kind === 'done') return [w.result];
    if (w.kind === 'refused') return [];
    return results.get(w.step.service) ?? [];
  });
}
