/**
 * `command: rollback` (SPEC 3.6): find the target release by its record tags, check
 * its images still exist, move every service to its revision at once, watch, gate.
 * A failed rollout or gate puts the services back where they were (`rolled-back`).
 */

import { shortArn } from '../aws/arn';
import { type GateDeps, runGate } from '../gate';
import type { GateResult, LiveService, PreflightResult, RolloutResult } from '../model/contracts';
import type { Report, ServiceOutcome } from '../model/report';
import { type PreflightResolver, runPreflightResolving } from '../preflight';
import {
  type Claim,
  checkClaim,
  claimEnvironment,
  type GithubDeployment,
  type GithubFetch,
  type GithubTarget,
  newRunId,
  releaseClaim,
  releaseManifest,
  setGithubDeploymentStatus,
  startGithubDeployment,
} from '../record';
import {
  type CurrentService,
  decideRollback,
  findReleases,
  missingImages,
  type RollbackTarget,
  RollbackTargetError,
  resolveTarget,
  rollBack,
} from '../rollback';
import type { StageContext } from '../runtime/context';
import { claimLifetimeMs } from './deploy';
import { noteUnfinishedRollback, safeRollOut } from './finish';
import { STAGES, stage } from './stage';

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
    runPreflightResolving(ctx, findTarget),
  );
  await rollBackTo(ctx, report, checkpoint, { preflight, target, options });
}

/** The rollback target, found by preflight's last check (its images must still exist). */
const findTarget: PreflightResolver<RollbackTarget> = async (c, found) => {
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
  const chosen = target;
  const current = currentOf(preflight.services);
  const release = chosen.release;
  const runningId = chosen.running?.id;
  // The release running now, until this rollback changes it (the output even when it fails before moving anything).
  report.runningRelease = runningId;

  report.services = plannedServices(chosen, current);
  const moves = chosen.services
    .filter((s) => current.find((c) => c.service === s.service)?.taskDefinitionArn !== s.taskDefinitionArn)
    .map((s) => ({ service: s.service, taskDefinitionArn: s.taskDefinitionArn }));
  logPlan(ctx, chosen, moves);
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
  const claim = await claimEnvironment(ctx, newRunId(ctx.config.runUrl), claimLifetimeMs(ctx));
  try {
    await moveClaimed(ctx, report, checkpoint, { preflight, chosen, moves, current, claim, options });
  } finally {
    await releaseClaim(ctx, claim);
  }
}

interface Planned {
  preflight: PreflightResult;
  chosen: RollbackTarget;
  moves: { service: string; taskDefinitionArn: string }[];
  current: CurrentService[];
  claim: Claim;
  options: RollbackReleaseOptions;
}

async function moveClaimed(
  ctx: StageContext,
  report: Report,
  checkpoint: (phase: string) => void,
  { preflight, chosen, moves, current, claim, options }: Planned,
): Promise<void> {
  const release = chosen.release;
  const runningId = chosen.running?.id;
  const github = options.github
    ? await startGithubDeployment(
        ctx,
        { ...options.github, ref: release.commit || options.github.ref },
        { ...releaseManifest(report, release.commit || ctx.config.commit), release: release.id },
        options.githubFetch ? { fetch: options.githubFetch } : {},
      )
    : undefined;

  for (const s of report.services) {
    const moved = moves.find((m) => m.service === s.service);
    if (moved) s.current = moved.taskDefinitionArn;
  }
  try {
    await checkClaim(ctx, claim, 'any service');
    await moveAndGate(ctx, report, checkpoint, {
      moves,
      current,
      alarms: preflight.alarms,
      release,
      runningId,
      options,
    });
  } finally {
    // Whatever happened, the GitHub deployment must not stay in_progress.
    await finishGithub(ctx, github, report);
  }
}

interface MoveAndGate {
  moves: { service: string; taskDefinitionArn: string }[];
  current: CurrentService[];
  alarms: string[];
  release: { id: string };
  runningId: string | undefined;
  options: RollbackReleaseOptions;
}

