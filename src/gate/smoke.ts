import { formatDuration } from '../config/duration';
import type { SmokeCheck } from './decide';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/**
 * One GET of the smoke URL. Only a 2xx passes. A hung server costs at most
 * `timeoutMs`; cancellation of the run (the `signal`) is rethrown, not a failed check.
 */
export async function checkSmoke(
  url: string,
  fetchFn: FetchLike,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<SmokeCheck> {
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    const res = await fetchFn(url, {
      method: 'GET',
      signal: AbortSignal.any([signal, timeout]),
      headers: { 'user-agent': 'ecs-release smoke check' },
    });
    // Free the connection: the body does not matter, only the status.
    await res.body?.cancel().catch(() => undefined);
    return { ok: res.status >= 200 && res.status < 300, detail: `HTTP ${res.status}` };
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    if (timeout.aborted) return { ok: false, detail: `no answer within ${formatDuration(timeoutMs)}` };
    return { ok: false, detail: describeFetchError(error) };
  }
}

/** Node's fetch hides the reason in `cause` (`ECONNREFUSED`, `ENOTFOUND`…): bring it out. */
function describeFetchError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return typeof code === 'string' ? `${code} (${cause.message})` : cause.message;
  }
  return error.message;
}
