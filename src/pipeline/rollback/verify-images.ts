import { BatchGetImageCommand, type ImageIdentifier } from '@aws-sdk/client-ecr';
import { shortArn } from '../../aws/arn';
import { chunks } from '../../aws/batch';
import type { StageContext } from '../../runtime/context';
import type { ResolvedTarget } from './target';

const ECR_HOST = /^(\d{12})\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/;
const MEDIA_TYPES = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
];

interface EcrImage {
  reference: string;
  repositoryName: string;
  registryId?: string;
  id: ImageIdentifier;
}

/**
 * Where an image reference lives in ECR: an ECR host, or the host of a repository
 * URI preflight knows (the lab's registry). Other registries are not checked.
 */
export function parseEcrImage(reference: string, knownRepositoryUris: string[]): EcrImage | undefined {
  const at = reference.indexOf('@');
  const namePart = at >= 0 ? reference.slice(0, at) : reference;
  const digest = at >= 0 ? reference.slice(at + 1) : undefined;
  const slash = namePart.indexOf('/');
  if (slash < 0) return undefined;
  const host = namePart.slice(0, slash);
  let path = namePart.slice(slash + 1);
  let tag: string | undefined;
  const colon = path.lastIndexOf(':');
  if (digest === undefined && colon >= 0) {
    tag = path.slice(colon + 1);
    path = path.slice(0, colon);
  }
  const ecr = ECR_HOST.exec(host);
  const known = knownRepositoryUris.some((uri) => uri === `${host}/${path}`);
  if (!ecr && !known) return undefined;
  const id: ImageIdentifier = digest ? { imageDigest: digest } : { imageTag: tag ?? 'latest' };
  return { reference, repositoryName: path, ...(ecr?.[1] ? { registryId: ecr[1] } : {}), id };
}

/**
 * Problems (one line each) for every image of the targets that ECR no longer holds:
 * found before anything changes, since ECS would only fail to pull them mid-rollback.
 */
export async function missingImages(
  ctx: StageContext,
  targets: ResolvedTarget[],
  knownRepositoryUris: string[],
): Promise<string[]> {
  const byRepo = new Map<string, { image: EcrImage; users: ResolvedTarget[] }[]>();
  for (const t of targets) {
    for (const reference of t.images) {
      const image = parseEcrImage(reference, knownRepositoryUris);
      if (!image) {
        ctx.log.debug(`images: ${reference} is not in ECR: not checked`);
        continue;
      }
      const key = `${image.registryId ?? ''}|${image.repositoryName}`;
      const list = byRepo.get(key) ?? [];
      const same = list.find((x) => x.image.reference === reference);
      if (same) same.users.push(t);
      else list.push({ image, users: [t] });
      byRepo.set(key, list);
    }
  }
  const problems: string[] = [];
  await Promise.all(
    [...byRepo.values()].map(async (list) => {
      const first = list[0]?.image;
      if (!first) return;
      const missing = new Map<string, string>();
      try {
        for (const batch of chunks(list, 100)) {
          const out = await ctx.aws.ecr.send(
            new BatchGetImageCommand({
              repositoryName: first.repositoryName,
              ...(first.registryId ? { registryId: first.registryId } : {}),
              imageIds: batch.map((x) => x.image.id),
              acceptedMediaTypes: MEDIA_TYPES,
            }),
            { abortSignal: ctx.signal },
          );
          for (const f of out.failures ?? []) {
            const ref = batch.find(
              (x) =>
                (f.imageId?.imageDigest && x.image.id.imageDigest === f.imageId.imageDigest) ||
                (f.imageId?.imageTag && x.image.id.imageTag === f.imageId.imageTag),
            );
            if (ref)
              missing.set(
                ref.image.reference,
                `${f.failureCode ?? 'ImageNotFound'}: ${f.failureReason ?? ''}`,
              );
          }
        }
      } catch (error) {
        const name = error instanceof Error ? error.name : 'Error';
        if (name !== 'RepositoryNotFoundException') throw error;
        for (const x of list)
          missing.set(x.image.reference, `the repository ${first.repositoryName} does not exist`);
      }
      for (const x of list) {
        const why = missing.get(x.image.reference);
        if (!why) continue;
        for (const t of x.users) {
          problems.push(
            `service ${t.service}: image ${x.image.reference} of release ${t.fromRelease} (${shortArn(t.taskDefinitionArn)}) is no longer in ECR repository ${x.image.repositoryName} (${why.trim().replace(/:$/, '')}); an ECR lifecycle policy may have expired it. Roll back to a newer release, or redeploy that commit.`,
          );
        }
      }
    }),
  );
  return problems.sort();
}
