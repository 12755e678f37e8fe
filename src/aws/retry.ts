/** The way back's retries: which failures are worth another call (classify.ts decides), the pauses, and the loop. */
import { isTransientAwsError } from './classify';

export { isTransientAwsError };

/**
 * Pauses between whole calls (each already retried by the SDK) when a rollback's
 * UpdateService keeps failing transiently: about 1.5 minutes in all, because a
 * rollback that gives up leaves services on different releases.
 */
export const ROLLBACK_RETRY_DELAYS_MS = [2_000, 4_000, 8_000, 16_000, 30_000, 30_000] as const;

/**
 * A call that must be made whatever happened to the run (the way back's calls, removing
 * the run's claim), outlasting throttling, 5xx and dropped connections that outlived the
 * SDK's own retries. Errors that cannot go away by waiting (expired credentials, access
 * denied) fail at once. The first attempt is immediate, so a cancelled run still issues
 * it within 1 s; the pauses use the run's clock but not its abort signal.
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
      onRetry?.(error, delay);
      await ctx.clock.sleep(delay);
    }
  }
  return call();
}
