/**
 * The promotion stage (docs/promotion.md): instead of building, put the digests of the
 * `images` input into this environment's repositories: copied by the registry API when
 * they are not there yet, then tagged with the commit and the source's content tag.
 */
import { ImageTagAlreadyExistsException, PutImageCommand } from '@aws-sdk/client-ecr';
import type { ImageConfig } from '../config/types';
import type { BuiltImage, ImagesResult } from '../model/contracts';
import { copyImage, type RepositoryRef } from '../registry';
import type { StageContext } from '../runtime/context';
import { computeContentKey } from './content-key';
import { ensureRepository, existingTagDigests, findDigest, type RegistryImage } from './ecr';
import { ImagesError } from './errors';
import type { PromotionJob, PromotionPlan } from './promote-source';

export { checkPromotion, type PromotionPlan } from './promote-source';

/**
 * Adds each tag the target lacks. A tag that already names another digest (an immutable
 * repository that built this commit itself) stays: the release runs by digest.
 */
async function tagPromoted(ctx: StageContext, job: PromotionJob, image: RegistryImage, tags: string[]) {
  const prefix = `[${job.key}]`;
  const current = await existingTagDigests(ctx, job.target.name, tags);
  const added: string[] = [];
  for (const tag of tags) {
    const other = current.get(tag);
    if (other === image.digest) continue;
    if (other) {
      ctx.log.warning(
        `${prefix} the tag ${tag} in ${job.target.uri} already names ${other}, not the promoted ${image.digest}: left as it is (the release runs by digest)`,
      );
      continue;
    }
    try {
      await ctx.aws.ecr.send(
        new PutImageCommand({
          repositoryName: job.target.name,
          imageManifest: image.manifest,
          imageManifestMediaType: image.mediaType,
          imageDigest: image.digest,
          imageTag: tag,
        }),
        { abortSignal: ctx.signal },
      );
      added.push(tag);
    } catch (error) {
      // Tagged by another run meanwhile: the next promotion reports what it names.
      if (!(error instanceof ImageTagAlreadyExistsException)) throw error;
      ctx.log.warning(`${prefix} the tag ${tag} in ${job.target.uri} was taken meanwhile: left as it is`);
    }
  }
  return added;
}

/** This environment's own content key for the image, compared with the source's: other build inputs deserve a word. */
async function compareContentKey(ctx: StageContext, job: PromotionJob, image: ImageConfig | undefined) {
  const source = job.source.contentTag;
  if (!image || !source) return;
  try {
    const own = await computeContentKey(ctx.workdir, image);
    if (own.tag !== source) {
      ctx.log.warning(
        `[${job.key}] this environment's build inputs give the content tag ${own.tag}, the promoted image carries ${source}: its build args, target or platform differ from the source's, and the promoted image is deployed as it was built`,
      );
    }
  } catch (error) {
    ctx.log.debug(`[${job.key}] no content key of this environment to compare: ${(error as Error).message}`);
  }
}

async function promoteOne(
  ctx: StageContext,
  job: PromotionJob,
  targetRef: RepositoryRef,
): Promise<BuiltImage> {
  const prefix = `[${job.key}]`;
  const { digest } = job.source;
  const target = await ensureRepository(ctx, job.key, job.target);
  job.target = target;
  let image = job.inTarget;
  if (image) {
    ctx.log.info(
      `${prefix} ${target.uri}@${digest} is already in this environment's repository: nothing to copy`,
    );
  } else {
    const copied = await copyImage(job.from, { ...targetRef, repository: target.name }, digest, {
      signal: ctx.signal,
      log: (line: string) => ctx.log.debug(`${prefix} ${line}`),
    });
    ctx.log.info(
      `${prefix} copied ${job.source.uri}@${digest} to ${target.uri}: ${copied.manifests} manifest(s), ${copied.blobsSent} blob(s) sent (${copied.bytesSent} bytes), ${copied.blobsMounted} mounted, ${copied.blobsSkipped} already there`,
    );
    image = await findDigest(ctx, target.name, digest);
    if (!image) {
      throw new ImagesError(
        job.key,
        `the copy to ${target.uri} ended, but ECR does not hold ${digest} there; promote again`,
      );
    }
  }
  const tags = [ctx.config.commit, ...(job.source.contentTag ? [job.source.contentTag] : [])];
  const added = await tagPromoted(ctx, job, image, tags);
  if (added.length > 0) ctx.log.info(`${prefix} tagged ${target.uri}@${digest} ${added.join(', ')}`);
  await compareContentKey(
    ctx,
    job,
    ctx.config.images.find((i) => i.key === job.key),
  );
  return {
    key: job.key,
    uri: target.uri,
    digest,
    reference: `${target.uri}@${digest}`,
    contentTag: job.source.contentTag ?? '',
    built: false,
    promotedFrom: job.source.uri,
  };
}

/** Every promoted image in this environment's repository, tagged; nothing built. */
export async function promoteImages(ctx: StageContext, plan: PromotionPlan): Promise<ImagesResult> {
  const targetRef: RepositoryRef = { host: plan.targetAuth.host, repository: '', auth: plan.targetAuth };
  const out: ImagesResult = {};
  // One at a time: a copy streams its blobs, and two at once would only share the same link.
  for (const job of plan.jobs) out[job.key] = await promoteOne(ctx, job, targetRef);
  for (const image of Object.values(out)) {
    ctx.log.info(`${image.key}: ${image.reference} (promoted from ${image.promotedFrom}, not built)`);
  }
  return out;
}
