import { formatDuration } from '../config/duration';
import type { GateResult } from '../model/contracts';
import type { StageContext } from '../runtime/context';
import { readAlarms } from './alarms';
import {
  ALARM_POLL_MS,
  type AlarmStatus,
  afterSmokeCheck,
  alarmFailure,
  firingAlarm,
  initialSmoke,
  PROGRESS_EVERY_MS,
  SMOKE,
  type SmokeState,
} from './decide';
import { checkSmoke, type FetchLike, guardedFetch } from './smoke';

export interface GateInput {
  /** The gate alarms preflight resolved (names plus the prefix's matches). */
  alarms: string[];
}

export interface GateDeps {
  /** guardedFetch() by default (no redirects, no link-local addresses); tests may pass their own. */
  fetch?: FetchLike;
  /** Per-request timeout of the smoke check (default 10 s). */
  smokeTimeoutMs?: number;
}

/**
 * The bake: from now (the rollout has completed) for `config.gate.bakeTimeMs`, read
 * the gate alarms every 10 s and check the smoke URL (up to five tries 5 s apart
 * until the first 2xx, then every 15 s). Fails at once on any alarm in ALARM, when
 * the URL never answers 2xx, or on three smoke failures in a row. Never throws for
 * a failed gate: only cancellation (the context's signal) and AWS errors that the
 * SDK's retries could not get past are thrown.
 */
export async function runGate(ctx: StageContext, input: GateInput, deps: GateDeps = {}): Promise<GateResult> {
  const { bakeTimeMs, smokeUrl } = ctx.config.gate;
  const names = [...new Set(input.alarms)];
  if (names.length === 0 && !smokeUrl) {
    ctx.log.info('gate: no alarms and no smoke URL configured: nothing to watch, the bake is skipped');
    return { ok: true, alarms: [] };
  }
  ctx.log.info(`gate: baking for ${formatDuration(bakeTimeMs)}: ${describeWatch(names.length, smokeUrl)}`);
  const bake = newBake(ctx, names, deps);
  const result = (ok: boolean, reason?: string): GateResult => ({
    ok,
    alarms: bake.alarms.map((a) => ({ name: a.name, state: a.state })),
    ...(reason !== undefined ? { reason } : {}),
  });

  for (;;) {
    const failure =
      (ctx.clock.now() >= bake.nextAlarmAt ? await readAlarmsOnce(ctx, bake) : undefined) ??
      (bake.smokeUrl && ctx.clock.now() >= bake.nextSmokeAt ? await checkSmokeOnce(ctx, bake) : undefined);
    if (failure !== undefined) return result(false, failure);
    if (await bakeOver(ctx, bake)) break;
  }
  ctx.log.info(
    `gate: passed: ${progress(bake.alarms, bake.smoke)} through the ${formatDuration(bakeTimeMs)} bake`,
  );
  return result(true);
}

/** Where one bake stands: what was read last and when each read is due next. */
interface Bake {
  names: string[];
  smokeUrl: string | undefined;
  fetch: FetchLike;
  smokeTimeoutMs: number;
  start: number;
  end: number;
  alarms: AlarmStatus[];
  /** The state last logged, by alarm: a change is logged once. */
  reported: Map<string, string>;
  missingReported: Set<string>;
  smoke: SmokeState;
  nextAlarmAt: number;
  nextSmokeAt: number;
  nextProgressAt: number;
  alarmsReadAfterEnd: boolean;
}

function newBake(ctx: StageContext, names: string[], deps: GateDeps): Bake {
  const { bakeTimeMs, smokeUrl } = ctx.config.gate;
  const start = ctx.clock.now();
  return {
    names,
    smokeUrl,
    fetch: deps.fetch ?? guardedFetch(),
    smokeTimeoutMs: deps.smokeTimeoutMs ?? SMOKE.requestTimeoutMs,
    start,
    end: start + bakeTimeMs,
    alarms: names.map((name) => ({ name, state: 'UNKNOWN' })),
    reported: new Map(),
    missingReported: new Set(),
    smoke: initialSmoke(),
    nextAlarmAt: names.length > 0 ? start : Number.POSITIVE_INFINITY,
    nextSmokeAt: smokeUrl ? start : Number.POSITIVE_INFINITY,
    nextProgressAt: start + PROGRESS_EVERY_MS,
    alarmsReadAfterEnd: names.length === 0,
  };
}

