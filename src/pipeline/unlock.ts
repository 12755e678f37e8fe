/**
 * `command: unlock` (docs/rollout.md, "One release at a time"): clears what a dead run
 * left, so a person can deploy or roll back again without waiting hours for its claim
 * to expire. It removes the environment's claim only while it is still that run's (a
 * read, then UntagResource), and gives that run's release revisions that never
 * recorded an outcome the outcome `abandoned`. It moves no service. It refuses while
 * GitHub reports the run in progress: a live run's claim is what keeps two releases
 * from interleaving.
 */
import type { Report } from '../model/report';
import {
  CLAIM_PREFIX,
  judgeClaimRun,
  parseClaim,
  readClaimTag,
  removeClaimWhile,
  runOfClaimId,
  runOfUrl,
  tagOutcome,
} from '../record';
import type { ReleaseRevision } from '../record/releases';
import type { StageContext } from '../runtime/context';
import { readHistory } from './history';

/** The run named by `unlock` still runs: its claim stays. */
export class UnlockRefusedError extends Error {
  override name = 'UnlockRefusedError';
}

export async function unlock(ctx: StageContext, report: Report): Promise<void> {
  const run = ctx.config.unlockRun ?? '';
  const verdict = await judgeClaimRun(ctx, run);
  if (!verdict.stale && !verdict.cannotTell) {
    throw new UnlockRefusedError(
      `run ${run} is still in progress (${verdict.why}): unlock only clears the claim of a run that ended. ` +
        'Cancel that run, or wait for it to finish; nothing was changed.',
    );
  }
  ctx.log.info(
    `unlock: ${verdict.why}; clearing what run ${run} left on environment ${ctx.config.environment}`,
  );
  const claimRemoved = await removeRunsClaim(ctx, report, run);
  const abandoned = await abandonRunsRelease(ctx, report, run, claimRemoved);
  if (!claimRemoved && abandoned === 0) {
    throw new Error(
      `unlock: run ${run} holds no claim on environment ${ctx.config.environment} and left no release without an outcome: nothing to clear. ` +
        'Check the run id the refusal printed.',
    );
  }
  report.result = 'unlocked';
}

/** Whether a claim's run id is the run `unlock` names (a run id without an attempt names every attempt). */
function namesRun(claimRunId: string, run: string): boolean {
  return claimRunId === run || (/^\d+$/.test(run) && claimRunId.startsWith(`${run}-`));
}

async function removeRunsClaim(ctx: StageContext, report: Report, run: string): Promise<boolean> {
  const key = `${CLAIM_PREFIX}${ctx.config.environment}`;
  const now = await readClaimTag(ctx, key);
  const standing = parseClaim(now.value);
  if (!standing || now.value === undefined || !namesRun(standing.runId, run)) {
    const held = standing ? `run ${standing.runId}'s` : 'not set';
    ctx.log.info(`unlock: the claim on environment ${ctx.config.environment} is ${held}: left as it is`);
    return false;
  }
  const removed = await removeClaimWhile(ctx, key, now.value);
  const note = removed
    ? `Removed run ${standing.runId}'s claim on environment ${ctx.config.environment} (it would have expired at ${new Date(standing.expiresAt).toISOString()}).`
    : `Run ${standing.runId}'s claim on environment ${ctx.config.environment} changed while unlocking: left as it is.`;
  ctx.log.info(`unlock: ${note}`);
  report.notes.push(note);
  return removed;
}

/** Whether a revision's record names `run`: a GitHub run by id (and attempt, when given); a local run records none. */
function recordsRun(r: ReleaseRevision, run: string, localClaimRemoved: boolean): boolean {
  const wanted = runOfClaimId(run);
  if (!wanted) return localClaimRemoved && r.runUrl === undefined;
  const recorded = runOfUrl(r.runUrl);
  if (!recorded || recorded.id !== wanted.id) return false;
  return (
    wanted.attempt === undefined || recorded.attempt === undefined || recorded.attempt === wanted.attempt
  );
}

/** That run's revisions without an outcome get `abandoned`; the count tagged. */
async function abandonRunsRelease(
  ctx: StageContext,
  report: Report,
  run: string,
  claimRemoved: boolean,
): Promise<number> {
  const { history } = await readHistory(ctx);
  const revisions = Object.values(history.byService)
    .flat()
    .filter((r) => r.outcome === undefined && recordsRun(r, run, claimRemoved));
  if (revisions.length === 0) {
    ctx.log.info(`unlock: no revision of run ${run} is without an outcome`);
    return 0;
  }
  const { tagged } = await tagOutcome(
    ctx,
    revisions.map((r) => r.arn),
    'abandoned',
  );
  const releases = [...new Set(revisions.map((r) => r.release))].join(', ');
  const note = `Release ${releases} of run ${run} never recorded an outcome: ${tagged.length} of its revisions now carry the outcome abandoned (previous and to: skip it).`;
  ctx.log.info(`unlock: ${note}`);
  report.notes.push(note);
  return tagged.length;
}
