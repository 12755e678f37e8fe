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
import { checkSmoke, type FetchLike } from './smoke';

export interface GateInput {
  /** The gate alarms preflight resolved (names plus the prefix's matches). */
  alarms: string[];
}

export interface GateDeps {
  /** Global fetch by default; tests may pass their own. */
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
  const fetchFn: FetchLike = deps.fetch ?? ((url, init) => fetch(url, init));
  const { bakeTimeMs, smokeUrl } = ctx.config.gate;
  const names = [...new Set(input.alarms)];
  const start = ctx.clock.now();
  const end = start + bakeTimeMs;

  if (names.length === 0 && !smokeUrl) {
    ctx.log.info('gate: no alarms and no smoke URL configured: nothing to watch, the bake is skipped');
    return { ok: true, alarms: [] };
  }
  ctx.log.info(`gate: baking for ${formatDuration(bakeTimeMs)}: ${describeWatch(names.length, smokeUrl)}`);

  let alarms: AlarmStatus[] = names.map((name) => ({ name, state: 'UNKNOWN' }));
  const reported = new Map<string, string>();
  const missingReported = new Set<string>();
  let smoke: SmokeState = initialSmoke();
  let nextAlarmAt = names.length > 0 ? start : Number.POSITIVE_INFINITY;
  let nextSmokeAt = smokeUrl ? start : Number.POSITIVE_INFINITY;
  let nextProgressAt = start + PROGRESS_EVERY_MS;
  let alarmsReadAfterEnd = names.length === 0;

  const result = (ok: boolean, reason?: string): GateResult => ({
    ok,
    alarms: alarms.map((a) => ({ name: a.name, state: a.state })),
    ...(reason !== undefined ? { reason } : {}),
  });

  for (;;) {
    const now = ctx.clock.now();
    if (now >= nextAlarmAt) {
      const read = await readAlarms(ctx.aws.cloudwatch, names, ctx.signal);
      const seenAt = ctx.clock.now();
      alarms = mergeAlarms(names, read);
      for (const name of names) {
        if (read.some((a) => a.name === name) || missingReported.has(name)) continue;
        missingReported.add(name);
        ctx.log.warning(`gate: alarm ${name} no longer exists in CloudWatch; it is not watched any more`);
      }
      for (const a of read) {
        const before = reported.get(a.name);
        if (before !== undefined && before !== a.state)
          ctx.log.info(`gate: alarm ${a.name} ${before} → ${a.state}`);
        reported.set(a.name, a.state);
      }
      const firing = firingAlarm(read);
      if (firing) {
        const reason = alarmFailure(firing, start, seenAt, bakeTimeMs);
        ctx.log.error(`gate: ${reason}`);
        return result(false, reason);
      }
      if (seenAt >= end) alarmsReadAfterEnd = true;
      nextAlarmAt = seenAt < end ? Math.min(seenAt + ALARM_POLL_MS, end) : Number.POSITIVE_INFINITY;
    }
    if (smokeUrl && ctx.clock.now() >= nextSmokeAt) {
      const check = await checkSmoke(
        smokeUrl,
        fetchFn,
        deps.smokeTimeoutMs ?? SMOKE.requestTimeoutMs,
        ctx.signal,
      );
      const wasPassing = smoke.passedOnce;
      const after = afterSmokeCheck(smoke, check, smokeUrl);
      smoke = after.state;
      if (after.verdict.kind === 'fail') {
        ctx.log.error(`gate: ${after.verdict.reason}`);
        return result(false, after.verdict.reason);
      }
      if (!wasPassing && smoke.passedOnce) {
        ctx.log.info(`gate: smoke check ${smokeUrl} answered ${check.detail}`);
      } else if (!check.ok) {
        ctx.log.warning(`gate: smoke check ${smokeUrl}: ${check.detail}`);
      }
      nextSmokeAt = ctx.clock.now() + after.verdict.nextInMs;
    }

    const t = ctx.clock.now();
    const startupDone = !smokeUrl || smoke.passedOnce;
    if (t >= end && startupDone && alarmsReadAfterEnd) break;
    if (t >= nextProgressAt && t < end) {
      ctx.log.info(
        `gate: ${formatDuration(t - start)} of ${formatDuration(bakeTimeMs)}: ${progress(alarms, smoke)}`,
      );
      nextProgressAt += PROGRESS_EVERY_MS;
    }
    // After the bake only an unfinished startup smoke check is still waited for.
    const wakes = [nextAlarmAt];
    if (t < end) wakes.push(end, nextSmokeAt);
    else if (!startupDone) wakes.push(nextSmokeAt);
    const until = Math.min(...wakes);
    await ctx.clock.sleep(Math.max(0, until - t), ctx.signal);
  }

  ctx.log.info(`gate: passed: ${progress(alarms, smoke)} through the ${formatDuration(bakeTimeMs)} bake`);
  return result(true);
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
