/**
 * The services table of the report, written only here: previous, the release's
 * revision (`target`, kept when the service goes back) and what runs now (`current`).
 */
import { shortArn } from '../aws/arn';
import type { BuiltInProgress, RolloutResult, ServiceRolloutResult, StrategyName } from '../model/contracts';
import type { Report, ServiceOutcome } from '../model/report';
import type { StageContext } from '../runtime/context';
import type { RollbackDecision } from './back/decide';

/** Before anything moves: each service with its previous revision and the one the release wants. */
export function planServices(
  report: Report,
  entries: { service: string; previous?: string | undefined; target: string; strategy?: StrategyName }[],
): void {
  report.services = entries.map((e) => ({
    service: e.service,
    ...(e.previous ? { previous: e.previous } : {}),
    ...(e.strategy && e.strategy !== 'ROLLING' ? { strategy: e.strategy } : {}),
    target: e.target,
    current: e.target,
    state: e.previous === e.target ? 'unchanged' : 'pending',
  }));
}

/** The run stopped before any service changed: every service runs what it ran before. */
export function nothingMoved(report: Report): void {
  for (const s of report.services) {
    if (s.state !== 'pending') continue;
    s.state = 'unchanged';
    s.current = s.previous;
  }
  report.notes.push('The release stopped before any service changed: every service runs what it ran before.');
}

function addProgress(entry: ServiceOutcome, progress: BuiltInProgress | undefined): void {
  if (!progress) return;
  const list = entry.builtIn ?? [];
  const at = list.findIndex((p) => p.serviceDeploymentArn === progress.serviceDeploymentArn);
  if (at >= 0) list[at] = progress;
  else list.push(progress);
  entry.builtIn = list;
}

/** What the rollout (or the commit) left each service on. `held` stays `pending`: not finished. */
export function recordMoves(report: Report, rollout: RolloutResult): void {
  for (const r of rollout.services) {
    const entry = report.services.find((s) => s.service === r.service);
    if (!entry) continue;
    addProgress(entry, r.builtIn);
    if (r.state === 'not-started') {
      // A later wave never moved: it runs what it ran before.
      entry.state = 'unchanged';
      entry.current = entry.previous;
      if (r.detail) entry.detail = `not moved: ${r.detail}`;
      continue;
    }
    if (r.state === 'held') continue;
    entry.state =
      r.state === 'completed'
        ? 'updated'
        : r.state === 'rolled-back-by-ecs'
          ? 'rolled-back-by-ecs'
          : 'failed';
    if (r.detail) entry.detail = r.detail;
  }
}

/** What a service was last seen running, from its rollout result. */
function lastSeenText(r: ServiceRolloutResult): string {
  const revision = shortArn(r.taskDefinitionArn);
  if (r.state === 'completed') return `runs ${revision} (its deployment completed)`;
  if (r.state === 'held')
    return `runs ${revision} beside the previous revision (held before its commit point)`;
  if (r.state === 'not-started') return `never moved to ${revision}`;
  if (!r.deploymentId) return `its UpdateService to ${revision} failed`;
  return `deployment ${r.deploymentId} to ${revision} ${r.state}, possibly still in progress`;
}

/** After the way back: each service the release touched, as it ended. */
export function recordBack(
  ctx: StageContext,
  report: Report,
  rollout: RolloutResult,
  back: ServiceRolloutResult[],
  decision: RollbackDecision,
): void {
  for (const entry of report.services) {
    const moved = rollout.services.find((r) => r.service === entry.service);
    if (!moved) continue;
    const returned = back.find((r) => r.service === entry.service);
    addProgress(entry, returned?.builtIn);
    if (returned) recordReturned(ctx, entry, moved, returned);
    else if (moved.state === 'rolled-back-by-ecs') {
      entry.state = 'rolled-back-by-ecs';
      entry.current = entry.previous;
      entry.detail = moved.detail ?? 'ECS rolled it back';
    } else if (
      decision.left.some((l) => l.service === entry.service && l.why.startsWith('auto-rollback is off'))
    ) {
      entry.state = 'failed';
      entry.detail = `auto-rollback is off: left on ${shortArn(moved.taskDefinitionArn)}`;
    }
  }
}

function recordReturned(
  ctx: StageContext,
  entry: ServiceOutcome,
  moved: ServiceRolloutResult,
  returned: ServiceRolloutResult,
): void {
  if (returned.state === 'completed') {
    entry.state = moved.state === 'rolled-back-by-ecs' ? 'rolled-back-by-ecs' : 'rolled-back';
    entry.current = entry.previous;
  } else if (returned.state === 'cancelled' && returned.deploymentId) {
    entry.state = 'pending';
    entry.current = returned.taskDefinitionArn;
    entry.detail =
      `cancelled: UpdateService back to ${shortArn(returned.taskDefinitionArn)} was issued (deployment ${returned.deploymentId}) but not watched; ` +
      `confirm with: aws ecs wait services-stable --region ${ctx.config.region} --cluster ${ctx.config.cluster} --services ${entry.service}`;
  } else {
    // Keep what the rollout last saw (say what each service runs) before why the way back failed.
    entry.state = 'failed';
    entry.detail = `last seen: ${lastSeenText(moved)}; rollback ${returned.state}${returned.detail ? `: ${returned.detail}` : ''}`;
  }
}