/** One read of the gate alarms: logs what changed; the failure when one is in ALARM. */
async function readAlarmsOnce(ctx: StageContext, bake: Bake): Promise<string | undefined> {
  const { names, end } = bake;
  const read = await readAlarms(ctx.aws.cloudwatch, names, ctx.signal);
  const seenAt = ctx.clock.now();
  bake.alarms = mergeAlarms(names, read);
  for (const name of names) {
    if (read.some((a) => a.name === name) || bake.missingReported.has(name)) continue;
    bake.missingReported.add(name);
    ctx.log.warning(`gate: alarm ${name} no longer exists in CloudWatch; it is not watched any more`);
  }
  for (const a of read) {
    const before = bake.reported.get(a.name);
    if (before !== undefined && before !== a.state)
      ctx.log.info(`gate: alarm ${a.name} ${before} → ${a.state}`);
    bake.reported.set(a.name, a.state);
  }
  const firing = firingAlarm(read);
  if (firing) {
    const reason = alarmFailure(firing, bake.start, seenAt, ctx.config.gate.bakeTimeMs);
    ctx.log.error(`gate: ${reason}`);
    return reason;
  }
  if (seenAt >= end) bake.alarmsReadAfterEnd = true;
  bake.nextAlarmAt = seenAt < end ? Math.min(seenAt + ALARM_POLL_MS, end) : Number.POSITIVE_INFINITY;
  return undefined;
}

/** One smoke check: logs its answer when it matters; the failure when the gate fails on it. */
async function checkSmokeOnce(ctx: StageContext, bake: Bake): Promise<string | undefined> {
  const smokeUrl = bake.smokeUrl ?? '';
  const check = await checkSmoke(smokeUrl, bake.fetch, bake.smokeTimeoutMs, ctx.signal);
  const wasPassing = bake.smoke.passedOnce;
  const after = afterSmokeCheck(bake.smoke, check, smokeUrl);
  bake.smoke = after.state;
  if (after.verdict.kind === 'fail') {
    ctx.log.error(`gate: ${after.verdict.reason}`);
    return after.verdict.reason;
  }
  if (!wasPassing && bake.smoke.passedOnce) {
    ctx.log.info(`gate: smoke check ${smokeUrl} answered ${check.detail}`);
  } else if (!check.ok) {
    ctx.log.warning(`gate: smoke check ${smokeUrl}: ${check.detail}`);
  }
  bake.nextSmokeAt = ctx.clock.now() + after.verdict.nextInMs;
  return undefined;
}

/** True when the bake has passed; else logs progress when due and sleeps until the next read. */
async function bakeOver(ctx: StageContext, bake: Bake): Promise<boolean> {
  const { end, start } = bake;
  const t = ctx.clock.now();
  const startupDone = !bake.smokeUrl || bake.smoke.passedOnce;
  if (t >= end && startupDone && bake.alarmsReadAfterEnd) return true;
  if (t >= bake.nextProgressAt && t < end) {
    ctx.log.info(
      `gate: ${formatDuration(t - start)} of ${formatDuration(ctx.config.gate.bakeTimeMs)}: ${progress(bake.alarms, bake.smoke)}`,
    );
    bake.nextProgressAt += PROGRESS_EVERY_MS;
  }
  // After the bake only an unfinished startup smoke check is still waited for.
  const wakes = [bake.nextAlarmAt];
  if (t < end) wakes.push(end, bake.nextSmokeAt);
  else if (!startupDone) wakes.push(bake.nextSmokeAt);
  const until = Math.min(...wakes);
  await ctx.clock.sleep(Math.max(0, until - t), ctx.signal);
  return false;
}

function describeWatch(alarmCount: number, smokeUrl: string | undefined): string {
  const parts: string[] = [];
  if (alarmCount > 0) parts.push(`${alarmCount} alarm${alarmCount === 1 ? '' : 's'}`);
  if (smokeUrl) parts.push(`smoke check ${smokeUrl}`);
  return parts.join(' and ');
}

function mergeAlarms(names: string[], read: AlarmStatus[]): AlarmStatus[] {
  return names.map((name) => read.find((a) => a.name === name) ?? { name, state: 'MISSING' });
}

function progress(alarms: AlarmStatus[], smoke: SmokeState): string {
  const parts: string[] = [];
  if (alarms.length > 0) {
    const counts = new Map<string, number>();
    for (const a of alarms) counts.set(a.state, (counts.get(a.state) ?? 0) + 1);
    parts.push(`alarms ${[...counts].map(([state, n]) => `${n} ${state}`).join(', ')}`);
  }
  if (smoke.checks > 0) parts.push(`smoke check ${smoke.lastDetail ?? '?'} (${smoke.checks} checks)`);
  return parts.join('; ');
}
