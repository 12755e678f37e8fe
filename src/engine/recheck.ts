/**
 * SPEC 3.8: between preflight and a mutation (the migration, each wave's
 * UpdateService, the outcome tags) minutes can pass: image builds, the migration,
 * earlier waves. Before each one the run re-reads the services it is about to touch
 * and stops, having changed nothing more, if someone else moved one of them.
 */
import { DescribeServicesCommand, type Service } from '@aws-sdk/client-ecs';
import { shortArn } from '../aws/arn';
import { chunks } from '../aws/batch';
import { type Claim, checkClaim } from '../record';
import type { StageContext } from '../runtime/context';

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
