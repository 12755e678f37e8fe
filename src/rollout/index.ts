/**
 * Rollout (SPEC 3.4): waves in ascending order; every service of a wave updated
 * at once, then watched together by deployment id. A wave that does not complete
 * stops the rollout: later waves are `not-started`.
 */
import { shortArn } from '../aws/arn';
import { errorText } from '../aws/errors';
import type { RolloutResult, RolloutTarget, ServiceRolloutResult } from '../model/contracts';
import type { StageContext } from '../runtime/context';
import { ReadBudget } from './read-budget';
import { startAll, startDeployment } from './start';
import { type StartedDeployment, watchDeployments } from './watch';

export { assess, progressLine, type Verdict } from './assess';
export { describeStoppedTask, logStream } from './diagnose';
export { ReadBudget } from './read-budget';
export { type StartedAll, startAll, startDeployment } from './start';
export { POLL_MS, RESERVE, type StartedDeployment, type WatchOptions, watchDeployments } from './watch';

export interface RolloutOptions {
  /** Called as soon as each UpdateService returns (the post step reports what was issued). */
  onUpdate?: (service: string, deploymentId: string) => void;
  /** Runs before each wave's UpdateService calls; a throw stops the rollout there (that wave never moves). */
  beforeWave?: (wave: number) => Promise<void>;
}

const notStarted = (t: RolloutTarget): ServiceRolloutResult => ({
  service: t.service,
  taskDefinitionArn: t.taskDefinitionArn,
  state: 'not-started',
});

/** Why a wave must not start (the hook threw), or undefined. */
async function refusal(hook: RolloutOptions['beforeWave'], wave: number): Promise<string | undefined> {
  try {
    await hook?.(wave);
    return undefined;
  } catch (error) {
    return errorText(error);
  }
}

/** A deployment UpdateService started that nobody has watched to its end (yet). */
const inFlight = (s: StartedDeployment): ServiceRolloutResult => ({
  service: s.service,
  taskDefinitionArn: s.taskDefinitionArn,
  deploymentId: s.deploymentId,
  state: 'cancelled',
});

export async function rollOut(
  ctx: StageContext,
  targets: RolloutTarget[],
  options: RolloutOptions = {},
): Promise<RolloutResult> {
  const results = new Map<string, ServiceRolloutResult>(targets.map((t) => [t.service, notStarted(t)]));
  const deadline = ctx.clock.now() + ctx.config.gate.waitTimeoutMs;
  const budget = new ReadBudget(ctx.clock);
  const waves = [...new Set(targets.map((t) => t.wave))].sort((a, b) => a - b);
  const seenEvents = new Map<string, Set<string>>();

  for (const wave of waves) {
    if (ctx.signal.aborted) break;
    const members = targets.filter((t) => t.wave === wave);
    const stop = await refusal(options.beforeWave, wave);
    if (stop) {
      ctx.log.error(`wave ${wave}: not started: ${stop}`);
      for (const t of members) results.set(t.service, { ...notStarted(t), detail: stop });
      break;
    }
    ctx.log.info(
      `wave ${wave}: updating ${members.map((t) => `${t.service} → ${shortArn(t.taskDefinitionArn)}`).join(', ')}`,
    );
    const all = await startAll(
      members,
      (t) => startDeployment(ctx, t.service, t.taskDefinitionArn),
      (s) => {
        options.onUpdate?.(s.service, s.deploymentId);
        ctx.log.info(
          `${s.service}: UpdateService started deployment ${s.deploymentId} (${shortArn(s.taskDefinitionArn)})`,
        );
      },
    );
    const { started } = all;
    for (const [service, ids] of all.seenEvents) seenEvents.set(service, ids);
    for (const s of started) results.set(s.service, inFlight(s));
    const refused = all.refused.map((t) => {
      const detail = `${t.service}: UpdateService to ${shortArn(t.taskDefinitionArn)} failed: ${t.error instanceof Error ? t.error.message : String(t.error)}`;
      ctx.log.error(detail);
      results.set(t.service, {
        service: t.service,
        taskDefinitionArn: t.taskDefinitionArn,
        state: 'failed',
        detail,
      });
      return t.service;
    });
    if (refused.length > 0 || ctx.signal.aborted) {
      const why = ctx.signal.aborted
        ? 'the run was cancelled'
        : `UpdateService failed for ${refused.join(', ')}`;
      for (const s of started) {
        const detail = `${s.service}: not watched because ${why}; deployment ${s.deploymentId} is in progress`;
        results.set(s.service, { ...inFlight(s), detail });
      }
      break;
    }
    const watched = await watchDeployments(ctx, started, { deadline, seenEvents, budget });
    for (const r of watched) results.set(r.service, r);
    if (watched.some((r) => r.state !== 'completed')) break;
    ctx.log.info(`wave ${wave}: every service completed`);
  }
  const services = targets
    .map((t) => results.get(t.service))
    .filter((r): r is ServiceRolloutResult => r !== undefined);
  const ok = services.every((s) => s.state === 'completed');
  return seenEvents.size > 0 ? { ok, services, seenEvents } : { ok, services };
}

/** Our deployment in UpdateService's answer: the PRIMARY (running the revision we asked for). */
