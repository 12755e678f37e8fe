/**
 * From the deployment UpdateService started (`ecs-svc/<digits>`) to the service
 * deployment that carries it: DescribeServices' `currentServiceDeployment` when its
 * target revision has the same digits (docs/aws-facts.md "Rollback and the revision id"), else the service's
 * ListServiceDeployments. Never "the newest one": someone else's deployment is not ours.
 */
import {
  type DeploymentConfiguration,
  DescribeServicesCommand,
  ListServiceDeploymentsCommand,
  type Service,
} from '@aws-sdk/client-ecs';
import { shortArn } from '../../aws/arn';
import { chunks } from '../../aws/batch';
import type { ReadBudget } from '../../observe/read-budget';
import type { StageContext } from '../../runtime/context';
import { describeDeployments } from './calls';
import { HOLD_STAGE, revisionId } from './stages';

export interface FoundDeployment {
  arn: string;
  /** Readable names by service revision id, from the service's deployments (ours and blue). */
  names: Map<string, string>;
  /** A PAUSE hook at POST_PRODUCTION_TRAFFIC_SHIFT is configured: the hold point is that hook, not BAKE_TIME. */
  holdHook: boolean;
}

export interface Wanted {
  service: string;
  deploymentId: string;
  taskDefinitionArn: string;
}

const abortable = (signal: AbortSignal | undefined) => (signal ? { abortSignal: signal } : {});

export function hasHoldHook(config: DeploymentConfiguration | undefined): boolean {
  return (config?.lifecycleHooks ?? []).some(
    (h) => h.targetType === 'PAUSE' && (h.lifecycleStages ?? []).includes(HOLD_STAGE),
  );
}

async function describeServices(
  ctx: StageContext,
  names: string[],
  budget: ReadBudget,
  signal?: AbortSignal,
) {
  const out = new Map<string, Service>();
  for (const batch of chunks(names, 10)) {
    await budget.take(1, signal);
    const answer = await ctx.aws.ecs.send(
      new DescribeServicesCommand({ cluster: ctx.config.cluster, services: batch }),
      abortable(signal),
    );
    for (const s of answer.services ?? []) if (s.serviceName) out.set(s.serviceName, s);
  }
  return out;
}

async function listed(ctx: StageContext, w: Wanted, budget: ReadBudget, signal?: AbortSignal) {
  await budget.take(1, signal);
  const answer = await ctx.aws.ecs.send(
    new ListServiceDeploymentsCommand({ cluster: ctx.config.cluster, service: w.service, maxResults: 100 }),
    abortable(signal),
  );
  const id = revisionId(w.deploymentId);
  return answer.serviceDeployments?.find((d) => revisionId(d.targetServiceRevisionArn) === id)
    ?.serviceDeploymentArn;
}

function namesOf(service: Service | undefined, w: Wanted): Map<string, string> {
  const names = new Map<string, string>();
  for (const d of service?.deployments ?? [])
    if (d.id && d.taskDefinition) names.set(revisionId(d.id), shortArn(d.taskDefinition));
  names.set(revisionId(w.deploymentId), shortArn(w.taskDefinitionArn));
  return names;
}

/** Each wanted deployment's service deployment, or undefined when ECS does not show it (yet). */
export async function findServiceDeployments(
  ctx: StageContext,
  wanted: readonly Wanted[],
  budget: ReadBudget,
  signal?: AbortSignal,
): Promise<(FoundDeployment | undefined)[]> {
  const services = await describeServices(
    ctx,
    wanted.map((w) => w.service),
    budget,
    signal,
  );
  const current = wanted.map((w) => services.get(w.service)?.currentServiceDeployment ?? '');
  const described = await describeDeployments(ctx, current.filter(Boolean), budget, signal);
  const out: (FoundDeployment | undefined)[] = [];
  for (const [i, w] of wanted.entries()) {
    const service = services.get(w.service);
    const sd = described.get(current[i] ?? '');
    const ours = sd && revisionId(sd.targetServiceRevision?.arn) === revisionId(w.deploymentId);
    const arn = ours ? sd.serviceDeploymentArn : await listed(ctx, w, budget, signal);
    out.push(
      arn
        ? { arn, names: namesOf(service, w), holdHook: hasHoldHook(service?.deploymentConfiguration) }
        : undefined,
    );
  }
  return out;
}
