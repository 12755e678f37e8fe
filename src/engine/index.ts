/**
 * The engine: one transaction that moves a set of services to target revisions in
 * waves, gates them once, commits, and goes back on any failure. Deploy, manual
 * rollback and cancellation all run through it (docs/architecture.md "The engine").
 * Only the engine writes the services' results, the stage outcomes of the rollout,
 * gate and rollback, and the outcome tags.
 */
import { errorText } from '../aws/errors';
import { runGate } from '../gate';
import type { GateResult, RolloutResult, ServiceRolloutResult } from '../model/contracts';
import type { Report } from '../model/report';
import { tagOutcome } from '../record';
import type { StageContext } from '../runtime/context';
import { goBack } from './back';
import { stepChecks } from './checks';
import { checkBefore, checkServices, ServicesChangedError } from './recheck';
import { recordMoves } from './services-report';
import { STAGES, stage } from './stage';
import { byStrategy } from './strategies';
import { claimTakenOver, finishTakenOver } from './takeover';
import type { Transaction } from './transaction';
import { rollOut } from './waves';

export { checkBefore, checkServices, ServicesChangedError } from './recheck';
export { nothingMoved, planServices } from './services-report';
export { STAGES, stage } from './stage';
export { strategyOf } from './strategies';
export type { Move, Transaction } from './transaction';
export { rollOut } from './waves';

export async function runTransaction(ctx: StageContext, report: Report, plan: Transaction): Promise<void> {
  plan.checkpoint('rollout');
  const rollout = await stage(ctx, report, STAGES.rollout, () => safely(() => move(ctx, plan), plan));
  recordMoves(report, rollout);
  if (!rollout.ok) return goBack(ctx, report, plan, rollout, undefined);
  plan.checkpoint('gate');
  const gate = await judgeGate(ctx, report, plan);
  if (!gate.ok) return goBack(ctx, report, plan, rollout, gate);
  if (rollout.services.some((s) => s.state === 'held')) {
    // Letting held services go is a change: only while the claim is still this run's.
    const lost = await claimTakenOver(ctx, plan.claim, 'the commit');
    if (lost) return finishTakenOver(ctx, report, plan, rollout, lost);
  }
  const committed = await commit(ctx, report, plan, rollout);
  recordMoves(report, committed);
  if (!committed.ok) return goBack(ctx, report, plan, committed, undefined);
  await succeed(ctx, report, plan, committed);
}

function move(ctx: StageContext, plan: Transaction): Promise<RolloutResult> {
  return rollOut(ctx, plan.moves, {
    checks: stepChecks(ctx, plan.alarms, plan.gate),
    beforeWave: (_wave, members) =>
      checkBefore(
        ctx,
        plan.claim,
        members.flatMap((m) => {
          const previous = plan.moves.find((x) => x.service === m.service)?.previousArn;
          return previous ? [{ service: m.service, taskDefinitionArn: previous }] : [];
        }),
        'the next wave',
      ),
  });
}

/** An unexpected error in the rollout counts every move as touched: better one needless way back than a half-deployed release. */
async function safely(fn: () => Promise<RolloutResult>, plan: Transaction): Promise<RolloutResult> {
  try {
    return await fn();
  } catch (error) {
    return {
      ok: false,
      services: plan.moves.map((t) => ({
        service: t.service,
        taskDefinitionArn: t.taskDefinitionArn,
        deploymentId: 'unknown',
        state: 'failed',
        detail: `the rollout stopped on an error: ${errorText(error)}`,
      })),
    };
  }
}

/**
 * The bake. A gate that cannot be judged (cancelled, or AWS unreachable after the
 * SDK's retries) is a failed gate: the release goes back, never left running unverified.
 */
async function judgeGate(ctx: StageContext, report: Report, plan: Transaction): Promise<GateResult> {
  let gate: GateResult;
  try {
    gate = await stage(ctx, report, STAGES.gate, () => runGate(ctx, { alarms: plan.alarms }, plan.gate));
  } catch (error) {
    const reason = ctx.signal.aborted
      ? `the run was cancelled during the bake (${errorText(ctx.signal.reason)})`
      : `the gate could not be judged: ${errorText(error)}`;
    gate = { ok: false, alarms: report.alarms, reason };
  }
  if (gate.alarms.length > 0) report.alarms = gate.alarms;
  return gate;
}

/** The single commit point: every held service (built-in, before CLEAN_UP) is let go at once. */
async function commit(
  ctx: StageContext,
  report: Report,
  plan: Transaction,
  rollout: RolloutResult,
): Promise<RolloutResult> {
  const held = rollout.services.filter((s) => s.state === 'held');
  if (held.length === 0) return rollout;
  const strategyOf = (s: ServiceRolloutResult) => plan.moves.find((m) => m.service === s.service)?.strategy;
  return stage(ctx, report, STAGES.commit, async () => {
    const done = (
      await Promise.all(byStrategy(held, strategyOf).map(([strategy, group]) => strategy.commit(ctx, group)))
    ).flat();
    const services = rollout.services.map((s) => done.find((d) => d.service === s.service) ?? s);
    return { ...rollout, ok: services.every((s) => s.state === 'completed'), services };
  });
}

/** Before the outcome tags: the claim is still ours and every service runs the release (nobody moved one since). */
async function succeed(ctx: StageContext, report: Report, plan: Transaction, done: RolloutResult) {
  const expected = done.services.map((s) => ({ service: s.service, taskDefinitionArn: s.taskDefinitionArn }));
  const lost = await claimTakenOver(ctx, plan.claim, 'the outcome tags');
  if (lost) return finishTakenOver(ctx, report, plan, done, lost);
  try {
    await checkServices(ctx, expected, 'the outcome tags', { settled: false });
  } catch (error) {
    if (!(error instanceof ServicesChangedError)) {
      // The claim was just confirmed ours; a read that fails past the SDK's retries does not undo a passed gate.
      ctx.log.warning(
        `could not re-read the services before the outcome tags (${errorText(error)}): tagging on the gate's verdict`,
      );
    } else {
      report.result = 'failed';
      report.error = `${error.message} The release passed its gate, but what runs now is not all of it.`;
      if (plan.registered.length > 0) await tagOutcome(ctx, plan.registered, 'failed');
      return;
    }
  }
  if (plan.registered.length > 0) await tagOutcome(ctx, plan.registered, 'succeeded');
  report.result = 'deployed';
  report.runningRelease = plan.release;
  if (plan.kind === 'rollback') ctx.log.info(`rollback: release ${plan.release} runs on every service`);
}

/**
 * Every service already runs the release, but some of its revisions carry no
 * `succeeded` outcome (a run killed in its bake, or a way back that could not
 * finish): gate it now, move nothing. Green records the outcome; red reports it.
 */
export async function confirmRelease(
  ctx: StageContext,
  report: Report,
  plan: Pick<Transaction, 'alarms' | 'claim' | 'release' | 'registered' | 'gate'>,
): Promise<void> {
  const gate = await judgeGate(ctx, report, {
    ...plan,
    kind: 'deploy',
    moves: [],
    checkpoint: () => undefined,
  });
  if (gate.ok) {
    await checkBefore(ctx, plan.claim, [], 'the outcome tags');
    await tagOutcome(ctx, plan.registered, 'succeeded');
    report.result = 'unchanged';
    report.runningRelease = plan.release;
    return;
  }
  report.result = 'failed';
  report.error =
    `release ${plan.release} runs on every service but its gate failed: ${gate.reason ?? 'unknown reason'}. ` +
    'This run moved nothing, so it rolls nothing back; to go back, run the rollback command (to: previous).';
  report.notes.push(report.error);
}
