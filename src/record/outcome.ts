import { TagResourceCommand } from '@aws-sdk/client-ecs';
import { type ReleaseOutcome, TAGS } from '../pipeline/contracts';
import type { StageContext } from '../runtime/context';

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
        const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
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
