import {
  DescribeClustersCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  type Service,
  type Tag,
  type TaskDefinition,
} from '@aws-sdk/client-ecs';
import { shortArn } from '../aws/arn';
import { chunks } from '../aws/batch';
import type { LiveService } from '../model/contracts';
import type { StageContext } from '../runtime/context';
import { checkPlatform, resolveContainers } from './containers';
import { errorText, type Findings } from './findings';
import { worstCaseMs } from './identity';
import {
  describeInFlight,
  hasCircuitBreaker,
  inFlight,
  primaryDeployment,
  serviceRefusals,
  type UnfinishedRevision,
  unfinishedRelease,
} from './service-checks';
import type { Settled } from './settle';
import { judgeUnfinished } from './unfinished';

type Configured = StageContext['config']['services'][number];
/** A service that can be deployed, and the revision it runs now. */
interface Wanted {
  config: Configured;
  service: Service;
  arn: string;
}
/** A service with a deployment in flight (someone else's, or an unfinished one). */
interface Busy {
  name: string;
  deployments: NonNullable<Service['deployments']>;
}
type Described = { td: TaskDefinition; tags: Tag[] } | Error;

/** The cluster, every service, and the revision each runs now (`settled`: what the settle step read and waited). */
export async function checkServices(
  ctx: StageContext,
  f: Findings,
  settled: Settled = {},
): Promise<LiveService[]> {
  if (!(await clusterIsActive(ctx, f))) return [];
  const byName = settled.services ?? (await describeServices(ctx, f));
  if (!byName) return [];
  const { wanted, busy } = screenServices(ctx, f, byName);
  // One DescribeTaskDefinition per distinct revision: services may share one.
  const described = await describeRevisions(ctx, [
    ...wanted.map((w) => w.arn),
    ...busy.flatMap((b) => b.deployments.map((d) => d.taskDefinition ?? '')).filter(Boolean),
  ]);
  const tagsByArn = new Map<string, Tag[]>();
  for (const [arn, d] of described) if (!(d instanceof Error)) tagsByArn.set(arn, d.tags);
  for (const b of busy) f.problems.push(describeInFlight(b.name, b.deployments, tagsByArn, settled.waitedMs));

  const live: LiveService[] = [];
  const unfinished: UnfinishedRevision[] = [];
  for (const w of wanted) {
    const service = liveService(ctx, f, w, described.get(w.arn), { busy, unfinished });
    if (service) live.push(service);
  }
  await judgeUnfinished(ctx, f, unfinished);
  return live;
}

async function clusterIsActive(ctx: StageContext, f: Findings): Promise<boolean> {
  const { cluster, region } = ctx.config;
  try {
    const out = await ctx.aws.ecs.send(new DescribeClustersCommand({ clusters: [cluster] }), {
      abortSignal: ctx.signal,
    });
    const found = out.clusters?.[0];
    if (!found) {
      f.problems.push(
        `cluster: "${cluster}" was not found in ${region}; check the cluster name and region (aws ecs list-clusters --region ${region}).`,
      );
      return false;
    }
    if (found.status !== 'ACTIVE') {
      f.problems.push(
        `cluster: "${cluster}" is ${found.status ?? 'not ACTIVE'}; deploy to an ACTIVE cluster.`,
      );
      return false;
    }
    return true;
  } catch (error) {
    f.problems.push(`cluster: ecs:DescribeClusters for "${cluster}" failed (${errorText(error)}).`);
    return false;
  }
}

/** Every configured service ECS knows, by name; undefined when a DescribeServices failed. */
async function describeServices(ctx: StageContext, f: Findings): Promise<Map<string, Service> | undefined> {
  const { cluster, services: configured } = ctx.config;
  const byName = new Map<string, Service>();
  for (const batch of chunks(
    configured.map((s) => s.service),
    10,
  )) {
    try {
      const out = await ctx.aws.ecs.send(new DescribeServicesCommand({ cluster, services: batch }), {
        abortSignal: ctx.signal,
      });
      for (const s of out.services ?? []) if (s.serviceName) byName.set(s.serviceName, s);
    } catch (error) {
      f.problems.push(`services ${batch.join(', ')}: ecs:DescribeServices failed (${errorText(error)}).`);
      return undefined;
    }
  }
  return byName;
}

