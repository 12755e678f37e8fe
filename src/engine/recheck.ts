/**
 * docs/rollout.md "Another run still in progress": between preflight and a mutation (the migration, each wave's
 * UpdateService, the outcome tags) minutes can pass: image builds, the migration,
 * earlier waves. Before each one the run re-reads the services it is about to touch
 * and stops, having changed nothing more, if someone else moved one of them.
 */
import { DescribeServicesCommand, type Service } from '@aws-sdk/client-ecs';
import { shortArn } from '../aws/arn';
import { chunks } from '../aws/batch';
import { errorText } from '../aws/errors';
import type { ServiceRolloutResult } from '../model/contracts';
import { type Claim, checkClaim } from '../record';
import type { StageContext } from '../runtime/context';
import { untilAccepted } from './retry';

/** Another actor changed a service this run was about to change. */
export class ServicesChangedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ServicesChangedError';
  }
}

export interface Expected {
  service: string;
  /** What its PRIMARY deployment must run. */
  taskDefinitionArn: string;
}

/** Why `s` is not as expected, or undefined. `settled`: no other deployment may be in flight. */
function mismatch(s: Service | undefined, e: Expected, settled: boolean): string | undefined {
  if (s?.status !== 'ACTIVE') return `${e.service} is no longer an active service`;
  const deployments = s.deployments ?? [];
  const primary = deployments.find((d) => d.status === 'PRIMARY')?.taskDefinition;
  if (primary !== e.taskDefinitionArn) {
    return `${e.service} now runs ${primary ? shortArn(primary) : 'no PRIMARY deployment'}, not ${shortArn(e.taskDefinitionArn)}`;
  }
  if (settled && deployments.length > 1) return `${e.service} has another deployment in flight`;
  return undefined;
}

/** Re-reads `expected` (10 services per DescribeServices) and throws ServicesChangedError naming each difference. */
export async function checkServices(
  ctx: StageContext,
  expected: readonly Expected[],
  before: string,
  { settled = true }: { settled?: boolean } = {},
): Promise<void> {
  const problems: string[] = [];
  for (const batch of chunks(expected, 10)) {
    const out = await ctx.aws.ecs.send(
      new DescribeServicesCommand({ cluster: ctx.config.cluster, services: batch.map((e) => e.service) }),
      { abortSignal: ctx.signal },
    );
    for (const e of batch) {
      const why = mismatch(
        out.services?.find((s) => s.serviceName === e.service),
        e,
        settled,
      );
      if (why) problems.push(why);
    }
  }
  if (problems.length === 0) return;
  throw new ServicesChangedError(
    `${problems.join('; ')}: someone else changed ${problems.length === 1 ? 'it' : 'them'} since preflight, so this run stopped before ${before}.`,
  );
}

/** Both re-checks before a mutation: the claim is still this run's, and the services are as it expects. */
export async function checkBefore(
  ctx: StageContext,
  claim: Claim,
  expected: readonly Expected[],
  before: string,
): Promise<void> {
  await checkClaim(ctx, claim, before);
  if (expected.length > 0) await checkServices(ctx, expected, before);
}

/** A service of the way back, with what this run's own deployment of it was. */
export interface Returning {
  service: string;
  /** Where it goes back to. */
  taskDefinitionArn: string;
  /** What this run deployed there, and the deployment that did it (`unknown` when its UpdateService errored). */
  moved: { taskDefinitionArn: string; deploymentId?: string | undefined };
}

/** Why `s` is no longer this run's to move back, or undefined. */
function movedByOthers(s: Service | undefined, r: Returning): string | undefined {
  if (s?.status !== 'ACTIVE') return `${r.service} is no longer an active service`;
  const primary = (s.deployments ?? []).find((d) => d.status === 'PRIMARY');
  // Already on the revision it goes back to (this run's UpdateService never took): going back moves nothing new.
  if (primary?.taskDefinition === r.taskDefinitionArn) return undefined;
  const ours = r.moved.deploymentId && r.moved.deploymentId !== 'unknown' ? r.moved.deploymentId : undefined;
  if (primary?.taskDefinition === r.moved.taskDefinitionArn && (!ours || primary.id === ours))
    return undefined;
  const now = primary?.taskDefinition ? shortArn(primary.taskDefinition) : 'no PRIMARY deployment';
  return `${r.service} now runs ${now}${primary?.id ? ` (deployment ${primary.id})` : ''}, not this run's ${shortArn(r.moved.taskDefinitionArn)}`;
}

/**
 * Just before the way back's UpdateService calls: of `returning`, the services another
 * deployment moved since this run's, each as a `replaced` result. They are left to
 * whoever moved them (two actors must not race on one service); the others go back.
 * Not tied to the run's abort signal (a cancelled run goes back too); transient errors
 * are retried like the way back's calls, and a read that still fails leaves every
 * service to the way back, as before this check.
 */
export async function movedByOthersSince(
  ctx: StageContext,
  returning: readonly Returning[],
): Promise<ServiceRolloutResult[]> {
  const left: ServiceRolloutResult[] = [];
  try {
    for (const batch of chunks(returning, 10)) {
      const out = await untilAccepted(ctx, () =>
        ctx.aws.ecs.send(
          new DescribeServicesCommand({ cluster: ctx.config.cluster, services: batch.map((r) => r.service) }),
        ),
      );
      for (const r of batch) {
        const live = out.services?.find((s) => s.serviceName === r.service);
        const why = movedByOthers(live, r);
        if (!why) continue;
        const detail = `${why}: another deployment moved it since this run's, so this run leaves it to that deployment`;
        ctx.log.warning(`${r.service}: not rolled back: ${detail}`);
        const runs = live?.deployments?.find((d) => d.status === 'PRIMARY')?.taskDefinition;
        left.push({
          service: r.service,
          taskDefinitionArn: runs ?? r.moved.taskDefinitionArn,
          state: 'replaced',
          detail,
        });
      }
    }
  } catch (error) {
    ctx.log.warning(
      `could not re-read the services before going back (${errorText(error)}): going back as decided`,
    );
    return [];
  }
  return left;
}
