/**
 * The rollout (docs/architecture.md "The engine"): waves in ascending order; every service of a wave updated
 * at once, then watched together by its strategy (rolling: by deployment id; built-in:
 * by service deployment, up to its commit point). A wave that is not ready stops the
 * rollout: later waves are `not-started`.
 */
import { shortArn } from '../aws/arn';
import { errorText } from '../aws/errors';
import type { RolloutResult, RolloutTarget, ServiceRolloutResult } from '../model/contracts';
import { ReadBudget } from '../observe/read-budget';
import type { StartedDeployment } from '../observe/watched';
import type { StageContext } from '../runtime/context';
import { startAll, startDeployment } from './start';
import { byStrategy } from './strategies';
import type { StepChecks } from './strategy';

export interface RolloutOptions {
  /** Called as soon as each UpdateService returns (the post step reports what was issued). */
  onUpdate?: (service: string, deploymentId: string) => void;
  /** Runs before each wave's UpdateService calls; a throw stops the rollout there (that wave never moves). */
  beforeWave?: (wave: number, members: RolloutTarget[]) => Promise<void>;
  /** The checks a built-in strategy runs at its own stages (alarms before each traffic step, test traffic). */
  checks?: StepChecks;
}

const NO_CHECKS: StepChecks = { alarms: async () => ({ ok: true, alarms: [] }) };

const notStarted = (t: RolloutTarget): ServiceRolloutResult => ({
  service: t.service,
  taskDefinitionArn: t.taskDefinitionArn,
  state: 'not-started',
});

/** A deployment UpdateService started that nobody has watched to its end (yet). */
const inFlight = (s: StartedDeployment, detail?: string): ServiceRolloutResult => ({
  service: s.service,
  taskDefinitionArn: s.taskDefinitionArn,
  deploymentId: s.deploymentId,
  state: 'cancelled',
  ...(detail !== undefined && { detail }),
});

/** Why a wave must not start (the hook threw), or undefined. */
async function refusal(
  hook: RolloutOptions['beforeWave'],
  wave: number,
  members: RolloutTarget[],
): Promise<string | undefined> {
  try {
    await hook?.(wave, members);
    return undefined;
  } catch (error) {
    return errorText(error);
  }
}

interface Shared {
  deadline: number;
  budget: ReadBudget;
  seenEvents: Map<string, Set<string>>;
  results: Map<string, ServiceRolloutResult>;
  options: RolloutOptions;
}

export async function rollOut(
  ctx: StageContext,
  targets: RolloutTarget[],
  options: RolloutOptions = {},
): Promise<RolloutResult> {
  const shared: Shared = {
    deadline: ctx.clock.now() + ctx.config.gate.waitTimeoutMs,
    budget: new ReadBudget(ctx.clock),
    seenEvents: new Map(),
    results: new Map(targets.map((t) => [t.service, notStarted(t)])),
    options,
  };
  const waves = [...new Set(targets.map((t) => t.wave))].sort((a, b) => a - b);
  for (const wave of waves) {
    if (ctx.signal.aborted) break;
    const ready = await runWave(
      ctx,
      wave,
      targets.filter((t) => t.wave === wave),
      shared,
    );
    if (!ready) break;
  }
  const services = targets
    .map((t) => shared.results.get(t.service))
    .filter((r): r is ServiceRolloutResult => r !== undefined);
  const ok = services.every((s) => s.state === 'completed' || s.state === 'held');
  return shared.seenEvents.size > 0 ? { ok, services, seenEvents: shared.seenEvents } : { ok, services };
}

/** One wave: the re-checks, every UpdateService at once, then each strategy's watch. True when every member is ready. */
async function runWave(
  ctx: StageContext,
  wave: number,
  members: RolloutTarget[],
  shared: Shared,
): Promise<boolean> {
  const { results, options } = shared;
  const stop = await refusal(options.beforeWave, wave, members);
  if (stop) {
    ctx.log.error(`wave ${wave}: not started: ${stop}`);
    for (const t of members) results.set(t.service, { ...notStarted(t), detail: stop });
    return false;
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
  for (const [service, ids] of all.seenEvents) shared.seenEvents.set(service, ids);
  for (const s of all.started) results.set(s.service, inFlight(s));
  const refused = all.refused.map((t) => {
    const detail = `${t.service}: UpdateService to ${shortArn(t.taskDefinitionArn)} failed: ${errorText(t.error)}`;
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
    for (const s of all.started) {
      results.set(
        s.service,
        inFlight(s, `${s.service}: not watched because ${why}; deployment ${s.deploymentId} is in progress`),
      );
    }
    return false;
  }
  const watched = await watchWave(ctx, members, all.started, shared);
  for (const r of watched) results.set(r.service, r);
  if (watched.some((r) => r.state !== 'completed' && r.state !== 'held')) return false;
  ctx.log.info(
    `wave ${wave}: every service ${watched.some((r) => r.state === 'held') ? 'ready' : 'completed'}`,
  );
  return true;
}

/** Each strategy watches its own services of the wave, all at once, on one read budget. */
async function watchWave(
  ctx: StageContext,
  members: RolloutTarget[],
  started: StartedDeployment[],
  shared: Shared,
): Promise<ServiceRolloutResult[]> {
  const strategyOf = (s: StartedDeployment) => members.find((m) => m.service === s.service)?.strategy;
  const groups = byStrategy(started, strategyOf);
  const watched = await Promise.all(
    groups.map(([strategy, group]) =>
      strategy.watch(ctx, group, {
        deadline: shared.deadline,
        seenEvents: shared.seenEvents,
        budget: shared.budget,
        checks: shared.options.checks ?? NO_CHECKS,
      }),
    ),
  );
  return watched.flat();
}
