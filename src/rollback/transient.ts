/**
 * Whether an AWS call failed for a reason that goes away by itself (throttling,
 * a 5xx, a dropped connection), as opposed to one that will fail the same way
 * every time (expired credentials, access denied, a bad parameter). Pure: reads
 * only the shape the SDK gives its errors (`name`, `code`, `$retryable`, `$metadata`).
 */
const THROTTLING = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
]);
const NETWORK = new Set(['ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN']);

interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

export function isTransientAwsError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as SdkErrorShape;
  if (e.$retryable) return true;
  if (typeof e.name === 'string' && (THROTTLING.has(e.name) || e.name === 'TimeoutError')) return true;
  if (typeof e.code === 'string' && NETWORK.has(e.code)) return true;
  const status = e.$metadata?.httpStatusCode;
  return typeof status === 'number' && (status === 429 || (status >= 500 && status <= 599));
}

/**
 * Pauses between whole calls (each already retried by the SDK) when a rollback's
 * UpdateService keeps failing transiently: about 1.5 minutes in all, because a
 * rollback that gives up leaves services on different releases.
 */
export const ROLLBACK_RETRY_DELAYS_MS = [2_000, 4_000, 8_000, 16_000, 30_000, 30_000] as const;
