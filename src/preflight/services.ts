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
  unfinishedRelease,
} from './service-checks';

/** The cluster, every service, and the revision each runs now. */
export async function checkServices(ctx: StageContext, f: Findings): Promise<LiveService[]> {
  const { cluster, region, services: configured } = ctx.config;
  const ecs = ctx.aws.ecs;
  const opts = { abortSignal: ctx.signal };
  try {
    const out = await ecs.send(new DescribeClustersCommand({ clusters: [cluster] }), opts);
    const found = out.clusters?.[0];
    if (!found) {
      f.problems.push(
        `cluster: "${cluster}" was not found in ${region}; check the cluster name and region (aws ecs list-clusters --region ${region}).`,
      );
      return [];
    }
    if (found.status !== 'ACTIVE') {
      f.problems.push(
        `cluster: "${cluster}" is ${found.status ?? 'not ACTIVE'}; deploy to an ACTIVE cluster.`,
      );
      return [];
    }
  } catch (error) {
    f.problems.push(`cluster: ecs:DescribeClusters for "${cluster}" failed (${errorText(error)}).`);
    return [];
  }

  const byName = new Map<string, Service>();
  for (const batch of chunks(
    configured.map((s) => s.service),
    10,
  )) {
    try {
      const out = await ecs.send(new DescribeServicesCommand({ cluster, services: batch }), opts);
      for (const s of out.services ?? []) if (s.serviceName) byName.set(s.serviceName, s);
    } catch (error) {
      f.problems.push(`services ${batch.join(', ')}: ecs:DescribeServices failed (${errorText(error)}).`);
      return [];
    }
  }

  const wanted: { config: (typeof configured)[number]; service: Service; arn: string }[] = [];
  const busy: { name: string; deployments: NonNullable<Service['deployments']> }[] = [];
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

  // One DescribeTaskDefinition per distinct revision: services may share one.
  const arns = new Set([
    ...wanted.map((w) => w.arn),
    ...busy.flatMap((b) => b.deployments.map((d) => d.taskDefinition ?? '')).filter(Boolean),
  ]);
  const described = new Map<string, { td: TaskDefinition; tags: Tag[] } | Error>();
  await Promise.all(
    [...arns].map(async (arn) => {
      try {
        const out = await ecs.send(
          new DescribeTaskDefinitionCommand({ taskDefinition: arn, include: ['TAGS'] }),
          opts,
        );
        if (out.taskDefinition) described.set(arn, { td: out.taskDefinition, tags: out.tags ?? [] });
      } catch (error) {
        described.set(arn, error instanceof Error ? error : new Error(String(error)));
      }
    }),
  );

  const tagsByArn = new Map<string, Tag[]>();
  for (const [arn, d] of described) if (!(d instanceof Error)) tagsByArn.set(arn, d.tags);
  for (const b of busy) f.problems.push(describeInFlight(b.name, b.deployments, tagsByArn));

  const live: LiveService[] = [];
  for (const w of wanted) {
    const d = described.get(w.arn);
    if (!d || d instanceof Error) {
      f.problems.push(
        `service ${w.config.service}: its task definition ${shortArn(w.arn)} could not be described` +
          `${d ? ` (${errorText(d)})` : ''}.`,
      );
      continue;
    }
    // A deployment in flight is already reported, with who started it.
    if (ctx.config.command === 'deploy' && !busy.some((b) => b.name === w.config.service)) {
      const unfinished = unfinishedRelease(w.config.service, d.tags, d.td.registeredAt, {
        release: ctx.config.release,
        now: ctx.clock.now(),
        windowMs: worstCaseMs(ctx.config),
        region,
      });
      if (unfinished) f.problems.push(unfinished);
    }
    const { containers, problems } = resolveContainers(w.config.service, d.td, w.config.containers);
    f.problems.push(...problems, ...checkPlatform(w.config.service, d.td, containers, ctx.config.images));
    live.push({
      config: w.config,
      arn: w.service.serviceArn ?? w.config.service,
      service: w.service,
      taskDefinition: d.td,
      taskDefinitionTags: d.tags,
      containers,
    });
  }
  return live;
}
