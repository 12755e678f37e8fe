/**
 * `command: check` (docs/ground.md): the ground the release stands on, read-only, for a
 * schedule: what the services run now, their load balancers' certificates and DNS, and
 * what their tasks need. No claim, no tag, no update. `checked` when no error, else
 * `failed` (exit 1): every coverage, expiry and renewal finding is an error here.
 */
import { STAGES, stage } from '../engine';
import type { Report } from '../model/report';
import { checkGroundFor, liveTasks, readRunning } from '../preflight';
import type { StageContext } from '../runtime/context';
import { groundInto } from './ground';

export async function checkGround(ctx: StageContext, report: Report): Promise<void> {
  const found = await stage(ctx, report, STAGES.ground, async () => {
    const running = await readRunning(ctx);
    for (const w of running.warnings) ctx.log.warning(w);
    const g = await checkGroundFor(
      ctx,
      running.account,
      { services: running.services, tasks: liveTasks(running.services) },
      groundInto(report),
    );
    for (const p of g.problems) ctx.log.error(p);
    for (const w of g.warnings) ctx.log.warning(w);
    return { ...g, services: running.services.length };
  });
  const n = found.problems.length;
  const summary =
    `check: ${n} error${n === 1 ? '' : 's'}, ${found.warnings.length} warning${found.warnings.length === 1 ? '' : 's'} ` +
    `over ${found.services} service${found.services === 1 ? '' : 's'} of cluster ${ctx.config.cluster}`;
  ctx.log.info(summary);
  if (n > 0) {
    report.result = 'failed';
    report.error = `${summary}: see the ground findings above and in the summary (each names its fix)`;
    return;
  }
  report.result = 'checked';
}
