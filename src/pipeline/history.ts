/**
 * `command: history`: the environment's releases, newest first, one log line each, a
 * table in the summary, the list in `--json`. Read-only: no claim, no tag, no update;
 * it needs only the ECS reads preflight and rollback already make.
 */

import { STAGES, stage } from '../engine';
import type { Report } from '../model/report';
import { historyLine, readHistory } from '../rollback';
import type { StageContext } from '../runtime/context';

export async function listHistory(ctx: StageContext, report: Report): Promise<void> {
  const { entries } = await stage(ctx, report, STAGES.history, () => readHistory(ctx));
  report.history = entries;
  report.runningRelease = entries.find((e) => e.running)?.release;
  const env = ctx.config.environment;
  if (entries.length === 0) {
    ctx.log.info(
      `history: no release of environment ${env} in the task definitions' ecs-release tags (nothing deployed by ecs-release yet)`,
    );
  } else {
    ctx.log.info(
      `history: ${entries.length} release${entries.length === 1 ? '' : 's'} of environment ${env}, newest first (* = running now):`,
    );
    for (const entry of entries) ctx.log.info(historyLine(entry));
  }
  report.result = 'listed';
}
