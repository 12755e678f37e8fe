/**
 * Render (docs/rollout.md "Render"): each service's new revision from the one it runs now, and
 * only the changed ones registered.
 */
import { RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { shortArn } from '../aws/arn';
import type {
  ImagesResult,
  PreflightResult,
  RenderedService,
  RenderResult,
  RolloutTarget,
} from '../model/contracts';
import { releaseRecord } from '../record/release-record';
import type { StageContext } from '../runtime/context';
import { diffTaskDefinitions } from './diff';
import { renderTaskDefinition, sameDefinition } from './task-definition';

export { type ReleaseRecord, recordTags, releaseRecord } from '../record/release-record';
export { diffTaskDefinitions } from './diff';
export { previewServices } from './preview';
export {
  comparable,
  registrableFields,
  renderTaskDefinition,
  sameDefinition,
} from './task-definition';

export async function renderRelease(
  ctx: StageContext,
  preflight: PreflightResult,
  images: ImagesResult,
): Promise<RenderResult> {
  const references = Object.fromEntries(Object.entries(images).map(([k, v]) => [k, v.reference]));
  const record = releaseRecord(ctx.config);
  // Services running the same revision with the same mappings share one new revision.
  const registered = new Map<string, Promise<string>>();
  const services = await Promise.all(
    preflight.services.map(async (live): Promise<RenderedService> => {
      const td = live.taskDefinition;
      const previousArn = td.taskDefinitionArn ?? '';
      const running = { ...td, tags: live.taskDefinitionTags };
      const input = renderTaskDefinition(td, live.taskDefinitionTags, live.containers, references, record);
      if (sameDefinition(running, input)) {
        ctx.log.info(`${live.config.service}: unchanged, keeps ${shortArn(previousArn)}`);
        return { live, previousArn, targetArn: previousArn, changed: false };
      }
      const key = JSON.stringify(input);
      let arn = registered.get(key);
      if (!arn) {
        arn = register(ctx, input);
        registered.set(key, arn);
      }
      const targetArn = await arn;
      ctx.log.info(
        `${live.config.service}: registered ${shortArn(targetArn)} (was ${shortArn(previousArn)})`,
      );
      ctx.log.debug(diffTaskDefinitions(running, input));
      return { live, previousArn, targetArn, changed: true };
    }),
  );
  return { services };
}

async function register(ctx: StageContext, input: ReturnType<typeof renderTaskDefinition>): Promise<string> {
  try {
    const out = await ctx.aws.ecs.send(new RegisterTaskDefinitionCommand(input), { abortSignal: ctx.signal });
    const arn = out.taskDefinition?.taskDefinitionArn;
    if (!arn) throw new Error('the response carried no taskDefinitionArn');
    return arn;
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new Error(
      `Registering the new revision of task definition family ${input.family} failed: ${why}. ` +
        'Check the role has ecs:RegisterTaskDefinition and ecs:TagResource (and iam:PassRole for its roles).',
    );
  }
}

/** The services this release moves: only those whose revision changed. */
export function rolloutTargets(render: RenderResult): RolloutTarget[] {
  return render.services
    .filter((s) => s.changed)
    .map((s) => ({
      service: s.live.config.service,
      taskDefinitionArn: s.targetArn,
      wave: s.live.config.wave,
    }));
}
