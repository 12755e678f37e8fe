import { errorText } from '../aws/errors';
import { checkDatabase } from '../database';
import {
  checkBefore,
  confirmRelease,
  type Move,
  nothingMoved,
  planServices,
  runTransaction,
  ServicesChangedError,
  STAGES,
  stage,
  strategyOf,
} from '../engine';
import { buildImages } from '../images';
import { checkPromotion, type PromotionPlan, promoteImages } from '../images/promote';
import { runMigration } from '../migrate';
import type { PreflightResult, RenderResult } from '../model/contracts';
import type { Report } from '../model/report';
import { type PreflightCheck, runPreflight, worstCaseMs } from '../preflight';
import {
  type Claim,
  ClaimLostError,
  checkClaim,
  claimEnvironment,
  claimRunId,
  releaseClaim,
  runningReleaseOf,
  tagBaseline,
  tagOutcome,
  unconfirmedRevisions,
} from '../record';
import { renderRelease, rolloutTargets } from '../render';
import type { StageContext } from '../runtime/context';
import { deployedImages, recordImages } from './deployed';
import { groundInto } from './ground';
import { abandonStaleReleases, clearStaleClaimNoted } from './stale';

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
  // With the `images` input, preflight also finds where each digest is read (docs/promotion.md).
  let promotion: PromotionPlan | undefined;
  const promotionCheck: PreflightCheck = async (c, found) => {
    const out = await checkPromotion(c, found);
    promotion = out.value;
    return out;
  };
  const { preflight, claim } = await stage(ctx, report, STAGES.preflight, async () => {
    const found = await runPreflight(ctx, {
      checks: [
        ...(ctx.config.database ? [databaseCheck] : []),
        ...(ctx.config.promote ? [promotionCheck] : []),
      ],
      ground: groundInto(report),
    });
    report.runningRelease = runningReleaseOf(found.services);
    await clearStaleClaimNoted(ctx, report);
    return {
      preflight: found,
      claim: await claimEnvironment(ctx, claimRunId(ctx.config.githubRun), claimLifetimeMs(ctx)),
    };
  });
  try {
    await abandonStaleReleases(ctx, report, preflight.staleReleases);
    await deployClaimed(ctx, report, checkpoint, { preflight, claim, promotion });
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
  {
    preflight,
    claim,
    promotion,
  }: { preflight: PreflightResult; claim: Claim; promotion?: PromotionPlan | undefined },
): Promise<void> {
  const images = await stage(ctx, report, STAGES.images, () =>
    ctx.config.promote
      ? promoteImages(ctx, promotion ?? unresolvedPromotion())
      : buildImages(ctx, { repositories: preflight.repositories, deployed: deployedImages(preflight) }),
  );
  recordImages(report, images);

  await checkClaim(ctx, claim, 'any task definition');
  const render = await stage(ctx, report, STAGES.render, () => renderRelease(ctx, preflight, images));
  planServices(
    report,
    render.services.map((s) => ({
      service: s.live.config.service,
      previous: s.previousArn,
      target: s.targetArn,
      // The strategy puts a built-in service in the summary's stages table (rollback passes it too).
      strategy: strategyOf(s.live.service),
    })),
  );
  const moves = movesOf(render);
  if (moves.length === 0) {
    await confirmRunningRelease(ctx, report, preflight, claim);
    return;
  }
  const registered = moves.map((m) => m.taskDefinitionArn);
  checkpoint('render');
  await tagBaseline(ctx, preflight.services);
  await migrateOrStop(ctx, report, { preflight, render, registered, claim });
  await runTransaction(ctx, report, {
    kind: 'deploy',
    moves,
    alarms: preflight.alarms,
    claim,
    release: ctx.config.release,
    running: report.runningRelease,
    registered,
    checkpoint,
  });
}

/** The services this release changes, each with where it goes back to and how ECS moves it. */
function movesOf(render: RenderResult): Move[] {
  return rolloutTargets(render).flatMap((t) => {
    const rendered = render.services.find((s) => s.live.config.service === t.service);
    return rendered
      ? [{ ...t, previousArn: rendered.previousArn, strategy: strategyOf(rendered.live.service) }]
      : [];
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
    const expected = render.services.map((s) => ({
      service: s.live.config.service,
      taskDefinitionArn: s.previousArn,
    }));
    await checkBefore(ctx, claim, expected, 'the database or any service');
    if (!ctx.config.migration) return;
    const migration = await stage(ctx, report, STAGES.migrate, () =>
      runMigration(ctx, { preflight, render }),
    );
    report.migration = { outcome: migration.outcome, detail: migration.detail };
  } catch (error) {
    if (!(error instanceof ClaimLostError)) {
      if (!(error instanceof ServicesChangedError))
        report.migration = { outcome: 'failed', detail: errorText(error) };
      await tagOutcome(ctx, registered, 'failed');
    }
    nothingMoved(report);
    throw error;
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
  await confirmRelease(ctx, report, {
    alarms: preflight.alarms,
    claim,
    release: ctx.config.release,
    registered: unconfirmed,
  });
}

/** Never a silent rebuild: a promotion preflight did not resolve is a bug, not a build. */
function unresolvedPromotion(): never {
  throw new Error('preflight passed without resolving the images to promote; this is a bug in ecs-release');
}

async function databaseCheck(ctx: StageContext) {
  try {
    await checkDatabase(ctx);
    return {};
  } catch (error) {
    return { problems: [errorText(error)] };
  }
}