/** What each service ran before, the target's revision, and (until it moves) what it runs. */
function plannedServices(chosen: RollbackTarget, current: CurrentService[]): ServiceOutcome[] {
  return chosen.services.map((s): ServiceOutcome => {
    const before = current.find((c) => c.service === s.service)?.taskDefinitionArn;
    return {
      service: s.service,
      ...(before ? { previous: before } : {}),
      target: s.taskDefinitionArn,
      current: before ?? s.taskDefinitionArn,
      state: before === s.taskDefinitionArn ? 'unchanged' : 'pending',
    };
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

/** Rolls to the target, gates it, and goes back on any failure, an AWS error included: never left unconfirmed. */
async function moveAndGate(
  ctx: StageContext,
  report: Report,
  checkpoint: (phase: string) => void,
  { moves, current, alarms, release, runningId, options }: MoveAndGate,
): Promise<void> {
  checkpoint('rollout');
  const rollout = await safeRollOut(
    () => stage(ctx, report, STAGES.rollout, () => rollBack(ctx, moves)),
    moves,
  );
  if (!rollout.ok) {
    await goBack(ctx, report, checkpoint, current, rollout, undefined, {
      target: release.id,
      running: runningId,
    });
    return;
  }
  checkpoint('gate');
  let gate: GateResult;
  try {
    gate = await stage(ctx, report, STAGES.gate, () => runGate(ctx, { alarms }, options.gate));
  } catch (error) {
    // Cancelled during the bake, or AWS unreachable after the SDK's retries: a gate that
    // cannot be judged is a failed gate. The way back is issued at once (goBack does not wait on the signal).
    const why = error instanceof Error ? error.message : String(error);
    gate = {
      ok: false,
      alarms: [],
      reason: ctx.signal.aborted
        ? 'the run was cancelled during the bake'
        : `the gate could not be judged: ${why}`,
    };
  }
  if (gate.alarms.length > 0) report.alarms = gate.alarms;
  if (!gate.ok) {
    await goBack(ctx, report, checkpoint, current, rollout, gate, { target: release.id, running: runningId });
    return;
  }
  for (const s of report.services) if (s.state === 'pending') s.state = 'updated';
  report.result = 'deployed';
  report.runningRelease = release.id;
  ctx.log.info(`rollback: release ${release.id} runs on every service`);
}

/** The rollback's own rollout or gate failed: every service goes back to where it was before it. */
async function goBack(
  ctx: StageContext,
  report: Report,
  checkpoint: (phase: string) => void,
  before: CurrentService[],
  rollout: RolloutResult,
  gate: GateResult | undefined,
  ids: { target: string; running: string | undefined },
): Promise<void> {
  const decision = decideRollback({
    previous: before.map((b) => ({ service: b.service, previousArn: b.taskDefinitionArn })),
    rollout,
    ...(gate ? { gate } : {}),
    autoRollback: ctx.config.gate.autoRollback,
  });
  ctx.log.error(`rollback: ${decision.reason ?? 'failed'}`);
  checkpoint('rollback');
  const back = await stage(ctx, report, STAGES.rollback, () => rollBack(ctx, decision.targets));
  for (const s of report.services) {
    const moved = rollout.services.find((r) => r.service === s.service);
    const returned = back.services.find((r) => r.service === s.service);
    if (!moved) continue;
    if (moved.state === 'rolled-back-by-ecs') {
      s.state = 'rolled-back-by-ecs';
      if (s.previous) s.current = s.previous;
      s.detail = moved.detail ?? 'ECS circuit breaker rolled it back';
    } else if (returned?.state === 'completed') {
      s.state = 'rolled-back';
      s.current = returned.taskDefinitionArn;
    } else if (returned?.state === 'cancelled' && returned.deploymentId) {
      s.state = 'pending';
      s.current = returned.taskDefinitionArn;
      s.detail =
        `cancelled: UpdateService back to ${shortArn(returned.taskDefinitionArn)} was issued (deployment ${returned.deploymentId}) but not watched; ` +
        `confirm with: aws ecs wait services-stable --region ${ctx.config.region} --cluster ${ctx.config.cluster} --services ${s.service}`;
    } else if (returned) {
      s.state = 'failed';
      s.current = returned.taskDefinitionArn;
      s.detail = `going back did not complete (${returned.state}): ${returned.detail ?? ''}`.trim();
    } else if (
      decision.left.some((l) => l.service === s.service && l.why.startsWith('auto-rollback is off'))
    ) {
      s.state = 'failed';
      s.current = moved.taskDefinitionArn;
      s.detail = 'auto-rollback is off: left on the target release';
    }
  }
  noteUnfinishedRollback(ctx, report, back.services);
  const cameBack = back.ok && decision.result === 'rolled-back';
  report.result = cameBack ? 'rolled-back' : 'failed';
  report.runningRelease = cameBack ? ids.running : undefined;
  const where = cameBack
    ? `; every service is back where it was${ids.running ? ` (release ${ids.running})` : ''}`
    : '; the services table shows what each service runs now';
  report.error = `rollback to release ${ids.target} failed: ${decision.reason ?? 'unknown'}${where}`;
}

async function finishGithub(
  ctx: StageContext,
  deployment: GithubDeployment | undefined,
  report: Report,
): Promise<void> {
  const ok = report.result === 'deployed';
  const text = ok ? `Running ${report.runningRelease ?? ''}` : `Rollback ${report.result ?? 'failed'}`;
  await setGithubDeploymentStatus(ctx, deployment, ok ? 'success' : 'failure', text);
}

function currentOf(services: LiveService[]): CurrentService[] {
  return services.map((s) => ({
    service: s.config.service,
    taskDefinitionArn: s.taskDefinition.taskDefinitionArn ?? '',
  }));
}
