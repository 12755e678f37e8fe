/**
 * One release at a time per environment: a claim tag on the cluster,
 * `ecs-release:claim:<environment>` = `<run id> <expiry>`. Tags have no
 * compare-and-set, so a run writes its claim, pauses, and reads it back: of two
 * runs that claim at once the later write wins and the earlier stops before it
 * changes anything. Every later mutation re-checks that the claim is still its own.
 */
import { DescribeClustersCommand, TagResourceCommand, UntagResourceCommand } from '@aws-sdk/client-ecs';
import { isThrottledAwsError } from '../aws/classify';
import { errorText } from '../aws/errors';
import { sendOnce } from '../aws/once';
import { jittered, untilAccepted } from '../aws/retry';
import type { StageContext } from '../runtime/context';
import { claimRefusal } from './refusal';
import { tagValue } from './release-record';

export const CLAIM_PREFIX = 'ecs-release:claim:';

/** Long enough for another run's read-then-write to land between our write and our read-back. */
export const CLAIM_PAUSE_MS = 2_000;

/**
 * The claim write's one attempt: shorter than the pause, so a write that answers at all
 * landed before this run's read-back; one that does not answer in time is not a claim
 * (docs/rollout.md).
 */
export const CLAIM_WRITE_TIMEOUT_MS = CLAIM_PAUSE_MS / 2;

export interface Claim {
  clusterArn: string;
  key: string;
  /** `<run id> <expiry>`: what the cluster tag holds while the claim is ours. */
  value: string;
  runId: string;
}

/** The claim is someone else's (or gone): this run must not change anything more. */
export class ClaimLostError extends Error {
  /** Who holds the claim now, as the report names it (`run <id> (its claim expires at …)`), when known. */
  readonly by: string | undefined;
  constructor(message: string, by?: string) {
    super(message);
    this.name = 'ClaimLostError';
    this.by = by;
  }
}

/** The claim write failed or timed out: this run never held the claim and changed nothing. */
export class ClaimNotWrittenError extends ClaimLostError {
  /** AWS throttled the write: refused before it acted, so the tag surely did not land. */
  readonly throttled: boolean;
  constructor(message: string, throttled = false) {
    super(message);
    this.name = 'ClaimNotWrittenError';
    this.throttled = throttled;
  }
}

export interface ParsedClaim {
  runId: string;
  expiresAt: number;
}

export function parseClaim(value: string | undefined): ParsedClaim | undefined {
  const [runId, expiry] = (value ?? '').split(' ');
  const expiresAt = Date.parse(expiry ?? '');
  return runId && Number.isFinite(expiresAt) ? { runId, expiresAt } : undefined;
}

export function claimKey(environment: string): string {
  return `${CLAIM_PREFIX}${environment}`;
}

/**
 * The claim tag now. `{ signal: undefined }` for the reads that must happen on
 * cancellation too (an object, not a bare parameter: a default would replace undefined).
 */
export async function readClaimTag(
  ctx: StageContext,
  key: string,
  { signal }: { signal: AbortSignal | undefined } = { signal: ctx.signal },
): Promise<{ clusterArn: string; value?: string }> {
  const out = await ctx.aws.ecs.send(
    new DescribeClustersCommand({ clusters: [ctx.config.cluster], include: ['TAGS'] }),
    signal ? { abortSignal: signal } : {},
  );
  const cluster = out.clusters?.[0];
  if (!cluster?.clusterArn) throw new Error(`cluster ${ctx.config.cluster} not found while claiming it`);
  const value = tagValue(cluster.tags, key);
  return { clusterArn: cluster.clusterArn, ...(value !== undefined ? { value } : {}) };
}

export function describeOther(other: ParsedClaim): string {
  return `run ${other.runId} (its claim expires at ${new Date(other.expiresAt).toISOString()})`;
}

/**
 * Claims the environment for `lifetimeMs` or throws: refused while another live
 * claim stands, lost when another run's claim landed after ours.
 */
export async function claimEnvironment(ctx: StageContext, runId: string, lifetimeMs: number): Promise<Claim> {
  for (const pauseMs of THROTTLED_CLAIM_PAUSES_MS) {
    try {
      return await claimOnce(ctx, runId, lifetimeMs);
    } catch (error) {
      if (!(error instanceof ClaimNotWrittenError && error.throttled)) throw error;
      // AWS refused the write before acting on it, so nothing landed: claim again from a
      // fresh read (another run may have claimed meanwhile), after a jittered pause.
      const ms = jittered(pauseMs);
      ctx.log.warning(
        `claim: the claim tag write was throttled; claiming again in ${(ms / 1000).toFixed(1)}s`,
      );
      await ctx.clock.sleep(ms, ctx.signal);
    }
  }
  return claimOnce(ctx, runId, lifetimeMs);
}

