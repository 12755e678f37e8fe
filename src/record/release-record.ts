/**
 * The release record (docs/rollback.md "Release records and `to:`"): the tags on task definition revisions that
 * are ecs-release's only history. Their names, how they are read, the baseline the
 * first release writes, and the outcome every release ends with, in one place.
 */
import { TagResourceCommand } from '@aws-sdk/client-ecs';
import { shortArn } from '../aws/arn';
import { errorText } from '../aws/errors';
import type { LiveService, ReleaseOutcome } from '../model/contracts';
import type { StageContext } from '../runtime/context';

export const TAGS = {
  release: 'ecs-release:release',
  commit: 'ecs-release:commit',
  environment: 'ecs-release:environment',
  run: 'ecs-release:run',
  outcome: 'ecs-release:outcome',
} as const;

const RECORD_PREFIX = 'ecs-release:';

type TagLike = { key?: string | undefined; value?: string | undefined };

export function tagValue(tags: readonly TagLike[] | undefined, key: string): string | undefined {
  return tags?.find((t) => t.key === key)?.value;
}

/** Tags the release sets itself (a previous revision's are replaced, its outcome never carried over). */
export function isRecordTag(key: string | undefined): boolean {
  return key?.startsWith(RECORD_PREFIX) === true;
}

/** What a new revision records about the release that registered it. */
export interface ReleaseRecord {
  release: string;
  commit: string;
  environment: string;
  runUrl?: string;
}

export function releaseRecord(config: StageContext['config']): ReleaseRecord {
  return {
    release: config.release,
    commit: config.commit,
    environment: config.environment,
    ...(config.runUrl !== undefined && { runUrl: config.runUrl }),
  };
}

export function recordTags(record: ReleaseRecord): { key: string; value: string }[] {
  return [
    { key: TAGS.release, value: record.release },
    { key: TAGS.commit, value: record.commit },
    { key: TAGS.environment, value: record.environment },
    ...(record.runUrl ? [{ key: TAGS.run, value: record.runUrl }] : []),
  ];
}

/**
 * The release the services run, by the record tags of their running revisions.
 * A release leaves unchanged services on older revisions, so the newest revision
 * registered carries the id of the release that is running as a whole.
 */
export function runningReleaseOf(services: readonly LiveService[]): string | undefined {
  let newest: { at: number; release: string } | undefined;
  for (const s of services) {
    const release = tagValue(s.taskDefinitionTags, TAGS.release);
    if (!release) continue;
    const at = s.taskDefinition.registeredAt?.getTime() ?? 0;
    if (!newest || at > newest.at) newest = { at, release };
  }
  return newest?.release ?? (services.length > 0 ? 'baseline' : undefined);
}

/** The running revisions of `release` that never recorded how their release ended. */
export function unconfirmedRevisions(services: readonly LiveService[], release: string): string[] {
  return services
    .filter((s) => tagValue(s.taskDefinitionTags, TAGS.release) === release)
    .filter((s) => tagValue(s.taskDefinitionTags, TAGS.outcome) !== 'succeeded')
    .map((s) => s.taskDefinition.taskDefinitionArn ?? '');
}

/**
 * The first release marks the revisions it replaces as release `baseline`, outcome
 * `succeeded`, so `rollback` has somewhere to go from the first release on.
 * Returns the revisions tagged (those that carried no release record).
 */
export async function tagBaseline(ctx: StageContext, services: readonly LiveService[]): Promise<string[]> {
  const untagged = new Set(
    services
      .filter((s) => tagValue(s.taskDefinitionTags, TAGS.release) === undefined)
      .map((s) => s.taskDefinition.taskDefinitionArn ?? '')
      .filter(Boolean),
  );
  for (const arn of untagged) {
    await ctx.aws.ecs.send(
      new TagResourceCommand({
        resourceArn: arn,
        tags: [
          { key: TAGS.release, value: 'baseline' },
          { key: TAGS.outcome, value: 'succeeded' },
          { key: TAGS.environment, value: ctx.config.environment },
        ],
      }),
      { abortSignal: ctx.signal },
    );
    ctx.log.info(`tagged ${shortArn(arn)} as release baseline (what ran before ecs-release's first release)`);
  }
  return [...untagged];
}

export interface TagOutcomeResult {
  tagged: string[];
  failed: { arn: string; error: string }[];
}

/**
 * Records how the release ended on its revisions (`ecs-release:outcome`), which is
 * what `previous` and `to:` choose by. Never throws: a tag that could not be written
 * is a warning with the command that writes it, not a second failure of the release.
 */
export async function tagOutcome(
  ctx: StageContext,
  taskDefinitionArns: string[],
  outcome: ReleaseOutcome,
): Promise<TagOutcomeResult> {
  const arns = [...new Set(taskDefinitionArns)];
  const result: TagOutcomeResult = { tagged: [], failed: [] };
  await Promise.all(
    arns.map(async (arn) => {
      try {
        // No abort signal: the outcome is recorded on cancellation too.
        await ctx.aws.ecs.send(
          new TagResourceCommand({ resourceArn: arn, tags: [{ key: TAGS.outcome, value: outcome }] }),
        );
        result.tagged.push(arn);
      } catch (error) {
        const text = errorText(error);
        result.failed.push({ arn, error: text });
        ctx.log.warning(
          `could not tag ${arn} with ${TAGS.outcome}=${outcome} (${text}); rollbacks choose releases by this tag, so set it by hand: ` +
            `aws ecs tag-resource --region ${ctx.config.region} --resource-arn ${arn} --tags key=${TAGS.outcome},value=${outcome}`,
        );
      }
    }),
  );
  if (result.tagged.length > 0) {
    ctx.log.info(
      `recorded outcome ${outcome} on ${result.tagged.length} task definition revision${result.tagged.length === 1 ? '' : 's'}`,
    );
  }
  result.tagged.sort();
  return result;
}
