/**
 * The cluster's services and the task definitions they run, read with the SDK's
 * paginator (ListServices) and DescribeServices' 10-per-call batches.
 */
import {
  type ContainerDefinition,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  paginateListServices,
  type Service,
} from '@aws-sdk/client-ecs';
import { shortArn } from '../aws/arn';
import { chunks } from '../aws/batch';
import type { DiscoverContext } from './context';
import type { FoundContainer, FoundService } from './types';

/** DescribeServices takes at most 10 services per call. */
const SERVICES_PER_CALL = 10;

/** Every service ARN of the cluster (all pages), or the named ones as given. */
async function serviceNames(ctx: DiscoverContext, cluster: string, named?: string[]): Promise<string[]> {
  if (named && named.length > 0) return named;
  const out: string[] = [];
  const pages = paginateListServices(
    { client: ctx.aws.ecs, pageSize: 100 },
    { cluster },
    { abortSignal: ctx.signal },
  );
  for await (const page of pages) {
    await ctx.budget.take(1, ctx.signal);
    out.push(...(page.serviceArns ?? []));
  }
  return out;
}

/** `registry/path:tag` or `registry/path@sha256:…` → `path`; undefined for a Docker Hub short name. */
export function repositoryOf(image: string): string | undefined {
  const withoutDigest = image.split('@')[0] ?? image;
  const slash = withoutDigest.indexOf('/');
  if (slash < 0) return undefined;
  const host = withoutDigest.slice(0, slash);
  // A first part with a dot, a port or `localhost` is a registry; otherwise the name is Docker Hub's.
  if (!/[.:]/.test(host) && host !== 'localhost') return undefined;
  const path = withoutDigest.slice(slash + 1);
  const tag = path.lastIndexOf(':');
  return tag > path.lastIndexOf('/') ? path.slice(0, tag) : path;
}

function container(c: ContainerDefinition): FoundContainer {
  const image = c.image ?? '';
  const repository = repositoryOf(image);
  return {
    name: c.name ?? '',
    image,
    ...(repository ? { repository } : {}),
    environment: (c.environment ?? []).map((e) => ({ name: e.name ?? '', value: e.value ?? '' })),
    secrets: (c.secrets ?? []).map((s) => ({ name: s.name ?? '', valueFrom: s.valueFrom ?? '' })),
  };
}

/** The strategy ecs-release will drive: the built-in one, or the controller when it is not ECS. */
function strategyOf(service: Service): string {
  const controller = service.deploymentController?.type ?? 'ECS';
  if (controller !== 'ECS') return controller;
  return service.deploymentConfiguration?.strategy ?? 'ROLLING';
}

async function describeService(ctx: DiscoverContext, service: Service): Promise<FoundService> {
  const taskDefinition = service.taskDefinition ?? '';
  await ctx.budget.take(1, ctx.signal);
  const td = (
    await ctx.aws.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition }), { abortSignal: ctx.signal })
  ).taskDefinition;
  const defs = td?.containerDefinitions ?? [];
  const groups = defs
    .map((c) => c.logConfiguration?.options?.['awslogs-group'])
    .filter((g): g is string => typeof g === 'string');
  return {
    name: service.serviceName ?? shortArn(service.serviceArn),
    arn: service.serviceArn ?? '',
    taskDefinitionArn: td?.taskDefinitionArn ?? taskDefinition,
    family: td?.family ?? '',
    strategy: strategyOf(service),
    containers: defs.map(container),
    targetGroupArns: (service.loadBalancers ?? [])
      .map((lb) => lb.targetGroupArn)
      .filter((a): a is string => typeof a === 'string'),
    ...(td?.executionRoleArn ? { executionRoleArn: td.executionRoleArn } : {}),
    ...(td?.taskRoleArn ? { taskRoleArn: td.taskRoleArn } : {}),
    logGroups: [...new Set(groups)],
  };
}

/**
 * The services (all of the cluster's, or `named`), each with its task definition.
 * A named service ECS does not know is reported in `unread`, never guessed.
 */
export async function readServices(
  ctx: DiscoverContext,
  cluster: string,
  named: string[] | undefined,
  unread: string[],
): Promise<{ found: FoundService[]; described: Service[] }> {
  const names = await serviceNames(ctx, cluster, named);
  const services: Service[] = [];
  for (const batch of chunks(names, SERVICES_PER_CALL)) {
    await ctx.budget.take(1, ctx.signal);
    const out = await ctx.aws.ecs.send(new DescribeServicesCommand({ cluster, services: batch }), {
      abortSignal: ctx.signal,
    });
    services.push(...(out.services ?? []).filter((s) => s.status !== 'INACTIVE'));
    for (const f of out.failures ?? []) unread.push(`service ${shortArn(f.arn)}: ${f.reason ?? 'not found'}`);
  }
  const found: FoundService[] = [];
  for (const service of services) found.push(await describeService(ctx, service));
  return { found: found.sort((a, b) => a.name.localeCompare(b.name)), described: services };
}
