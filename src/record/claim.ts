/**
 * One release at a time per environment: a claim tag on the cluster,
 * `ecs-release:claim:<environment>` = `<run id> <expiry>`. Tags have no
 * compare-and-set, so a run writes its claim, pauses, and reads it back: of two
 * runs that claim at once the later write wins and the earlier stops before it
 * changes anything. Every later mutation re-checks that the claim is still its own.
 */
import { DescribeClustersCommand, TagResourceCommand, UntagResourceCommand } from '@aws-sdk/client-ecs';
import { errorText } from '../aws/errors';
import { untilAccepted } from '../aws/retry';
import type { StageContext } from '../runtime/context';
import { claimRefusal } from './refusal';
import { tagValue } from './release-record';

export const CLAIM_PREFIX = 'ecs-release:claim:';

/** Long enough for another run's read-then-write to land between our write and our read-back. */
export const CLAIM_PAUSE_MS = 2_000;

export interface Claim {
  clusterArn: string;
  key: string;
  /** `<run id> <expiry>`: what the cluster tag holds while the claim is ours. */
  value: string;
  runId: string;
}

/** The claim is someone else's (or gone): this run must not change anything more. */
export class ClaimLostError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClaimLostError';
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
  const key = `${CLAIM_PREFIX}${ctx.config.environment}`;
  const before = await readClaimTag(ctx, key);
  const standing = parseClaim(before.value);
  // A standing claim with this run's own id is another job of the same run attempt.
  if (standing && standing.expiresAt > ctx.clock.now()) {
    throw new ClaimLostError(claimRefusal(ctx.config, standing, undefined));
  }
  const value = `${runId} ${new Date(ctx.clock.now() + lifetimeMs).toISOString()}`;
  await ctx.aws.ecs.send(new TagResourceCommand({ resourceArn: before.clusterArn, tags: [{ key, value }] }), {
    abortSignal: ctx.signal,
  });
  await ctx.clock.sleep(CLAIM_PAUSE_MS, ctx.signal);
  const claim: Claim = { clusterArn: before.clusterArn, key, value, runId };
  await checkClaim(ctx, claim, 'anything');
  ctx.log.info(`claimed environment ${ctx.config.environment} as run ${runId}`);
  return claim;
}

/** Before a mutation: the claim must still be this run's. */
export async function checkClaim(ctx: StageContext, claim: Claim, before: string): Promise<void> {
  const now = await readClaimTag(ctx, claim.key);
  if (now.value === claim.value) return;
  const other = parseClaim(now.value);
  throw new ClaimLostError(
    `environment ${ctx.config.environment} was claimed by ${other ? describeOther(other) : 'nobody (the claim tag is gone)'} ` +
      `while this run held it: this run stopped before changing ${before}.`,
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
