import { shortArn } from '../aws/arn';
import { runGate } from '../gate';
import type { GateResult, RenderResult, RolloutResult, ServiceRolloutResult } from '../model/contracts';
import type { Report } from '../model/report';
import { tagOutcome } from '../record';
import { decideRollback, rollBack } from '../rollback';
import { finishRollbackCommand } from '../rollback/finish-command';
import { type StartedDeployment, watchDeployments } from '../rollout';
import type { StageContext } from '../runtime/context';
import { STAGES, stage } from './stage';

/** What a service was last seen running, from its rollout result. */
function lastSeenText(r: ServiceRolloutResult): string {
  const revision = shortArn(r.taskDefinitionArn);
  if (r.state === 'completed') return `runs ${revision} (its deployment completed)`;
  if (r.state === 'not-started') return `never moved to ${revision}`;
  if (!r.deploymentId) return `its UpdateService to ${revision} failed`;
  return `deployment ${r.deploymentId} to ${revision} ${r.state}, possibly still in progress`;
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The bake. A gate that cannot be judged (cancelled, or AWS unreachable after
 * the SDK's retries) is a failed gate: the release is rolled back, never left
 * running unverified.
 */
export async function gateRelease(ctx: StageContext, report: Report, alarms: string[]): Promise<GateResult> {
  try {
    const gate = await stage(ctx, report, STAGES.gate, () => runGate(ctx, { alarms }));
    report.alarms = gate.alarms;
    return gate;
  } catch (error) {
    const reason = ctx.signal.aborted
      ? `cancelled during the bake (${errorText(ctx.signal.reason)})`
      : errorText(error);
    return { ok: false, alarms: report.alarms, reason };
  }
}

/** rollOut, where an unexpected error counts every target as touched: better one needless rollback than a half-deployed release. */
export async function safeRollOut(
  fn: () => Promise<RolloutResult>,
  targets: { service: string; taskDefinitionArn: string }[],
): Promise<RolloutResult> {
  try {
    return await fn();
  } catch (error) {
    return {
      ok: false,
      services: targets.map((t) => ({
        service: t.service,
        taskDefinitionArn: t.taskDefinitionArn,
        deploymentId: 'unknown',
        state: 'failed',
        detail: `the rollout stopped on an error: ${errorText(error)}`,
      })),
    };
  }
}

export interface FailedRelease {
  render: RenderResult;
  rollout: RolloutResult;
  gate?: GateResult;
  /** Revisions this release registered (their outcome tag is written here). */
  registered: string[];
  checkpoint: (phase: string) => void;
}

/** ECS's own rollbacks are watched, never fought: we only confirm they finish. */
function ecsRollbacks(rollout: RolloutResult, render: RenderResult): StartedDeployment[] {
  return rollout.services.flatMap((r) => {
    const previous = render.services.find((s) => s.live.config.service === r.service)?.previousArn;
    return r.state === 'rolled-back-by-ecs' && r.ecsRollbackDeploymentId && previous
      ? [{ service: r.service, deploymentId: r.ecsRollbackDeploymentId, taskDefinitionArn: previous }]
      : [];
  });
}

/**
 * A release is all of its services or none: every service it touched goes back to
 * the revision it ran before, in parallel, watched to completion. The outcome tag
 * and the report say exactly what happened, including what could not be undone.
 */
/**
 * A way back that did not complete (expired credentials, AWS unreachable, a
 * cancelled run): the one command that finishes it, in the log and the summary.
 * Shared by a failed deploy and a failed manual rollback.
 */
export function noteUnfinishedRollback(
  ctx: StageContext,
  report: Report,
  back: ServiceRolloutResult[],
): void {
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

export async function finishFailedRelease(
  ctx: StageContext,
  report: Report,
  failed: FailedRelease,
): Promise<void> {
  const decision = decideRollback({
    previous: failed.render.services.map((s) => ({
      service: s.live.config.service,
      previousArn: s.previousArn,
    })),
    rollout: failed.rollout,
    ...(failed.gate ? { gate: failed.gate } : {}),
    autoRollback: ctx.config.gate.autoRollback,
  });
  report.error = decision.reason ?? 'the release failed';
  ctx.log.error(report.error);
  for (const left of decision.left)
    ctx.log.info(`${left.service}: not rolled back by ecs-release (${left.why})`);

  const byEcs = ecsRollbacks(failed.rollout, failed.render);
  let back: ServiceRolloutResult[] = [];
  if (decision.targets.length > 0 || byEcs.length > 0) {
    failed.checkpoint('rollback');
    const undone = await stage(ctx, report, STAGES.rollback, async () => {
      const [ours, theirs] = await Promise.all([
        rollBack(ctx, decision.targets),
        byEcs.length > 0
          ? watchDeployments(ctx, byEcs, {
              failFast: false,
              ...(failed.rollout.seenEvents && { seenEvents: failed.rollout.seenEvents }),
            })
          : Promise.resolve([]),
      ]);
      const services = [...ours.services, ...theirs];
      return { ok: services.every((r) => r.state === 'completed'), services };
    });
    back = undone.services;
  }
  for (const r of back) {
    const entry = report.services.find((s) => s.service === r.service);
    if (!entry) continue;
    const wasEcs = entry.state === 'rolled-back-by-ecs';
    if (r.state === 'completed') {
      entry.state = wasEcs ? 'rolled-back-by-ecs' : 'rolled-back';
      entry.current = entry.previous;
    } else {
      // Keep what the rollout last saw (SPEC 5: say what each service runs) before why the rollback failed.
      const seen = failed.rollout.services.find((x) => x.service === r.service);
      const lastSeen = seen ? `last seen: ${lastSeenText(seen)}; ` : '';
      entry.state = 'failed';
      entry.detail = `${lastSeen}rollback ${r.state}${r.detail ? `: ${r.detail}` : ''}`;
    }
  }
  noteUnfinishedRollback(ctx, report, back);
  if (report.migration?.outcome === 'succeeded' && back.some((r) => r.state === 'completed')) {
    report.notes.push(
      'The migration of this release ran and is not rolled back: the previous release now runs against the migrated schema.',
    );
  }
  const allBack =
    decision.result === 'rolled-back' && back.every((r) => r.state === 'completed') && !ctx.signal.aborted;
  const outcome = allBack ? 'rolled-back' : 'failed';
  await tagOutcome(ctx, failed.registered, outcome);
  report.result = outcome;
  if (!allBack) {
    report.runningRelease = undefined;
    report.notes.push(
      ctx.signal.aborted
        ? 'Cancelled: the rollback was issued but not watched to the end. The post step reports where each service stands.'
        : 'Not every service could be put back on its previous revision: the table above says which service runs what.',
    );
  }
}
