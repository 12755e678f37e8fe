/**
 * Registry layer cache. The final stage's layers come from the deployed image's
 * inline cache. Earlier stages of a multi-stage Dockerfile are not in the final
 * image, so each gets an image of its own, `<repo>:cache-<content key>-<stage>`,
 * found next time through the deployed image's content tag.
 */
import type { RepositoryInfo } from '../model/contracts';
import type { StageContext } from '../runtime/context';
import { digestExists, existingTags, tagsOfDigest } from './ecr';

const CONTENT_TAG = /^content-([0-9a-f]{40})$/;

/** `cache-<key>-<stage>`, kept to ECR's 128-character tag limit and character set. */
export function cacheTag(key: string, stage: string): string {
  const safe = stage.replace(/[^a-zA-Z0-9_.-]/g, '-');
  return `cache-${key}-${safe}`.slice(0, 128);
}

/** `repo@sha256:…` or `repo:tag` of our repository → its digest or tag; undefined for other repositories. */
export function referenceIn(uri: string, ref: string): { digest?: string; tag?: string } | undefined {
  if (ref.startsWith(`${uri}@`)) return { digest: ref.slice(uri.length + 1) };
  if (ref.startsWith(`${uri}:`)) return { tag: ref.slice(uri.length + 1) };
  return undefined;
}

/** The stage cache images of the deployed images that exist in ECR, as `<uri>:<tag>`. */
export async function stageCacheSources(
  ctx: StageContext,
  repo: RepositoryInfo,
  deployed: string[],
  stages: string[],
): Promise<string[]> {
  if (stages.length === 0 || !repo.exists) return [];
  const keys = new Set<string>();
  for (const ref of deployed) {
    const id = referenceIn(repo.uri, ref);
    if (!id) continue;
    const tags = id.digest ? await tagsOfDigest(ctx, repo.name, id.digest) : [id.tag ?? ''];
    for (const tag of tags) {
      const m = CONTENT_TAG.exec(tag);
      if (m?.[1]) keys.add(m[1]);
    }
  }
  const wanted = [...keys].flatMap((key) => stages.map((stage) => cacheTag(key, stage)));
  const found = await existingTags(ctx, repo.name, wanted);
  return found.map((tag) => `${repo.uri}:${tag}`);
}

/**
 * The deployed images that can serve as layer cache: only those in this image's
 * own ECR repository that still exist. BuildKit (Engine 20.10) fails the whole
 * build on a cache source it cannot import, so a first release whose services
 * still run a placeholder image, or an image from another registry, builds cold
 * rather than not at all.
 */
export async function usableDeployedImages(
  ctx: StageContext,
  repo: RepositoryInfo,
  deployed: string[],
): Promise<string[]> {
  if (!repo.exists) return [];
  const usable: string[] = [];
  for (const ref of deployed) {
    const id = referenceIn(repo.uri, ref);
    if (!id) {
      ctx.log.debug(`${ref} is not in ${repo.uri}: not used as layer cache`);
      continue;
    }
    const found = id.digest
      ? (await tagsOfDigest(ctx, repo.name, id.digest)).length > 0 ||
        (await digestExists(ctx, repo.name, id.digest))
      : (await existingTags(ctx, repo.name, [id.tag ?? ''])).length > 0;
    if (found) usable.push(ref);
    else ctx.log.debug(`${ref} is no longer in ECR: not used as layer cache`);
  }
  return usable;
}
