/**
 * A release is all of its services or none: on a failed rollout or gate every
 * service the transaction touched goes back to the revision it ran before, in
 * parallel, each by its strategy, watched to completion. ECS's own rollbacks are
 * watched, never fought. The report and the outcome tags say exactly what happened,
 * including what could not be undone.
 */
import type { GateResult, RolloutResult, ServiceRolloutResult } from '../../model/contracts';
import type { Report } from '../../model/report';
import type { StartedDeployment } from '../../observe/watched';
import { tagOutcome } from '../../record';
import type { StageContext } from '../../runtime/context';
import { watchDeployments } from '../rolling/watch';
import { recordBack } from '../services-report';
import { STAGES, stage } from '../stage';
import { byStrategy } from '../strategies';
import type { RevertStep } from '../strategy';
import type { Transaction } from '../transaction';
import { decideRollback, type RollbackDecision } from './decide';
import { finishRollbackCommand } from './finish-command';

export async function goBack(
  ctx: StageContext,
  report: Report,
  plan: Transaction,
  rollout: RolloutResult,
  gate: GateResult | undefined,
  stopped?: string,
): Promise<void> {
  const decision = decideRollback({
    ...(stopped !== undefined && { stopped }),
    previous: plan.moves.flatMap((m) =>
      m.previousArn ? [{ service: m.service, previousArn: m.previousArn }] : [],
    ),
    rollout,
    ...(gate ? { gate } : {}),
    autoRollback: ctx.config.gate.autoRollback,
  });
  const reason = decision.reason ?? 'the release failed';
  ctx.log.error(plan.kind === 'rollback' ? `rollback: ${reason}` : reason);
  for (const left of decision.left)
    ctx.log.info(`${left.service}: not rolled back by ecs-release (${left.why})`);

  const byEcs = ecsRollbacks(rollout, plan);
  let back: ServiceRolloutResult[] = [];
  if (decision.targets.length > 0 || byEcs.length > 0) {
    plan.checkpoint('rollback');
    const undone = await stage(ctx, report, STAGES.rollback, async () => {
      const services = await revertAll(ctx, plan, rollout, decision, byEcs);
      return { ok: services.every((r) => r.state === 'completed'), services };
    });
    back = undone.services;
  }
  recordBack(ctx, report, rollout, back, decision);
  noteUnfinishedRollback(ctx, report, back);
  await settle(ctx, report, plan, { decision, back, reason });
}

/** ECS's own rollbacks (rolling: the circuit breaker's new deployment) are watched, never fought. */
function ecsRollbacks(rollout: RolloutResult, plan: Transaction): StartedDeployment[] {
  return rollout.services.flatMap((r) => {
    const previous = plan.moves.find((m) => m.service === r.service)?.previousArn;
    return r.state === 'rolled-back-by-ecs' && r.ecsRollbackDeploymentId && previous
      ? [{ service: r.service, deploymentId: r.ecsRollbackDeploymentId, taskDefinitionArn: previous }]
      : [];
  });
}

/** Every way back issued at once (each strategy its own calls), then all watched together. */
async function revertAll(
  ctx: StageContext,
  plan: Transaction,
  rollout: RolloutResult,
  decision: RollbackDecision,
  byEcs: StartedDeployment[],
): Promise<ServiceRolloutResult[]> {
  const steps = decision.targets.flatMap((t): RevertStep[] => {
    const moved = rollout.services.find((r) => r.service === t.service);
    return moved ? [{ ...t, moved }] : [];
  });
  const strategyOf = (s: RevertStep) => plan.moves.find((m) => m.service === s.service)?.strategy;
  const issued = await Promise.all(byStrategy(steps, strategyOf).map(([s, group]) => s.revert(ctx, group)));
  const watched = await Promise.all([
    ...issued.map((i) => i.watch()),
    byEcs.length > 0
      ? watchDeployments(ctx, byEcs, {
          failFast: false,
          ...(rollout.seenEvents && { seenEvents: rollout.seenEvents }),
        })
      : Promise.resolve([]),
  ]);
  return [...issued.flatMap((i) => i.refused), ...watched.flat()];
}

/** The result, the running release, the error, the notes and the outcome tags of a failed transaction. */
async function settle(
  ctx: StageContext,
  report: Report,
  plan: Transaction,
  { decision, back, reason }: { decision: RollbackDecision; back: ServiceRolloutResult[]; reason: string },
): Promise<void> {
  if (report.migration?.outcome === 'succeeded' && back.some((r) => r.state === 'completed')) {
    report.notes.push(
      'The migration of this release ran and is not rolled back: the previous release now runs against the migrated schema.',
    );
  }
  const allBack =
    decision.result === 'rolled-back' && back.every((r) => r.state === 'completed') && !ctx.signal.aborted;
  const outcome = allBack ? 'rolled-back' : 'failed';
  if (plan.registered.length > 0) await tagOutcome(ctx, plan.registered, outcome);
  report.result = outcome;
  report.runningRelease = allBack ? plan.running : undefined;
  report.error =
    plan.kind === 'rollback'
      ? `rollback to release ${plan.release} failed: ${reason}${
          allBack
            ? `; every service is back where it was${plan.running ? ` (release ${plan.running})` : ''}`
            : '; the services table shows what each service runs now'
        }`
      : reason;
  if (!allBack) {
    report.notes.push(
      ctx.signal.aborted
        ? 'Cancelled: the rollback was issued but not watched to the end. The post step reports where each service stands.'
        : 'Not every service could be put back on its previous revision: the table above says which service runs what.',
    );
  }
}

/**
 * A way back that did not complete (expired credentials, AWS unreachable, a
 * cancelled run): the one command that finishes it, in the log and the summary.
 */
function noteUnfinishedRollback(ctx: StageContext, report: Report, back: ServiceRolloutResult[]): void {
  const unfinished = back.filter((r) => r.state !== 'completed');
  if (unfinished.length === 0) return;
  const command = finishRollbackCommand(
    ctx.config.region,
    ctx.config.cluster,
    unfinished.map((r) => ({ service: r.service, taskDefinitionArn: r.taskDefinitionArn })),
  );
  ctx.log.error(`the rollback did not finish; to finish it, run: ${command}`);
  report.notes.push(`To finish the rollback, run (with valid AWS credentials): \`${command}\``);
}
