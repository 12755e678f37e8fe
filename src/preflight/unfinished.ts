/**
 * Releases without an outcome that another run left running (docs/rollout.md, "One
 * release at a time"): GitHub is asked once per run whether that run is over. Over:
 * the release is handed on to be marked `abandoned` after the claim; otherwise (or when
 * GitHub cannot tell) it is a problem that names the run and how to clear it.
 */
import type { StaleRelease } from '../model/contracts';
import { unlockCommands } from '../record/refusal';
import { TAGS } from '../record/release-record';
import { runIdText, runOfUrl, type Verdict } from '../record/run-status';
import { judgeRecordRun } from '../record/stale';
import type { StageContext } from '../runtime/context';
import type { Findings } from './findings';
import { type UnfinishedRevision, unfinishedProblem } from './service-checks';

export async function judgeUnfinished(
  ctx: StageContext,
  f: Findings,
  unfinished: UnfinishedRevision[],
): Promise<void> {
  const verdicts = new Map<string, Verdict>();
  for (const u of unfinished) {
    const key = `${u.release} ${u.runUrl ?? ''}`;
    let verdict = verdicts.get(key);
    if (!verdict) {
      verdict = await judgeRecordRun(ctx, u.runUrl);
      verdicts.set(key, verdict);
    }
    if (verdict.stale) {
      addStale(f, u, verdict.why);
      continue;
    }
    f.problems.push(unfinishedProblem(u, verdict.why, howToClear(ctx, u)));
  }
}

function addStale(f: Findings, u: UnfinishedRevision, why: string): void {
  f.stale ??= [];
  const known = f.stale.find((s) => s.release === u.release && s.runUrl === u.runUrl);
  if (known) {
    known.arns.push(u.arn);
    return;
  }
  const stale: StaleRelease = {
    release: u.release,
    arns: [u.arn],
    why,
    ...(u.runUrl ? { runUrl: u.runUrl } : {}),
  };
  f.stale.push(stale);
}

/** `unlock` with the run id when the record names a GitHub run; else the tag that records its end by hand. */
function howToClear(ctx: StageContext, u: UnfinishedRevision): string {
  const run = runOfUrl(u.runUrl);
  if (run) return unlockCommands(ctx.config, runIdText(run));
  return (
    'If its run was killed, record what happened first, e.g. aws ecs tag-resource --region ' +
    `${ctx.config.region} --resource-arn ${u.arn} --tags key=${TAGS.outcome},value=abandoned`
  );
}
