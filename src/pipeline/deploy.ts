import { errorText } from '../aws/errors';
import { checkDatabase } from '../database';
import { buildImages } from '../images';
import { runMigration } from '../migrate';
import type { GateResult, PreflightResult, RenderResult, RolloutResult } from '../model/contracts';
import type { Report } from '../model/report';
import { runPreflight, worstCaseMs } from '../preflight';
import {
  type Claim,
  ClaimLostError,
  checkClaim,
  claimEnvironment,
  newRunId,
  releaseClaim,
  runningReleaseOf,
  tagBaseline,
  tagOutcome,
  unconfirmedRevisions,
} from '../record';
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
  const { preflight, claim } = await stage(ctx, report, STAGES.preflight, async () => {
    const found = await runPreflight(ctx, { checks: ctx.config.database ? [databaseCheck] : [] });
    report.runningRelease = runningReleaseOf(found.services);
    return {
      preflight: found,
      claim: await claimEnvironment(ctx, newRunId(ctx.config.runUrl), claimLifetimeMs(ctx)),
    };
  });
  try {
    await deployClaimed(ctx, report, checkpoint, preflight, claim);
  } finally {
    await releaseClaim(ctx, claim);
  }
}

/** How long a claim stands if its run dies without removing it: the run's worst case, builds included. */
export function claimLifetimeMs(ctx: StageContext): number {
  return worstCaseMs(ctx.config) + BUILD_ALLOWANCE_MS;
}

/** Builds have no bound of their own: an hour is the allowance a stale claim gets for them. */
const BUILD_ALLOWANCE_MS = 60 * 60 * 1000;

async function deployClaimed(
  ctx: StageContext,
  report: Report,
  checkpoint: (phase: string) => void,
  preflight: PreflightResult,
  claim: Claim,
): Promise<void> {
  const images = await stage(ctx, report, STAGES.images, () =>
    buildImages(ctx, { repositories: preflight.repositories, deployed: deployedImages(preflight) }),
  );
  recordImages(report, images);

  await checkClaim(ctx, claim, 'any task definition');
  const render = await stage(ctx, report, STAGES.render, () => renderRelease(ctx, preflight, images));
  recordRender(report, render);
  const targets = rolloutTargets(render);
  if (targets.length === 0) {
    await confirmRunningRelease(ctx, report, preflight, claim);
    return;
  }
  const registered = render.services.filter((s) => s.changed).map((s) => s.targetArn);
  checkpoint('render');
  await tagBaseline(ctx, preflight.services);
  await migrateOrStop(ctx, report, { preflight, render, registered, claim });

  checkpoint('rollout');
  const rollout: RolloutResult = await stage(ctx, report, STAGES.rollout, () =>
    safeRollOut(
      () => rollOut(ctx, targets, { beforeWave: () => checkClaim(ctx, claim, 'the next wave') }),
      targets,
    ),
  );
  recordRollout(report, rollout);
  let gate: GateResult | undefined;
  if (rollout.ok) {
    checkpoint('gate');
    gate = await gateRelease(ctx, report, preflight.alarms);
  }
  if (rollout.ok && gate?.ok) {
    await checkClaim(ctx, claim, 'the outcome tags');
    await tagOutcome(ctx, registered, 'succeeded');
    report.result = 'deployed';
    report.runningRelease = ctx.config.release;
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

/** The migration, or a stop before any service changed: its revisions tagged failed. */
async function migrateOrStop(
  ctx: StageContext,
  report: Report,
  {
    preflight,
    render,
    registered,
    claim,
  }: { preflight: PreflightResult; render: RenderResult; registered: string[]; claim: Claim },
): Promise<void> {
  try {
    await checkClaim(ctx, claim, 'the database or any service');
    if (!ctx.config.migration) return;
    const migration = await stage(ctx, report, STAGES.migrate, () =>
      runMigration(ctx, { preflight, render }),
    );
    report.migration = { outcome: migration.outcome, detail: migration.detail };
  } catch (error) {
    if (!(error instanceof ClaimLostError)) {
      report.migration = { outcome: 'failed', detail: errorText(error) };
      await tagOutcome(ctx, registered, 'failed');
    }
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

function recordRollout(report: Report, rollout: RolloutResult): void {
  for (const r of rollout.services) {
    const entry = report.services.find((s) => s.service === r.service);
    if (!entry) continue;
    if (r.state === 'not-started') {
      // A later wave never moved: it runs what it ran before.
      entry.state = 'unchanged';
      entry.current = entry.previous;
      if (r.detail) entry.detail = `not moved: ${r.detail}`;
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
  claim: Claim,
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
    await checkClaim(ctx, claim, 'the outcome tags');
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
