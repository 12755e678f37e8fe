/**
 * The checks a built-in strategy runs on its own before the release's gate: the gate
 * alarms once at each production traffic step (LINEAR/CANARY), and the smoke check
 * against green's test traffic (`smoke-test-url`) before production moves.
 */
import { formatDuration } from '../config/duration';
import { type GateDeps, SMOKE } from '../gate';
import { readAlarms } from '../gate/alarms';
import { firingAlarm } from '../gate/decide';
import { checkSmoke, type FetchLike, guardedFetch } from '../gate/smoke';
import type { GateResult } from '../model/contracts';
import type { StageContext } from '../runtime/context';
import type { StepChecks } from './strategy';

export function stepChecks(ctx: StageContext, alarms: string[], deps: GateDeps = {}): StepChecks {
  const fetchFn: FetchLike = deps.fetch ?? guardedFetch();
  const url = ctx.config.gate.smokeTestUrl;
  return {
    alarms: () => alarmsNow(ctx, alarms),
    ...(url && { testTraffic: () => testTrafficCheck(ctx, url, fetchFn, deps.smokeTimeoutMs) }),
  };
}

async function alarmsNow(ctx: StageContext, names: string[]): Promise<GateResult> {
  if (names.length === 0) return { ok: true, alarms: [] };
  const states = await readAlarms(ctx.aws.cloudwatch, [...new Set(names)], ctx.signal);
  const alarms = states.map((a) => ({ name: a.name, state: a.state }));
  const firing = firingAlarm(states);
  return firing
    ? {
        ok: false,
        alarms,
        reason: `alarm ${firing.name} is in ALARM${firing.reason ? `: ${firing.reason}` : ''}`,
      }
    : { ok: true, alarms };
}

/** Up to SMOKE.startupTries GETs, SMOKE.startupIntervalMs apart, until one answers 2xx. */
async function testTrafficCheck(
  ctx: StageContext,
  url: string,
  fetchFn: FetchLike,
  timeoutMs: number = SMOKE.requestTimeoutMs,
): Promise<GateResult> {
  let last = '';
  for (let tries = 1; tries <= SMOKE.startupTries; tries++) {
    const check = await checkSmoke(url, fetchFn, timeoutMs, ctx.signal);
    ctx.log.info(`test traffic smoke check ${url}: ${check.detail}`);
    if (check.ok) return { ok: true, alarms: [] };
    last = check.detail;
    if (tries < SMOKE.startupTries) await ctx.clock.sleep(SMOKE.startupIntervalMs, ctx.signal);
  }
  return {
    ok: false,
    alarms: [],
    reason: `test traffic smoke check ${url} never answered 2xx: ${SMOKE.startupTries} tries ${formatDuration(SMOKE.startupIntervalMs)} apart, the last one ${last}`,
  };
}
