/** The way back's retries: which failures are worth another call (classify.ts decides), the pauses, and the loop. */
import { isTransientAwsError } from './classify';

export { isTransientAwsError };

/**
 * Pauses between whole calls when a rollback's UpdateService (or another call that must be
 * made) keeps failing transiently: at most 90 s of pauses in all, because a rollback that
 * gives up leaves services on different releases. Each pause is drawn from its upper half
 * (jitter), so runs that failed together do not all call again in the same second.
 */
export const ROLLBACK_RETRY_DELAYS_MS = [2_000, 4_000, 8_000, 16_000, 30_000, 30_000] as const;

/** A pause between `delay / 2` and `delay` ("equal jitter"); `random` is injectable for tests. */
export function jittered(delay: number, random: () => number = Math.random): number {
  return Math.round(delay / 2 + (delay / 2) * random());
}

/**
 * A call that must be made whatever happened to the run (the way back's calls, removing
 * the run's claim), outlasting throttling, 5xx and dropped connections that outlived the
 * SDK's own retries. Errors that cannot go away by waiting (expired credentials, access
 * denied) fail at once. The first attempt is immediate, so a cancelled run still issues
 * it within 1 s; the pauses use the run's clock but not its abort signal.
 *
 * Worst case, for a call that keeps failing transiently: 7 calls, each up to 8 attempts
 * by the SDK (adaptive mode, its backoff capped at 20 s, about 25 s of its own pauses per
 * call at most), with at most 90 s of pauses here between them: about 4.5 minutes, plus
 * the time the requests themselves take (docs/rollback.md).
 */
export async function untilAccepted<T>(
  ctx: { clock: { sleep(ms: number): Promise<void> } },
  call: () => Promise<T>,
  onRetry?: (error: unknown, delayMs: number) => void,
): Promise<T> {
  for (const delay of ROLLBACK_RETRY_DELAYS_MS) {
    try {
      return await call();
    } catch (error) {
      if (!isTransientAwsError(error)) throw error;
      const pause = jittered(delay);
      onRetry?.(error, pause);
      await ctx.clock.sleep(pause);
    }
  }
  return call();
}
