/**
 * The way back of a run that has ended (docs/rollout.md, "Another run still in
 * progress"): a run cancelled in its bake issues its way back and removes its claim,
 * but ECS takes seconds to minutes to finish that deployment. The next queued run
 * starts at once, so instead of refusing it waits for deployments that ecs-release
 * made and that no live claim stands over, then preflight reads the settled state.
 *
 * Where the wait lives: here, a step `gather` runs before the parallel checks, so
 * every check (services, built-in wiring, unfinished releases) reads the services
 * once, after they settled; when nothing was in flight its one read is handed to
 * `checkServices`, and preflight costs no extra call. Read-only, like all of preflight.
 */
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  type Service,
  type Tag,
} from '@aws-sdk/client-ecs';
import { chunks } from '../aws/batch';
import { errorText } from '../aws/errors';
import { formatDuration } from '../config/duration';
import { POLL_MS, RESERVE, ReadBudget } from '../observe/read-budget';
import { claimKey, parseClaim, readClaimTag } from '../record/claim';
import { TAGS, tagValue } from '../record/release-record';
import { judgeClaimRun } from '../record/stale';
import type { StageContext } from '../runtime/context';
import { inFlight, primaryDeployment, serviceRefusals } from './service-checks';

/** What the settle step hands on to the service checks. */
export interface Settled {
  /** The services as read, when nothing had to settle: checkServices uses them instead of reading again. */
  services?: Map<string, Service>;
  /** How long this run waited for a deployment that did not finish within wait-timeout. */
  waitedMs?: number;
}

/** Waits for ecs-release's own deployments in flight whose run has ended; anything else is left to the checks. */
export async function settleOwnDeployments(ctx: StageContext): Promise<Settled> {
  if (ctx.config.command !== 'deploy' && ctx.config.command !== 'rollback') return {};
  const services = await describeConfigured(ctx).catch((error: unknown) => {
    // checkServices reads again and reports the failure with the other problems.
    if (ctx.signal.aborted) throw error;
    return undefined;
  });
  if (!services) return {};
  const busy = busyServices(ctx, services);
  if (busy.length === 0) return { services };
  const tags = await revisionTags(ctx, busy);
  const why = await whyNotWait(ctx, busy, tags);
  if (why) {
    ctx.log.debug(`preflight does not wait for the deployments in flight: ${why}`);
    return { services };
  }
  return waitForSettled(ctx, busy, tags);
}

/** The services ECS knows of `names` (every configured one by default), by name. */
async function describeConfigured(
  ctx: StageContext,
  names = ctx.config.services.map((s) => s.service),
): Promise<Map<string, Service>> {
  const byName = new Map<string, Service>();
  for (const batch of chunks(names, 10)) {
    const out = await ctx.aws.ecs.send(
      new DescribeServicesCommand({ cluster: ctx.config.cluster, services: batch }),
      { abortSignal: ctx.signal },
    );
    for (const s of out.services ?? []) if (s.serviceName) byName.set(s.serviceName, s);
  }
  return byName;
}

/** A service with deployments in flight that preflight would otherwise refuse. */
interface Busy {
  name: string;
  service: Service;
}

function busyServices(ctx: StageContext, services: Map<string, Service>): Busy[] {
  const busy: Busy[] = [];
  for (const { service: name } of ctx.config.services) {
    const service = services.get(name);
    // A service preflight refuses for itself (not found, another controller) is no reason to wait.
    if (service?.status !== 'ACTIVE' || serviceRefusals(name, service).length > 0) continue;
    if (inFlight(service).length > 0) busy.push({ name, service });
  }
  return busy;
}

/**
 * Why this run must not wait (it then refuses as before), or undefined: every in-flight
 * deployment's PRIMARY revision carries this environment's release record, and no live
 * claim of a run that may still be going stands on the environment.
 */
