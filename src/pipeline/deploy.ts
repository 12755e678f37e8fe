import { checkDatabase } from '../database';
import { buildImages } from '../images';
import { runMigration } from '../migrate';
import { runPreflight } from '../preflight';
import { tagOutcome } from '../record';
import { renderRelease, rolloutTargets, tagBaseline } from '../render';
import { rollOut } from '../rollout';
import type { StageContext } from '../runtime/context';
import type { GateResult, RolloutResult } from './contracts';
import { deployedImages, recordImages, recordRender, runningReleaseOf } from './deployed';
import { finishFailedRelease, gateRelease, safeRollOut } from './finish';
import type { Report } from './report';
import { STAGES, stage } from './stage';

/**
 * deploy: preflight → images → render → migrate → rollout → gate → record,
 * rollback on failure. Nothing in AWS changes before preflight has passed; a
 * failure after the first UpdateService puts every touched service back.
 */
export async function deployRelease(
  ctx: StageContext,
  report: Report,
  checkpoint: (phase: string) => void,
): Promise<void> {
  const { config } = ctx;
  const preflight = await stage(ctx, report, STAGES.preflight, () =>
    runPreflight(ctx, { checks: config.database ? [databaseCheck] : [] }),
  );
  report.runningRelease = runningReleaseOf(preflight.services);

  const images = await stage(ctx, report, STAGES.images, () =>
    buildImages(ctx, { repositories: preflight.repositories, deployed: deployedImages(preflight) }),
  );
  recordImages(report, images);

  const render = await stage(ctx, report, STAGES.render, () => renderRelease(ctx, preflight, images));
  recordRender(report, render);
  const targets = rolloutTargets(render);
  if (targets.length === 0) {
    ctx.log.info(`every service already runs this release's task definitions: nothing to roll out`);
    report.result = 'unchanged';
    return;
  }
  const registered = render.services.filter((s) => s.changed).map((s) => s.targetArn);
  checkpoint('render');
  await tagBaseline(ctx, preflight);

  if (config.migration) {
    try {
      const migration = await stage(ctx, report, STAGES.migrate, () =>
        runMigration(ctx, { preflight, render }),
      );
      report.migration = { outcome: migration.outcome, detail: migration.detail };
    } catch (error) {
      report.migration = {
        outcome: 'failed',
        detail: error instanceof Error ? error.message : String(error),
      };
      await tagOutcome(ctx, registered, 'failed');
      for (const s of report.services) if (s.state === 'pending') s.state = 'unchanged';
      report.notes.push(
        'The release stopped before any service changed: every service runs what it ran before.',
      );
      throw error;
    }
  }

  checkpoint('rollout');
  const rollout: RolloutResult = await stage(ctx, report, STAGES.rollout, () =>
    safeRollOut(() => rollOut(ctx, targets), targets),
  );
  for (const r of rollout.services) {
    const entry = report.services.find((s) => s.service === r.service);
    if (!entry) continue;
    entry.state =
      r.state === 'completed'
        ? 'updated'
        : r.state === 'rolled-back-by-ecs'
          ? 'rolled-back-by-ecs'
          : 'failed';
    if (r.detail) entry.detail = r.detail;
  }
  let gate: GateResult | undefined;
  if (rollout.ok) {
    checkpoint('gate');
    gate = await gateRelease(ctx, report, preflight.alarms);
  }
  if (rollout.ok && gate?.ok) {
    await tagOutcome(ctx, registered, 'succeeded');
    report.result = 'deployed';
    report.runningRelease = config.release;
    return;
  }
  await finishFailedRelease(ctx, report, {
    render,
    rollout,
    ...(gate ? { gate } : {}),
    registered,
    checkpoint,
  });
}

async function databaseCheck(ctx: StageContext) {
  try {
    await checkDatabase(ctx);
    return {};
  } catch (error) {
    return { problems: [error instanceof Error ? error.message : String(error)] };
  }
}
