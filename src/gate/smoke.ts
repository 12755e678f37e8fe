import { escapeControl } from '../config/bounds';
import { formatDuration } from '../config/duration';
import type { SmokeCheck } from './decide';
import { type FetchLike, guardedFetch, RefusedAddressError } from './smoke-request';

export type { FetchLike, Resolver, ServedCertificate } from './smoke-request';
export { guardedFetch };

/**
 * One GET of the smoke URL. Only a 2xx passes; a redirect is never followed: a 3xx is
 * a failed check that names where it points. A hung server costs at most `timeoutMs`;
 * cancellation of the run (the `signal`) is rethrown, not a failed check.
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
      redirect: 'manual',
      signal: AbortSignal.any([signal, timeout]),
      headers: { 'user-agent': 'ecs-release smoke check' },
    });
    // Free the connection: the body does not matter, only the status.
    await res.body?.cancel().catch(() => undefined);
    if (res.status >= 300 && res.status < 400)
      return redirected(url, res.status, res.headers.get('location'));
    return {
      ok: res.status >= 200 && res.status < 300,
      detail: `HTTP ${res.status}`,
      ...(res.certificate ? { certificate: res.certificate } : {}),
    };
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    if (timeout.aborted) return { ok: false, detail: `no answer within ${formatDuration(timeoutMs)}` };
    if (error instanceof RefusedAddressError) return { ok: false, detail: error.message, refused: true };
    return { ok: false, detail: describeFetchError(error) };
  }
}

/** A 3xx: where it points, made absolute against the URL (a relative `Location` is allowed). */
function redirected(url: string, status: number, location: string | null): SmokeCheck {
  if (location === null) return { ok: false, detail: `HTTP ${status} without a Location` };
  let target = location;
  try {
    target = new URL(location, url).href;
  } catch {
    // Not a URL: named as it came.
  }
  const shown = escapeControl(target.length > 300 ? `${target.slice(0, 300)}…` : target).slice(1, -1);
  return {
    ok: false,
    detail: `HTTP ${status} redirect to ${shown} (a smoke check does not follow redirects)`,
    redirect: { status, location: shown },
  };
}

/** Node hides the reason in `code` or fetch's `cause` (`ECONNREFUSED`, `ENOTFOUND`…): bring it out. */
function describeFetchError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  const source = cause instanceof Error ? cause : error;
  const code = (source as { code?: unknown }).code;
  return typeof code === 'string' ? `${code} (${source.message})` : source.message;
}
