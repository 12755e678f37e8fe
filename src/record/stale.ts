/**
 * Stale claims and releases (docs/rollout.md, "One release at a time"): a claim, or a
 * release without an outcome, whose run is over must not lock the environment for the
 * claim's lifetime. Over means: an earlier attempt of this very run, or GitHub reports
 * the run completed (or re-run since). Anything else refuses, with the unlock command.
 */
import type { StageContext } from '../runtime/context';
import { CLAIM_PREFIX, ClaimLostError, parseClaim, readClaimTag, removeClaimWhile } from './claim';
import { type GithubFetch, type GithubRunsAccess, githubRunState } from './github';
import { claimRefusal } from './refusal';
import { judgeRun, type RunRef, runOfClaimId, runOfUrl, type Verdict } from './run-status';

export interface StaleOptions {
  /** GitHub's fetch (tests); @actions/github's own by default. */
  fetch?: GithubFetch;
}

/** This repository's runs API with the run's token, when this run has both. */
function runsAccess(config: StageContext['config']): GithubRunsAccess | undefined {
  if (!config.githubToken || !config.github) return undefined;
  return { token: config.githubToken, ...config.github };
}

/** Whether a GitHub run of `repository` (this one when undefined) is over; GitHub asked only when it can decide. */
async function judge(
  ctx: StageContext,
  run: RunRef,
  repository: string | undefined,
  options: StaleOptions,
): Promise<Verdict> {
  const early = judgeRun(run, ctx.config.githubRun, undefined);
  if (early.stale) return early;
  const access = runsAccess(ctx.config);
  if (!access) return judgeRun(run, ctx.config.githubRun, { unknown: 'no GitHub token or repository' });
  const [owner = access.owner, repo = access.repo] = repository?.split('/') ?? [];
  const state = await githubRunState(ctx, { ...access, owner, repo }, run.id, options);
  return judgeRun(run, ctx.config.githubRun, state);
}

/** Whether the run a claim names is over (a local run's claim: cannot tell). */
export async function judgeClaimRun(
  ctx: StageContext,
  runId: string,
  options: StaleOptions = {},
): Promise<Verdict> {
  const run = runOfClaimId(runId);
  if (!run)
    return {
      stale: false,
      why: `cannot tell whether run ${runId} (not a GitHub run) still runs`,
      cannotTell: true,
    };
  return judge(ctx, run, undefined, options);
}

/** Whether the run a release record names (`ecs-release:run`) is over; a run on another GitHub server: cannot tell. */
export async function judgeRecordRun(
  ctx: StageContext,
  runUrl: string | undefined,
  options: StaleOptions = {},
): Promise<Verdict> {
  const run = runOfUrl(runUrl);
  const mine = runOfUrl(ctx.config.runUrl);
  if (!run)
    return {
      stale: false,
      why: 'cannot tell whether its run still runs (no GitHub run recorded)',
      cannotTell: true,
    };
  if (mine && mine.server !== run.server) {
    return {
      stale: false,
      why: `cannot tell whether run ${run.id} on ${run.server} still runs`,
      cannotTell: true,
    };
  }
  return judge(ctx, run, run.repository, options);
}

/**
 * Before claiming: a live claim of another run whose run is over is removed (read, then
 * UntagResource while it is still that claim), and the note saying so is returned for
 * the log and the summary; a claim whose run may still be going refuses this run.
 */
export async function clearStaleClaim(
  ctx: StageContext,
  options: StaleOptions = {},
): Promise<string | undefined> {
  const key = `${CLAIM_PREFIX}${ctx.config.environment}`;
  const before = await readClaimTag(ctx, key);
  const standing = parseClaim(before.value);
  if (!standing || standing.expiresAt <= ctx.clock.now() || before.value === undefined) return undefined;
  const verdict = await judgeClaimRun(ctx, standing.runId, options);
  if (!verdict.stale) throw new ClaimLostError(claimRefusal(ctx.config, standing, verdict.why));
  const removed = await removeClaimWhile(ctx, key, before.value);
  if (!removed) return undefined;
  const note = `Cleared the stale claim of run ${standing.runId} on environment ${ctx.config.environment}: ${verdict.why}.`;
  ctx.log.warning(note);
  return note;
}
