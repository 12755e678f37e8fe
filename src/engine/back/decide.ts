/**
 * What goes back where when a release fails (docs/rollback.md "Automatic rollback"): every service the release
 * touched goes back to the revision it ran before, except one that ECS's circuit
 * breaker already rolled back. Pure: the deploy pipeline executes the decision.
 */

import { shortArn } from '../../aws/arn';
import type { GateResult, RolloutResult, ServiceRolloutResult } from '../../model/contracts';

export interface RollbackStep {
  service: string;
  taskDefinitionArn: string;
}

export interface PreviousRevision {
  service: string;
  /** The revision it ran before this release (RenderedService.previousArn). */
  previousArn: string;
}

export interface DecideRollbackInput {
  previous: PreviousRevision[];
  /** Undefined when the rollout never ran. */
  rollout?: RolloutResult;
  /** Undefined when the gate did not run (the rollout failed first). */
  gate?: GateResult;
  /** Why the release stops when neither its rollout nor its gate failed (its claim was taken over). */
  stopped?: string;
  autoRollback: boolean;
}

export interface RollbackDecision {
  /** The release failed (rollout or gate). */
  failed: boolean;
  /** Why, for the log and the summary. */
  reason?: string;
  /** UpdateService calls to make, all at once. Empty when nothing needs to move. */
  targets: RollbackStep[];
  /** Services not moved, and why (rolled back by ECS, never started, auto-rollback off…). */
  left: { service: string; why: string }[];
  /**
   * The run's result if every target gets back: `rolled-back` when some service had
   * changed and all go (or went) back; `failed` when none changed, or auto-rollback is
   * off. Undefined when the release did not fail.
   */
  result?: 'rolled-back' | 'failed';
}

/** UpdateService went out for it (so it moved, or may have). */
export function wasTouched(s: ServiceRolloutResult): boolean {
  if (s.state === 'not-started' || s.state === 'rolled-back-by-ecs') return false;
  if (s.state === 'cancelled') return s.deploymentId !== undefined;
  return true;
}

export function decideRollback(input: DecideRollbackInput): RollbackDecision {
  const reason = failureReason(input.rollout, input.gate) ?? input.stopped;
  if (reason === undefined) return { failed: false, targets: [], left: [] };

  const previous = new Map(input.previous.map((p) => [p.service, p.previousArn]));
  const targets: RollbackStep[] = [];
  const left: RollbackDecision['left'] = [];
  let byEcs = false;
  let unknownPrevious = false;
  let replaced = false;
  for (const s of input.rollout?.services ?? []) {
    const before = previous.get(s.service);
    if (s.state === 'rolled-back-by-ecs') {
      byEcs = true;
      left.push({ service: s.service, why: 'ECS circuit breaker already rolled it back' });
    } else if (s.state === 'replaced') {
      replaced = true;
      // Someone else's deployment took the service over: fighting it would make two
      // actors race on one service. It is theirs now; the report says so.
      left.push({
        service: s.service,
        why: `another deployment replaced ours and is left to whoever started it${s.detail ? ` (${s.detail})` : ''}`,
      });
    } else if (!wasTouched(s)) {
      left.push({ service: s.service, why: 'never updated by this release' });
    } else if (before === s.taskDefinitionArn) {
      left.push({ service: s.service, why: 'already on its previous revision' });
    } else if (!input.autoRollback) {
      left.push({
        service: s.service,
        why: `auto-rollback is off: left on ${shortArn(s.taskDefinitionArn)}`,
      });
    } else if (before === undefined) {
      unknownPrevious = true;
      left.push({ service: s.service, why: 'its previous revision is unknown' });
    } else {
      targets.push({ service: s.service, taskDefinitionArn: before });
    }
  }
  const result: 'rolled-back' | 'failed' =
    !input.autoRollback || unknownPrevious || replaced || (targets.length === 0 && !byEcs)
      ? 'failed'
      : 'rolled-back';
  return { failed: true, reason, targets, left, result };
}

function failureReason(rollout: RolloutResult | undefined, gate: GateResult | undefined): string | undefined {
  if (rollout && !rollout.ok) {
    // A wave that never started counts when it says why (a lost claim): otherwise the failure is elsewhere.
    const bad = rollout.services.filter(
      (s) => s.state !== 'completed' && (s.state !== 'not-started' || s.detail !== undefined),
    );
    const parts = bad.map((s) => `${s.service} ${s.state}${s.detail ? `: ${s.detail}` : ''}`);
    return `rollout failed: ${parts.join('; ') || 'a service did not complete'}`;
  }
  if (gate && !gate.ok) return `gate failed: ${gate.reason ?? 'an alarm or the smoke check failed'}`;
  return undefined;
}