/** Pauses before claiming again after a throttled write (at most 7 s in all, each jittered). */
const THROTTLED_CLAIM_PAUSES_MS = [1_000, 2_000, 4_000] as const;

async function claimOnce(ctx: StageContext, runId: string, lifetimeMs: number): Promise<Claim> {
  const key = `${CLAIM_PREFIX}${ctx.config.environment}`;
  const before = await readClaimTag(ctx, key);
  const standing = parseClaim(before.value);
  // A standing claim with this run's own id is another job of the same run attempt.
  if (standing && standing.expiresAt > ctx.clock.now()) {
    throw new ClaimLostError(claimRefusal(ctx.config, standing, undefined));
  }
  const value = `${runId} ${new Date(ctx.clock.now() + lifetimeMs).toISOString()}`;
  const claim: Claim = { clusterArn: before.clusterArn, key, value, runId };
  try {
    await writeClaim(ctx, claim);
    await ctx.clock.sleep(CLAIM_PAUSE_MS, ctx.signal);
    await checkClaim(ctx, claim, 'anything');
  } catch (error) {
    // Cancelled in the pause, or a write that failed but may have landed: the tag must not
    // outlive this run (releaseClaim removes it only while it still holds this run's value).
    await releaseClaim(ctx, claim);
    throw error;
  }
  ctx.log.info(`claimed environment ${ctx.config.environment} as run ${runId}`);
  return claim;
}

/**
 * One attempt, answered within CLAIM_WRITE_TIMEOUT_MS, or no claim: the SDK's retries
 * could land the tag after another run's read-back, and then both would go on.
 */
async function writeClaim(ctx: StageContext, claim: Claim): Promise<void> {
  const tags = [{ key: claim.key, value: claim.value }];
  try {
    await sendOnce(
      new TagResourceCommand({ resourceArn: claim.clusterArn, tags }),
      (command, abortSignal) => ctx.aws.ecs.send(command, { abortSignal }),
      { clock: ctx.clock, timeoutMs: CLAIM_WRITE_TIMEOUT_MS, signal: ctx.signal },
    );
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    // A slow write may have landed after all: it is not a claim this run can trust, and
    // claimEnvironment removes it.
    throw new ClaimNotWrittenError(
      `could not claim environment ${ctx.config.environment}: the claim tag write failed (${errorText(error)}). ` +
        `The write gets one attempt of at most ${CLAIM_WRITE_TIMEOUT_MS / 1000} s, because a late one could land after ` +
        "another run's check and let both go on: nothing was changed. Run again.",
      isThrottledAwsError(error),
    );
  }
}

/** Before a mutation: the claim must still be this run's. */
export async function checkClaim(ctx: StageContext, claim: Claim, before: string): Promise<void> {
  const now = await readClaimTag(ctx, claim.key);
  if (now.value === claim.value) return;
  const other = parseClaim(now.value);
  const by = other ? describeOther(other) : 'nobody (the claim tag is gone)';
  throw new ClaimLostError(
    `environment ${ctx.config.environment} was claimed by ${by} while this run held it: this run stopped before changing ${before}.`,
    by,
  );
}

/**
 * Removes the claim at the end of the run, only if it is still ours; never throws (it
 * expires anyway). Runs on every way out, cancellation included: no abort signal, and
 * retried like the way back's calls.
 */
export async function releaseClaim(ctx: StageContext, claim: Claim | undefined): Promise<void> {
  if (!claim) return;
  try {
    await removeClaimWhile(ctx, claim.key, claim.value);
  } catch (error) {
    ctx.log.warning(
      `could not remove the claim ${claim.key} from the cluster (${errorText(error)}); it expires on its own, or remove it: ` +
        `aws ecs untag-resource --region ${ctx.config.region} --resource-arn ${claim.clusterArn} --tag-keys ${claim.key}`,
    );
  }
}

/**
 * Removes the claim tag while it still holds `value` (a read, then UntagResource): the
 * claim of a run that ended, never one another run wrote since. Not tied to the run's
 * signal, each call retried while it fails transiently. True when it removed it.
 */
export async function removeClaimWhile(ctx: StageContext, key: string, value: string): Promise<boolean> {
  const retry = (what: string) => (error: unknown, delay: number) =>
    ctx.log.warning(`claim: ${what} failed (${errorText(error)}); trying again in ${delay / 1000}s`);
  const now = await untilAccepted(
    ctx,
    () => readClaimTag(ctx, key, { signal: undefined }),
    retry('reading the claim'),
  );
  if (now.value !== value) return false;
  await untilAccepted(
    ctx,
    () => ctx.aws.ecs.send(new UntagResourceCommand({ resourceArn: now.clusterArn, tagKeys: [key] })),
    retry('removing the claim'),
  );
  return true;
}
