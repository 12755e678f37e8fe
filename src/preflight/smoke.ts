/**
 * The smoke URL, asked once before anything changes (docs/config.md, "Bounds"). A 3xx
 * there (a missing trailing slash, HTTP to HTTPS) is a URL the gate would fail on after
 * the rollout, so it refuses the run and names where it points; so does a name that
 * resolves to a link-local or metadata address. An error or no answer is a warning
 * only: the release running now may be the broken one this run replaces. Over https,
 * the certificate it was served is returned: the ground checks compare it with the
 * listener's (docs/ground.md#tls).
 */
import { SMOKE } from '../gate';
import { checkSmoke, type FetchLike, guardedFetch, type ServedCertificate } from '../gate/smoke';
import type { StageContext } from '../runtime/context';
import type { Findings } from './findings';

export async function checkSmokeUrl(
  ctx: StageContext,
  f: Findings,
  fetchFn: FetchLike = guardedFetch(),
): Promise<ServedCertificate | undefined> {
  const url = ctx.config.gate.smokeUrl;
  if (!url) return;
  const check = await checkSmoke(url, fetchFn, SMOKE.requestTimeoutMs, ctx.signal);
  if (check.redirect) {
    const { status, location } = check.redirect;
    f.problems.push(
      `smoke-url: ${url} redirects (HTTP ${status}) to ${location}: the smoke check never follows a redirect, so the gate would fail on it; set smoke-url to ${location}`,
    );
  } else if (check.refused) {
    f.problems.push(`smoke-url: ${url}: ${check.detail}`);
  } else if (!check.ok) {
    f.warnings.push(
      `smoke-url: ${url}: ${check.detail} before the release; the gate needs 2xx after it (the release running now may be the broken one)`,
    );
  }
  return check.certificate;
}
