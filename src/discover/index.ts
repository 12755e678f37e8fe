/**
 * `ecs-release init`'s reads (docs/init.md): what an account already runs, read-only.
 * The services first (everything else hangs off them), then their repositories, load
 * balancers, alarms and database at once.
 */
import { DescribeClustersCommand } from '@aws-sdk/client-ecs';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { readAlarms, watchedResources } from './alarms';
import type { DiscoverContext } from './context';
import { readDatabase } from './database';
import { readServices } from './ecs';
import { readServiceFront } from './front';
import { readRepositories } from './repositories';
import type { Found } from './types';

export { TARGET_TRACKING_PREFIX } from './alarms';
export type { DiscoverContext } from './context';
export type * from './types';

export interface DiscoverOptions {
  region: string;
  cluster: string;
  /** Only these services; all the cluster's when absent. */
  services?: string[];
}

async function clusterArn(ctx: DiscoverContext, cluster: string): Promise<string> {
  await ctx.budget.take(1, ctx.signal);
  const out = await ctx.aws.ecs.send(new DescribeClustersCommand({ clusters: [cluster] }), {
    abortSignal: ctx.signal,
  });
  const found = out.clusters?.find((c) => c.status !== 'INACTIVE');
  if (!found?.clusterArn) throw new Error(`cluster ${cluster} was not found in this account and region`);
  return found.clusterArn;
}

export async function discover(ctx: DiscoverContext, options: DiscoverOptions): Promise<Found> {
  const unread: string[] = [];
  const [arn, identity] = await Promise.all([
    clusterArn(ctx, options.cluster),
    ctx.aws.sts.send(new GetCallerIdentityCommand({}), { abortSignal: ctx.signal }),
  ]);
  const { found: services, described } = await readServices(ctx, options.cluster, options.services, unread);
  const repositoryNames = services.flatMap((s) =>
    s.containers.flatMap((c) => (c.repository ? [c.repository] : [])),
  );
  const [repositories, front, database] = await Promise.all([
    readRepositories(ctx, repositoryNames, unread),
    readServiceFront(ctx, described, unread),
    readDatabase(ctx, services, unread),
  ]);
  const watched = watchedResources(
    front.loadBalancerArns,
    services.flatMap((s) => s.targetGroupArns),
    services.map((s) => s.name),
  );
  const { alarms, skipped } = await readAlarms(ctx, watched);
  return {
    region: options.region,
    ...(identity.Account ? { account: identity.Account } : {}),
    cluster: options.cluster,
    clusterArn: arn,
    services,
    repositories,
    front,
    alarms,
    skippedAlarms: skipped,
    ...(database ? { database } : {}),
    unread,
  };
}
