/**
 * Whether an AWS call failed for a reason that goes away by itself (throttling,
 * a 5xx, a dropped connection), as opposed to one that will fail the same way
 * every time (expired credentials, access denied, a bad parameter). The SDK's own
 * retry classifiers decide (the codes and statuses its retry strategy retries);
 * this only adds a connection the client aborted (ECONNABORTED), which they leave out.
 */
import { isServerError, isThrottlingError, isTransientError } from '@smithy/core/retry';
import type { SdkError } from '@smithy/types';
import { namedErrorText } from './errors';

const DROPPED = new Set(['ECONNABORTED']);

export function isTransientAwsError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as SdkError & { code?: unknown };
  return (
    isThrottlingError(e) ||
    isTransientError(e) ||
    isServerError(e) ||
    (typeof e.code === 'string' && DROPPED.has(e.code))
  );
}

/** AWS refused the call for its rate before acting on it (the request did nothing). */
export function isThrottledAwsError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && isThrottlingError(error as SdkError);
}

/**
 * Failures that waiting cannot fix and the SDK has no opinion on (it only says they
 * are not worth a retry): expired or unknown credentials, missing permissions, a
 * cluster that is gone. A watch that meets one stops instead of retrying to its deadline.
 */
const PERMANENT = /ExpiredToken|UnrecognizedClient|InvalidClientTokenId|AccessDenied|ClusterNotFound/;

export function isPermanentAwsError(error: unknown): boolean {
  return !isTransientAwsError(error) && PERMANENT.test(namedErrorText(error));
}
