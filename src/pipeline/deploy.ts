import { errorText } from '../aws/errors';
import { checkDatabase } from '../database';
import { buildImages } from '../images';
import { runMigration } from '../migrate';
import type { GateResult, PreflightResult, RolloutResult } from '../model/contracts';
import type { Report } from '../model/report';
import { runPreflight } from '../preflight';
import { runningReleaseOf, tagBaseline, tagOutcome, unconfirmedRevisions } from '../record';
import { renderRelease, rolloutTargets } from '../render';
import { rollOut } from '../rollout';
import type { StageContext } from '../runtime/context';
import { deployedImages, recordImages, recordRender } from './deployed';
import { finishFailedRelease, gateRelease, safeRollOut } from './finish';
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
    await confirmRunningRelease(ctx, report, preflight);
    return;
  }
  const registered = render.services.filter((s) => s.changed).map((s) => s.targetArn);
  checkpoint('render');
  await tagBaseline(ctx, preflight.services);

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
      for (const s of report.services) {
        if (s.state !== 'pending') continue;
        s.state = 'unchanged';
        s.current = s.previous;
      }
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
    if (r.state === 'not-started') {
      // A later wave never moved: it runs what it ran before.
      entry.state = 'unchanged';
      entry.current = entry.previous;
      continue;
    }
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

/**
 * Every service already runs this release's revisions. Normally that is a re-run
 * of a release that succeeded: `unchanged`. But a run killed in its bake, or one
 * whose rollback could not finish, leaves the release running without a
 * `succeeded` record; a re-run must not call that green without the gate.
 */
async function confirmRunningRelease(
  ctx: StageContext,
  report: Report,
  preflight: PreflightResult,
): Promise<void> {
  const unconfirmed = unconfirmedRevisions(preflight.services, ctx.config.release);
  if (unconfirmed.length === 0) {
    ctx.log.info("every service already runs this release's task definitions: nothing to roll out");
    report.result = 'unchanged';
    return;
  }
  ctx.log.info(
    `this release already runs, but ${unconfirmed.length} of its revisions carry no succeeded outcome (an earlier run stopped before recording it): gating it now`,
  );
  const gate = await gateRelease(ctx, report, preflight.alarms);
  if (gate.ok) {
    await tagOutcome(ctx, unconfirmed, 'succeeded');
    report.result = 'unchanged';
    report.runningRelease = ctx.config.release;
    return;
  }
  report.result = 'failed';
  report.error =
    `release ${ctx.config.release} runs on every service but its gate failed: ${gate.reason ?? 'unknown reason'}. ` +
    'This run moved nothing, so it rolls nothing back; to go back, run the rollback command (to: previous).';
  report.notes.push(report.error);
}

async function databaseCheck(ctx: StageContext) {
  try {
    await checkDatabase(ctx);
    return {};
  } catch (error) {
    return { problems: [errorText(error)] };
  }
}
