/**
 * The gate's decisions, free of I/O: which alarm fails the bake, and what a smoke
 * check's answer means for the next one. The loop in gate.ts only fetches and sleeps.
 */
import { formatDuration } from '../config/duration';

export const SMOKE = {
  /** Tries when the rollout completes, until the first 2xx. */
  startupTries: 5,
  startupIntervalMs: 5_000,
  /** Once the URL has answered 2xx. */
  intervalMs: 15_000,
  failuresInARow: 3,
  requestTimeoutMs: 10_000,
} as const;

/** How often the alarms are read during the bake. */
export const ALARM_POLL_MS = 10_000;
/** How often the bake logs its progress. */
export const PROGRESS_EVERY_MS = 60_000;

export interface AlarmStatus {
  name: string;
  state: string;
  reason?: string;
  /** When the alarm entered its state (epoch ms), when CloudWatch said. */
  since?: number;
}

/** The first alarm in ALARM, in the order given. INSUFFICIENT_DATA is not a failure. */
export function firingAlarm(alarms: AlarmStatus[]): AlarmStatus | undefined {
  return alarms.find((a) => a.state === 'ALARM');
}

/** `2m10s into the 5m bake`: when it fired if CloudWatch says so and it is within the bake, else when we saw it. */
export function bakeOffset(alarm: AlarmStatus, bakeStart: number, seenAt: number, bakeMs: number): string {
  const at =
    alarm.since !== undefined && alarm.since >= bakeStart && alarm.since <= seenAt ? alarm.since : seenAt;
  return `${formatDuration(at - bakeStart)} into the ${formatDuration(bakeMs)} bake`;
}

export function alarmFailure(alarm: AlarmStatus, bakeStart: number, seenAt: number, bakeMs: number): string {
  const reason = alarm.reason ? `: ${alarm.reason}` : '';
  return `alarm ${alarm.name} went into ALARM ${bakeOffset(alarm, bakeStart, seenAt, bakeMs)}${reason}`;
}

export interface SmokeCheck {
  ok: boolean;
  /** `HTTP 200`, `HTTP 503`, `no answer within 10s`, `connection refused`… */
  detail: string;
  /** A 3xx answer: its status and where it points (absolute, printable). */
  redirect?: { status: number; location: string };
  /** Never sent: the host is or resolves to a link-local or metadata address. */
  refused?: boolean;
  /** Over https: the certificate the server presented (names, NotAfter in epoch ms). */
  certificate?: { names: string[]; notAfter: number };
}

export interface SmokeState {
  passedOnce: boolean;
  /** Tries before the first 2xx. */
  startupTries: number;
  failuresInARow: number;
  checks: number;
  lastDetail?: string;
}

export const initialSmoke = (): SmokeState => ({
  passedOnce: false,
  startupTries: 0,
  failuresInARow: 0,
  checks: 0,
});

export type SmokeVerdict = { kind: 'continue'; nextInMs: number } | { kind: 'fail'; reason: string };

/** What one smoke check's answer means: the next check's delay, or the gate's failure. */
export function afterSmokeCheck(
  state: SmokeState,
  check: SmokeCheck,
  url: string,
): { state: SmokeState; verdict: SmokeVerdict } {
  const next: SmokeState = { ...state, checks: state.checks + 1, lastDetail: check.detail };
  if (!state.passedOnce) {
    next.startupTries = state.startupTries + 1;
    if (check.ok) {
      next.passedOnce = true;
      return { state: next, verdict: { kind: 'continue', nextInMs: SMOKE.intervalMs } };
    }
    if (next.startupTries >= SMOKE.startupTries) {
      const reason =
        `smoke check ${url} never answered 2xx after the rollout: ${SMOKE.startupTries} tries ` +
        `${formatDuration(SMOKE.startupIntervalMs)} apart, the last one ${check.detail}`;
      return { state: next, verdict: { kind: 'fail', reason } };
    }
    return { state: next, verdict: { kind: 'continue', nextInMs: SMOKE.startupIntervalMs } };
  }
  next.failuresInARow = check.ok ? 0 : state.failuresInARow + 1;
  if (next.failuresInARow >= SMOKE.failuresInARow) {
    const reason = `smoke check ${url} failed ${SMOKE.failuresInARow} times in a row (every ${formatDuration(SMOKE.intervalMs)}), the last one ${check.detail}`;
    return { state: next, verdict: { kind: 'fail', reason } };
  }
  return { state: next, verdict: { kind: 'continue', nextInMs: SMOKE.intervalMs } };
}
