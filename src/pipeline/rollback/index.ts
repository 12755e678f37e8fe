/**
 * `command: rollback` (docs/rollback.md): find the target release by its record tags, check
 * its images still exist, then hand the engine one wave that moves every service to
 * the target's revision; it watches, gates, and puts the services back where they
 * were when the rollback's own rollout or gate fails (`rolled-back`).
 */

import { shortArn } from '../../aws/arn';
import {
  type Move,
  planServices,
  runTransaction,
  STAGES,
  stage,
  strategyOf,
  type Transaction,
} from '../../engine';
import type { GateDeps } from '../../gate';
import type { LiveService, PreflightResult } from '../../model/contracts';
import type { Report } from '../../model/report';
import {
  checkGroundFor,
  type GroundSink,
  type PreflightResolver,
  runPreflightResolving,
} from '../../preflight';
import {
  checkClaim,
  claimEnvironment,
  claimRunId,
  type GithubFetch,
  type GithubTarget,
  releaseClaim,
  releaseManifest,
} from '../../record';
import { findReleases } from '../../record/find-releases';
import type { CurrentService } from '../../record/releases';
import type { StageContext } from '../../runtime/context';
import { claimLifetimeMs } from '../deploy';
import { withGithubDeployment } from '../github-deployment';
import { groundInto } from '../ground';
import { clearStaleClaimNoted } from '../stale';
import { targetTasks } from './ground';
import { type RollbackTarget, RollbackTargetError, resolveTarget } from './target';
import { missingImages } from './verify-images';

export interface RollbackReleaseOptions {
  /** Record a GitHub deployment (the caller built the target from the action's context). */
  github?: GithubTarget;
  githubFetch?: GithubFetch;
  gate?: GateDeps;
}

/**
 * `checkpoint(phase)` is called before AWS changes (main.ts saves the report for the
 * post step there): `rollout` before the target's UpdateService calls, `gate` after
 * the rollout, `rollback` before the way back.
 */
export async function rollbackRelease(
  ctx: StageContext,
  report: Report,
  checkpoint: (phase: string) => void = () => undefined,
  options: RollbackReleaseOptions = {},
): Promise<void> {
  const { found: preflight, value: target } = await stage(ctx, report, STAGES.preflight, () =>
    runPreflightResolving(ctx, findTarget(groundInto(report)), { ground: groundInto(report) }),
  );
  await rollBackTo(ctx, report, checkpoint, { preflight, target, options });
}

/**
 * The rollback target, found by preflight's last check: its images must still exist, and
 * its tasks must be able to start (docs/ground.md: a rollback is refused only for those).
 */
const findTarget =
  (ground: GroundSink): PreflightResolver<RollbackTarget> =>
  async (c, found) => {
    const out = await findTargetOnly(c, found);
    if (!out.value) return out;
    const tasks = await targetTasks(c, found.services, out.value.services);
    const g = await checkGroundFor(c, found.accountId, { services: [], tasks }, ground);
    return { ...out, problems: [...(out.problems ?? []), ...g.problems], warnings: g.warnings };
  };

const findTargetOnly: PreflightResolver<RollbackTarget> = async (c, found) => {
  if (found.services.length !== c.config.services.length) return {};
  let target: RollbackTarget;
  try {
    const history = await findReleases(c, found.services);
    target = resolveTarget(history, c.config.to, currentOf(found.services));
  } catch (error) {
    if (error instanceof RollbackTargetError) return { problems: [`to: ${error.message}`] };
    if (c.signal.aborted) throw error;
    const why = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return {
      problems: [
        `to: could not read the release records (task definition tags) of ${found.services.map((s) => s.taskDefinition.family).join(', ')}: ${why}. The role needs ecs:ListTaskDefinitions and ecs:DescribeTaskDefinition.`,
      ],
    };
  }
  const uris = Object.values(found.repositories).map((r) => r.uri);
  return { problems: await missingImages(c, target.services, uris), value: target };
};

interface Resolved {
  preflight: PreflightResult;
  target: RollbackTarget;
  options: RollbackReleaseOptions;
}

async function rollBackTo(
  ctx: StageContext,
  report: Report,
  checkpoint: (phase: string) => void,
  { preflight, target, options }: Resolved,
): Promise<void> {
  const { release, running } = target;
  const current = currentOf(preflight.services);
  // The release running now, until this rollback changes it (the output even when it fails before moving anything).
  report.runningRelease = running?.id;
  const moves = movesTo(target, current, preflight);
  planServices(
    report,
    target.services.map((s) => {
      const live = preflight.services.find((l) => l.config.service === s.service);
      return {
        service: s.service,
        previous: current.find((c) => c.service === s.service)?.taskDefinitionArn,
        target: s.taskDefinitionArn,
        strategy: live ? strategyOf(live.service) : 'ROLLING',
      };
    }),
  );
  logPlan(ctx, target, moves);
  if (moves.length === 0) {
    report.result = 'unchanged';
    report.runningRelease = release.id;
    report.notes.push(`Every service already runs release ${release.id}: nothing was changed.`);
    return;
  }
  report.notes.push(
    'Database migrations are never rolled back: the older code now runs against the schema the newest migration left.',
  );
  // Only a rollback that moves something claims the environment (one that changes nothing writes nothing).
  await clearStaleClaimNoted(ctx, report);
  const claim = await claimEnvironment(ctx, claimRunId(ctx.config.githubRun), claimLifetimeMs(ctx));
  const github = {
    target: options.github && { ...options.github, ref: release.commit || options.github.ref },
    manifest: { ...releaseManifest(report, release.commit || ctx.config.commit), release: release.id },
    fetch: options.githubFetch,
  };
  try {
    await withGithubDeployment(ctx, report, github, async () => {
      const plan: Transaction = {
        kind: 'rollback',
        moves,
        alarms: preflight.alarms,
        claim,
        release: release.id,
        running: running?.id,
        registered: [],
        checkpoint,
        ...(options.gate && { gate: options.gate }),
      };
      await checkClaim(ctx, claim, 'any service');
      await runTransaction(ctx, report, plan);
    });
  } finally {
    await releaseClaim(ctx, claim);
  }
}

/** The target's revisions of the services that do not run them yet, all in one wave. */
function movesTo(target: RollbackTarget, current: CurrentService[], preflight: PreflightResult): Move[] {
  return target.services.flatMap((s): Move[] => {
    const before = current.find((c) => c.service === s.service)?.taskDefinitionArn;
    if (before === s.taskDefinitionArn) return [];
    const live = preflight.services.find((l) => l.config.service === s.service);
    return [
      {
        service: s.service,
        taskDefinitionArn: s.taskDefinitionArn,
        wave: 0,
        previousArn: before,
        strategy: live ? strategyOf(live.service) : 'ROLLING',
      },
    ];
  });
}

function logPlan(ctx: StageContext, chosen: RollbackTarget, moves: { service: string }[]): void {
  const { release, running } = chosen;
  ctx.log.info(
    `rollback: to release ${release.id}${release.commit ? ` (commit ${release.commit.slice(0, 12)})` : ''}` +
      `${running?.id ? ` from ${running.id}` : ''}: ${chosen.services
        .map(
          (s) =>
            `${s.service} → ${shortArn(s.taskDefinitionArn)}${moves.some((m) => m.service === s.service) ? '' : ' (already)'}`,
        )
        .join(', ')}`,
  );
}

function currentOf(services: LiveService[]): CurrentService[] {
  return services.map((s) => ({
    service: s.config.service,
    taskDefinitionArn: s.taskDefinition.taskDefinitionArn ?? '',
  }));
}