async function whyNotWait(
  ctx: StageContext,
  busy: Busy[],
  tags: Map<string, Tag[]>,
): Promise<string | undefined> {
  for (const b of busy) {
    const primary = primaryDeployment(b.service)?.taskDefinition;
    const own = tags.get(primary ?? '');
    if (!own || tagValue(own, TAGS.environment) !== ctx.config.environment || !tagValue(own, TAGS.release)) {
      return `${b.name}'s deployment in flight was not made by ecs-release for environment ${ctx.config.environment}`;
    }
  }
  try {
    const claim = parseClaim((await readClaimTag(ctx, claimKey(ctx.config.environment))).value);
    if (!claim || claim.expiresAt <= ctx.clock.now()) return undefined;
    const verdict = await judgeClaimRun(ctx, claim.runId);
    return verdict.stale ? undefined : `run ${claim.runId} holds a live claim (${verdict.why})`;
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    return `the claim could not be read (${errorText(error)})`;
  }
}

/** The tags of every in-flight deployment's revision, by ARN (one DescribeTaskDefinition per distinct revision). */
async function revisionTags(ctx: StageContext, busy: Busy[]): Promise<Map<string, Tag[]>> {
  const arns = new Set(busy.flatMap((b) => inFlight(b.service).map((d) => d.taskDefinition ?? '')));
  arns.delete('');
  const tags = new Map<string, Tag[]>();
  for (const arn of arns) {
    try {
      const out = await ctx.aws.ecs.send(
        new DescribeTaskDefinitionCommand({ taskDefinition: arn, include: ['TAGS'] }),
        { abortSignal: ctx.signal },
      );
      tags.set(arn, out.tags ?? []);
    } catch (error) {
      if (ctx.signal.aborted) throw error;
    }
  }
  return tags;
}

/** "the way back of run … / release …" when the service goes back from another release, else the release it moves to. */
function describeWait(b: Busy, tags: Map<string, Tag[]>): string {
  const moving = inFlight(b.service);
  const primary = primaryDeployment(b.service);
  const primaryTags = tags.get(primary?.taskDefinition ?? '') ?? [];
  const to = tagValue(primaryTags, TAGS.release);
  const left = moving
    .filter((d) => d !== primary)
    .map((d) => tags.get(d.taskDefinition ?? '') ?? [])
    .find((t) => tagValue(t, TAGS.release) && tagValue(t, TAGS.release) !== to);
  if (left) {
    const run = tagValue(left, TAGS.run);
    return `the way back of ${run ? `run ${run} / ` : ''}release ${tagValue(left, TAGS.release)} to release ${to}`;
  }
  const run = tagValue(primaryTags, TAGS.run);
  return `release ${to}${run ? ` of run ${run}` : ''}`;
}

/** Polls the busy services at the watch's cadence and read budget until none has a deployment in flight, or wait-timeout. */
async function waitForSettled(ctx: StageContext, busy: Busy[], tags: Map<string, Tag[]>): Promise<Settled> {
  for (const b of busy) {
    ctx.log.info(
      `waiting for ${b.name}'s deployment in flight (${describeWait(b, tags)}) to finish before preflight goes on`,
    );
  }
  const started = ctx.clock.now();
  const deadline = started + ctx.config.gate.waitTimeoutMs;
  const budget = new ReadBudget(ctx.clock);
  const primaries = new Map(busy.map((b) => [b.name, primaryDeployment(b.service)?.id]));
  let pending = busy.map((b) => b.name);
  while (pending.length > 0) {
    const wait = Math.min(POLL_MS, deadline - ctx.clock.now());
    if (wait <= 0) return { waitedMs: ctx.clock.now() - started };
    await ctx.clock.sleep(wait, ctx.signal);
    await budget.take(chunks(pending, 10).length, ctx.signal, RESERVE);
    let now: Map<string, Service>;
    try {
      now = await describeConfigured(ctx, pending);
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      ctx.log.warning(`DescribeServices failed (${errorText(error)}) while waiting; reading again`);
      continue;
    }
    const seen = pending.flatMap((name) => now.get(name) ?? []);
    // A new PRIMARY is a new deployment, not the one this run waits for: the checks judge it.
    if (seen.some((s) => primaryDeployment(s)?.id !== primaries.get(s.serviceName ?? ''))) return {};
    pending = seen.filter((s) => inFlight(s).length > 0).map((s) => s.serviceName ?? '');
  }
  ctx.log.info(
    `the deployments in flight finished after ${formatDuration(ctx.clock.now() - started)}; preflight goes on`,
  );
  return {};
}
