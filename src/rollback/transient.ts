/** The way back's retries: which failures are worth another call (aws/classify.ts decides), and the pauses. */
export { isTransientAwsError } from '../aws/classify';

/**
 * Pauses between whole calls (each already retried by the SDK) when a rollback's
 * UpdateService keeps failing transiently: about 1.5 minutes in all, because a
 * rollback that gives up leaves services on different releases.
 */
export const ROLLBACK_RETRY_DELAYS_MS = [2_000, 4_000, 8_000, 16_000, 30_000, 30_000] as const;