/** The services that can be deployed, and those with a deployment in flight; the rest are problems. */
function screenServices(
  ctx: StageContext,
  f: Findings,
  byName: Map<string, Service>,
): { wanted: Wanted[]; busy: Busy[] } {
  const { cluster, region, services: configured } = ctx.config;
  const wanted: Wanted[] = [];
  const busy: Busy[] = [];
  for (const config of configured) {
    const service = byName.get(config.service);
    if (!service || service.status === 'INACTIVE') {
      f.problems.push(
        `service ${config.service} was not found in cluster ${cluster} (${region}); check the service name ` +
          `(aws ecs list-services --cluster ${cluster}).`,
      );
      continue;
    }
    const refusals = serviceRefusals(config.service, service);
    f.problems.push(...refusals);
    if (refusals.length > 0) continue;
    const moving = inFlight(service);
    if (moving.length > 0) busy.push({ name: config.service, deployments: moving });
    if (!hasCircuitBreaker(service)) {
      f.warnings.push(
        `service ${config.service} has no deployment circuit breaker: a new revision whose tasks never get healthy ` +
          'is only noticed at wait-timeout. Enable deploymentCircuitBreaker (with rollback) on the service.',
      );
    }
    const arn = primaryDeployment(service)?.taskDefinition ?? service.taskDefinition;
    if (!arn) {
      f.problems.push(`service ${config.service} has no task definition (no PRIMARY deployment).`);
      continue;
    }
    wanted.push({ config, service, arn });
  }
  return { wanted, busy };
}

/** Each distinct revision with its tags, or the error describing it gave. */
async function describeRevisions(ctx: StageContext, arns: string[]): Promise<Map<string, Described>> {
  const described = new Map<string, Described>();
  await Promise.all(
    [...new Set(arns)].map(async (arn) => {
      try {
        const out = await ctx.aws.ecs.send(
          new DescribeTaskDefinitionCommand({ taskDefinition: arn, include: ['TAGS'] }),
          { abortSignal: ctx.signal },
        );
        if (out.taskDefinition) described.set(arn, { td: out.taskDefinition, tags: out.tags ?? [] });
      } catch (error) {
        described.set(arn, error instanceof Error ? error : new Error(String(error)));
      }
    }),
  );
  return described;
}

/** The live service preflight hands on, once its revision is checked; undefined when it cannot be. */
function liveService(
  ctx: StageContext,
  f: Findings,
  w: Wanted,
  d: Described | undefined,
  { busy, unfinished }: { busy: Busy[]; unfinished: UnfinishedRevision[] },
): LiveService | undefined {
  if (!d || d instanceof Error) {
    f.problems.push(
      `service ${w.config.service}: its task definition ${shortArn(w.arn)} could not be described` +
        `${d ? ` (${errorText(d)})` : ''}.`,
    );
    return undefined;
  }
  // A deployment in flight is already reported, with who started it.
  if (ctx.config.command === 'deploy' && !busy.some((b) => b.name === w.config.service)) {
    const found = unfinishedRelease(w.config.service, w.arn, d.tags, d.td.registeredAt, {
      release: ctx.config.release,
      now: ctx.clock.now(),
      windowMs: worstCaseMs(ctx.config),
    });
    if (found) unfinished.push(found);
  }
  const { containers, problems } = resolveContainers(w.config.service, d.td, w.config.containers);
  f.problems.push(...problems, ...checkPlatform(w.config.service, d.td, containers, ctx.config.images));
  return {
    config: w.config,
    arn: w.service.serviceArn ?? w.config.service,
    service: w.service,
    taskDefinition: d.td,
    taskDefinitionTags: d.tags,
    containers,
  };
}
