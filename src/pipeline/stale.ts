import type { StaleRelease } from '../model/contracts';
import type { Report } from '../model/report';
import { clearStaleClaim, tagOutcome } from '../record';
import type { StageContext } from '../runtime/context';

/** Before claiming: a dead run's claim is cleared (the note goes in the summary), a live one refuses. */
export async function clearStaleClaimNoted(ctx: StageContext, report: Report): Promise<void> {
  const note = await clearStaleClaim(ctx);
  if (note) report.notes.push(note);
}

/**
 * Once this run holds the claim: the releases preflight found without an outcome, whose
 * runs are over, get the outcome `abandoned` (`previous` and `to:` skip them like
 * `failed`), said in the log and the summary.
 */
export async function abandonStaleReleases(
  ctx: StageContext,
  report: Report,
  stale: readonly StaleRelease[] | undefined,
): Promise<void> {
  for (const s of stale ?? []) {
    const { tagged } = await tagOutcome(ctx, s.arns, 'abandoned');
    if (tagged.length === 0) continue;
    const note =
      `Release ${s.release}${s.runUrl ? ` (${s.runUrl})` : ''} never recorded an outcome and its run is over ` +
      `(${s.why}): its ${tagged.length} running revision${tagged.length === 1 ? '' : 's'} now carry the outcome abandoned.`;
    ctx.log.warning(note);
    report.notes.push(note);
  }
}
