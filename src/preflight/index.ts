/**
 * Preflight (docs/rollout.md "Preflight"): read-only. Every problem is collected and reported in one
 * error, so a user fixes everything in one go, and nothing in AWS has changed.
 */
import type { PreflightResult } from '../model/contracts';
import type { StageContext } from '../runtime/context';
import { evaluateAlarms, lookUpAlarms } from './alarms';
import { checkBuiltInServices } from './built-in';
import { type Findings, newFindings, PreflightError } from './findings';
import { checkGroundFor, type GroundSink, liveTasks } from './ground';
import { checkCredentialLifetime, checkIdentity } from './identity';
import { checkRepositories } from './repositories';
import { checkServices } from './services';
import { settleOwnDeployments } from './settle';
import { checkSmokeUrl } from './smoke';

export { resolveContainers, taskArchitecture } from './containers';
export { PreflightError } from './findings';
export { checkGroundFor, type GroundSink, type GroundTask, liveTasks, readRunning } from './ground';
export { worstCaseMs } from './identity';

/**
 * A check other stages add (the DB instance's state, a rollback target's images):
 * it sees what preflight found and adds problems or warnings, never mutates AWS.
 */
export type PreflightCheck = (ctx: StageContext, found: PreflightResult) => Promise<Partial<Findings>>;

/** A check that also finds something a command needs (a rollback's target): its value leaves preflight with the result. */
export type PreflightResolver<T> = (
  ctx: StageContext,
  found: PreflightResult,
) => Promise<{ problems?: string[]; warnings?: string[]; value?: T }>;

export interface PreflightOptions {
  checks?: PreflightCheck[];
  /**
   * Where the ground checks' findings go (the report's summary section). The checks run
   * for every command that calls preflight; a resolver's command (rollback) checks its
   * own target's tasks, so preflight checks only the load balancers' ground then.
   */
  ground?: GroundSink;
  /** Preflight without the ground checks: only the bench sets it, to measure what they add. */
  withoutGround?: true;
}

/** Preflight plus a resolver: the value when preflight passed (it is then always there). */
export async function runPreflightResolving<T>(
  ctx: StageContext,
  resolve: PreflightResolver<T>,
  options: PreflightOptions = {},
): Promise<{ found: PreflightResult; value: T }> {
  const { result, f } = await gather(ctx, [], { ...options, tasksLater: true });
  const out = await resolve(ctx, result);
  f.problems.push(...(out.problems ?? []));
  f.warnings.push(...(out.warnings ?? []));
  conclude(ctx, result, f);
  if (out.value === undefined) throw new Error('preflight passed without resolving what the command needs');
  return { found: result, value: out.value };
}

export async function runPreflight(
  ctx: StageContext,
  options: PreflightOptions = {},
): Promise<PreflightResult> {
  const { result, f } = await gather(ctx, options.checks ?? [], options);
  conclude(ctx, result, f);
  return result;
}

/** Every read and check, the problems collected (not thrown yet, so a resolver can add its own). */
async function gather(
  ctx: StageContext,
  checks: PreflightCheck[],
  options: PreflightOptions & { tasksLater?: boolean },
): Promise<{ result: PreflightResult; f: Findings }> {
  const f = newFindings();
  const account = await checkIdentity(ctx, f);
  // Without working credentials every other call fails the same way: one clear problem is enough.
  if (account === undefined) throw new PreflightError(f.problems);
  // First, and alone: the way back of a run that ended settles before any check reads a service (settle.ts).
  const settled = await settleOwnDeployments(ctx);

  const live = checkServices(ctx, f, settled);
  // Asked beside the rest; the ground checks compare the certificate it was served with the listener's.
  const served = checkSmokeUrl(ctx, f);
  const [services, repositories, alarms] = await Promise.all([
    live.then(async (found) => {
      await checkBuiltInServices(ctx, found, f);
      return found;
    }),
    checkRepositories(ctx, account, f),
    lookUpAlarms(ctx, f),
    checkCredentialLifetime(ctx, f),
    served,
    // The ground (docs/ground.md) beside the rest, once the services are known; deploy and
    // plan check the revisions they run now: rendering changes only the images.
    live.then(async (found) => {
      if (options.withoutGround) return;
      const tasks = options.tasksLater ? [] : liveTasks(found);
      const g = await checkGroundFor(ctx, account, { services: found, tasks, served }, options.ground);
      f.problems.push(...g.problems);
      f.warnings.push(...g.warnings);
    }),
  ]);
  const result: PreflightResult = {
    accountId: account ?? '',
    services,
    repositories,
    alarms: alarms ? evaluateAlarms(ctx.config.gate, alarms, f) : [],
    warnings: f.warnings,
    ...(f.stale?.length ? { staleReleases: f.stale } : {}),
  };
  for (const check of checks) {
    const extra = await check(ctx, result);
    f.problems.push(...(extra.problems ?? []));
    f.warnings.push(...(extra.warnings ?? []));
  }
  return { result, f };
}

/** Warnings logged; every problem thrown together; else the one line of what preflight found. */
function conclude(ctx: StageContext, result: PreflightResult, f: Findings): void {
  const { services } = result;
  for (const w of f.warnings) ctx.log.warning(w);
  if (f.problems.length > 0) throw new PreflightError(f.problems);
  ctx.log.info(
    `preflight: account ${result.accountId}, cluster ${ctx.config.cluster}, ${services.length} service` +
      `${services.length === 1 ? '' : 's'} (${services
        .map((s) => `${s.config.service} runs ${s.taskDefinition.family}:${s.taskDefinition.revision}`)
        .join(', ')}), ${result.alarms.length} gate alarm${result.alarms.length === 1 ? '' : 's'}`,
  );
}
