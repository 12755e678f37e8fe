/**
 * Tags have no compare-and-set, so a claim can be taken over after this run changed
 * services (docs/rollout.md, "The window that remains"). Such a run
 * still ends with an outcome and says who took the claim: `succeeded` when its gate
 * passed and every service runs its release, otherwise the way back, which moves
 * only services that still run what this run deployed.
 */
import { errorText } from '../aws/errors';
import type { RolloutResult } from '../model/contracts';
import type { Report } from '../model/report';
import { type Claim, ClaimLostError, checkClaim, tagOutcome } from '../record';
import type { StageContext } from '../runtime/context';
import { goBack } from './back';
import { checkServices } from './recheck';
import type { Transaction } from './transaction';

/** The claim re-read before `before`: undefined while it is this run's, else the takeover. Read errors are thrown. */
export async function claimTakenOver(
  ctx: StageContext,
  claim: Claim,
  before: string,
): Promise<ClaimLostError | undefined> {
  try {
    await checkClaim(ctx, claim, before);
    return undefined;
  } catch (error) {
    if (error instanceof ClaimLostError) return error;
    throw error;
  }
}

/** Why the release cannot be called done as it stands, or undefined when every service runs it. */
async function notAllRunning(ctx: StageContext, done: RolloutResult): Promise<string | undefined> {
  if (done.services.some((s) => s.state !== 'completed'))
    return 'some of its services were still held before their commit point, and a run without the claim does not let them go';
  try {
    await checkServices(
      ctx,
      done.services.map((s) => ({ service: s.service, taskDefinitionArn: s.taskDefinitionArn })),
      'its outcome tags',
      { settled: false },
    );
    return undefined;
  } catch (error) {
    return `not every service could be confirmed on it (${errorText(error)})`;
  }
}

/**
 * The gate passed but the claim is someone else's now (`lost`, from the re-read before
 * the commit or the outcome tags). Ends the transaction with an outcome either way.
 */
export async function finishTakenOver(
  ctx: StageContext,
  report: Report,
  plan: Transaction,
  done: RolloutResult,
  lost: ClaimLostError,
): Promise<void> {
  const who = `the claim of environment ${ctx.config.environment} was taken over by ${lost.by ?? 'another run'} after this run's gate passed`;
  const why = await notAllRunning(ctx, done);
  if (why === undefined) {
    const note = `${who}; every service runs release ${plan.release}, so this run recorded it succeeded. The run that took the claim goes on from here.`;
    ctx.log.warning(note);
    report.notes.push(note);
    if (plan.registered.length > 0) await tagOutcome(ctx, plan.registered, 'succeeded');
    report.result = 'deployed';
    report.runningRelease = plan.release;
    return;
  }
  const stopped = `${who}, and ${why}: this run goes back, moving only the services that still run what it deployed`;
  return goBack(ctx, report, plan, done, undefined, stopped);
}
