import { DescribeTaskDefinitionCommand, paginateListTaskDefinitions } from '@aws-sdk/client-ecs';
import type { LiveService } from '../model/contracts';
import type { StageContext } from '../runtime/context';
import { buildHistory, type ReleaseHistory, type ReleaseRevision, revisionFromTags } from './releases';

export interface FindReleasesOptions {
  /** Newest ACTIVE revisions read per family (default 100): bounds the calls on long histories. */
  maxRevisions?: number;
  /** DescribeTaskDefinition calls in flight at once (default 5). */
  concurrency?: number;
}

/** What findReleases needs of a service: its name and its task definition family (preflight's LiveService has both). */
export type ReleaseSource = Pick<LiveService, 'config' | 'taskDefinition'>;

/**
 * Reads the record tags of each service's task definition family (newest revisions
 * first) and groups them into the releases of `ctx.config.environment`.
 * Deregistered (INACTIVE) revisions are left out: a service cannot be moved to them.
 */
export async function findReleases(
  ctx: StageContext,
  services: readonly ReleaseSource[],
  options: FindReleasesOptions = {},
): Promise<ReleaseHistory> {
  const max = options.maxRevisions ?? 100;
  const perFamily = await Promise.all(
    services.map(async (live) => {
      const family = live.taskDefinition.family ?? '';
      const arns = await listRevisions(ctx, family, max);
      const revisions = await mapLimited(arns, options.concurrency ?? 5, (arn) =>
        readRevision(ctx, live.config.service, arn),
      );
      const tagged = revisions.filter((r): r is ReleaseRevision => r !== undefined);
      ctx.log.debug(
        `releases: ${family}: ${arns.length} revision${arns.length === 1 ? '' : 's'} read, ${tagged.length} tagged by ecs-release`,
      );
      return tagged;
    }),
  );
  const history = buildHistory(ctx.config.environment, perFamily.flat());
  ctx.log.info(
    `releases: found ${history.releases.length} release${history.releases.length === 1 ? '' : 's'} of environment ${history.environment} in the task definitions' tags`,
  );
  return history;
}

async function listRevisions(ctx: StageContext, family: string, max: number): Promise<string[]> {
  const arns: string[] = [];
  const pages = paginateListTaskDefinitions(
    { client: ctx.aws.ecs, pageSize: Math.min(100, max) },
    { familyPrefix: family, status: 'ACTIVE', sort: 'DESC' },
    { abortSignal: ctx.signal },
  );
  let more = false;
  for await (const page of pages) {
    // familyPrefix is a prefix in AWS ("app" also lists "app-worker"): keep the family's own.
    for (const arn of page.taskDefinitionArns ?? []) if (familyOf(arn) === family) arns.push(arn);
    more = page.nextToken !== undefined;
    if (arns.length >= max) break;
  }
  if (more) ctx.log.debug(`releases: ${family}: only the newest ${max} revisions were read`);
  return arns.slice(0, max);
}

async function readRevision(
  ctx: StageContext,
  service: string,
  arn: string,
): Promise<ReleaseRevision | undefined> {
  const out = await ctx.aws.ecs.send(
    new DescribeTaskDefinitionCommand({ taskDefinition: arn, include: ['TAGS'] }),
    { abortSignal: ctx.signal },
  );
  const td = out.taskDefinition;
  if (!td) return undefined;
  return revisionFromTags(
    {
      service,
      family: td.family ?? familyOf(arn),
      revision: td.revision ?? 0,
      arn: td.taskDefinitionArn ?? arn,
      registeredAt: td.registeredAt?.getTime() ?? 0,
      images: (td.containerDefinitions ?? []).flatMap((c) => (c.image ? [c.image] : [])),
    },
    out.tags,
  );
}

/** `family` of a task definition ARN (or `family:revision`). */
export function familyOf(arn: string): string {
  return arn.replace(/^.*:task-definition\//, '').replace(/:\d+$/, '');
}

async function mapLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}
