/**
 * What the images stage asks of ECR: one login per run, repositories ensured,
 * images looked up by tag, and tags added to an existing manifest.
 * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_Operations.html
 */
import {
  BatchGetImageCommand,
  CreateRepositoryCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  GetAuthorizationTokenCommand,
  type ImageIdentifier,
  PutImageCommand,
} from '@aws-sdk/client-ecr';
import type { RepositoryInfo } from '../model/contracts';
import type { StageContext } from '../runtime/context';
import { ImagesError } from './errors';
import type { RegistryCredentials } from './session';

export const MANIFEST_MEDIA_TYPES = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
];

/** `AWS:<password>` in base64, as ECR returns it; undefined when it is not that shape. */
export function decodeAuthorizationToken(token: string): { username: string; password: string } | undefined {
  const decoded = Buffer.from(token, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0 || colon === decoded.length - 1) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** `https://123.dkr.ecr.eu-west-1.amazonaws.com` → `123.dkr.ecr.eu-west-1.amazonaws.com`. */
export const registryHost = (endpoint: string): string =>
  endpoint.replace(/^[a-z]+:\/\//i, '').replace(/\/+$/, '');

const logins = new WeakMap<object, Promise<RegistryCredentials>>();

/**
 * GetAuthorizationToken once per run (per ECR client): the password is masked
 * before anything else happens and stays in memory, handed to the engine per
 * request, never written to a docker config file.
 */
export function ecrLogin(ctx: StageContext): Promise<RegistryCredentials> {
  let login = logins.get(ctx.aws.ecr);
  if (!login) {
    login = (async () => {
      const out = await ctx.aws.ecr.send(new GetAuthorizationTokenCommand({}), { abortSignal: ctx.signal });
      const data = out.authorizationData?.[0];
      const decoded = data?.authorizationToken
        ? decodeAuthorizationToken(data.authorizationToken)
        : undefined;
      if (data?.authorizationToken) ctx.mask(data.authorizationToken);
      if (!decoded || !data?.proxyEndpoint) {
        throw new Error(
          'ECR GetAuthorizationToken returned no usable authorization data (expected base64 "AWS:<password>" and a proxyEndpoint)',
        );
      }
      ctx.mask(decoded.password);
      return {
        host: registryHost(data.proxyEndpoint),
        username: decoded.username,
        password: decoded.password,
      };
    })();
    // A failed login is not cached: a retry in the same run asks again.
    login.catch(() => logins.delete(ctx.aws.ecr));
    logins.set(ctx.aws.ecr, login);
  }
  return login;
}

const errorName = (error: unknown): string => (error as { name?: string }).name ?? '';

export function createRepositoryCommand(name: string, region: string): string {
  return `aws ecr create-repository --region ${region} --repository-name ${name} --image-tag-mutability IMMUTABLE --image-scanning-configuration scanOnPush=true`;
}

/** Creates a missing repository (immutable tags, scan on push), or explains how to. */
/**
 * The repository, created when missing. Returns it with the URI ECR answered:
 * before it exists, preflight can only guess the registry host.
 */
export async function ensureRepository(
  ctx: StageContext,
  key: string,
  repo: RepositoryInfo,
): Promise<RepositoryInfo> {
  if (repo.exists) return repo;
  if (!ctx.config.createRepositories) {
    throw new ImagesError(
      key,
      `the ECR repository "${repo.name}" does not exist and create-repositories is false; create it with: ${createRepositoryCommand(repo.name, ctx.config.region)}`,
    );
  }
  try {
    const out = await ctx.aws.ecr.send(
      new CreateRepositoryCommand({
        repositoryName: repo.name,
        imageTagMutability: 'IMMUTABLE',
        imageScanningConfiguration: { scanOnPush: true },
      }),
      { abortSignal: ctx.signal },
    );
    ctx.log.info(`Created ECR repository ${repo.name} (immutable tags, scan on push)`);
    return { ...repo, uri: out.repository?.repositoryUri ?? repo.uri, exists: true };
  } catch (error) {
    // Created meanwhile by someone else: what we wanted.
    if (errorName(error) === 'RepositoryAlreadyExistsException') {
      const found = await ctx.aws.ecr.send(
        new DescribeRepositoriesCommand({ repositoryNames: [repo.name] }),
        {
          abortSignal: ctx.signal,
        },
      );
      return { ...repo, uri: found.repositories?.[0]?.repositoryUri ?? repo.uri, exists: true };
    }
    throw new ImagesError(
      key,
      `could not create the ECR repository "${repo.name}": ${(error as Error).message}`,
    );
  }
}

export interface RegistryImage {
  digest: string;
  manifest: string;
  mediaType: string | undefined;
}

/** BatchGetImage of these ids, asking for every manifest type a build can push. */
function batchGetImages(ctx: StageContext, repository: string, imageIds: ImageIdentifier[]) {
  return ctx.aws.ecr.send(
    new BatchGetImageCommand({
      repositoryName: repository,
      imageIds,
      acceptedMediaTypes: MANIFEST_MEDIA_TYPES,
    }),
    { abortSignal: ctx.signal },
  );
}

/** The image a tag names, or undefined when the repository has no such tag. */
export async function findImage(
  ctx: StageContext,
  repository: string,
  tag: string,
): Promise<RegistryImage | undefined> {
  const out = await batchGetImages(ctx, repository, [{ imageTag: tag }]);
  const image = out.images?.[0];
  if (image?.imageId?.imageDigest && image.imageManifest) {
    return {
      digest: image.imageId.imageDigest,
      manifest: image.imageManifest,
      mediaType: image.imageManifestMediaType,
    };
  }
  const failure = out.failures?.[0];
  if (
    !failure ||
    failure.failureCode === 'ImageNotFound' ||
    failure.failureCode === 'ImageTagDoesNotMatchDigest'
  ) {
    return undefined;
  }
  throw new Error(
    `ECR BatchGetImage ${repository}:${tag} failed: ${failure.failureCode}: ${failure.failureReason}`,
  );
}

/** Which of `tags` exist in the repository (one call). */
export async function existingTags(ctx: StageContext, repository: string, tags: string[]): Promise<string[]> {
  return [...(await existingTagDigests(ctx, repository, tags)).keys()];
}

/** The digest each of `tags` names in the repository, for the tags that exist (one call). */
export async function existingTagDigests(
  ctx: StageContext,
  repository: string,
  tags: string[],
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  if (tags.length === 0) return found;
  const out = await batchGetImages(
    ctx,
    repository,
    tags.map((imageTag) => ({ imageTag })),
  );
  for (const image of out.images ?? []) {
    const { imageTag, imageDigest } = image.imageId ?? {};
    if (imageTag && imageDigest) found.set(imageTag, imageDigest);
  }
  return found;
}

/** Whether ECR holds a manifest with this digest (tagged or not). */
export async function digestExists(ctx: StageContext, repository: string, digest: string): Promise<boolean> {
  return (await findDigest(ctx, repository, digest)) !== undefined;
}

/** The manifest a digest names in the repository (tagged or not), or undefined when ECR does not hold it. */
export async function findDigest(
  ctx: StageContext,
  repository: string,
  digest: string,
): Promise<RegistryImage | undefined> {
  const out = await batchGetImages(ctx, repository, [{ imageDigest: digest }]);
  const image = out.images?.[0];
  if (!image?.imageManifest) return undefined;
  return { digest, manifest: image.imageManifest, mediaType: image.imageManifestMediaType };
}

/** Tags of the image a digest names; none when ECR does not know it. */
export async function tagsOfDigest(ctx: StageContext, repository: string, digest: string): Promise<string[]> {
  try {
    const out = await ctx.aws.ecr.send(
      new DescribeImagesCommand({ repositoryName: repository, imageIds: [{ imageDigest: digest }] }),
      { abortSignal: ctx.signal },
    );
    return out.imageDetails?.[0]?.imageTags ?? [];
  } catch (error) {
    if (errorName(error) === 'ImageNotFoundException') return [];
    throw error;
  }
}

/**
 * Adds `tag` to an image already in ECR. The tag already on this digest is
 * success; on an immutable repository the tag on another digest is an error.
 */
export async function addTag(
  ctx: StageContext,
  key: string,
  repository: string,
  image: RegistryImage,
  tag: string,
): Promise<void> {
  try {
    await ctx.aws.ecr.send(
      new PutImageCommand({
        repositoryName: repository,
        imageManifest: image.manifest,
        imageManifestMediaType: image.mediaType,
        imageDigest: image.digest,
        imageTag: tag,
      }),
      { abortSignal: ctx.signal },
    );
  } catch (error) {
    const name = errorName(error);
    if (name === 'ImageAlreadyExistsException') return;
    if (name === 'ImageTagAlreadyExistsException') {
      const current = await findImage(ctx, repository, tag);
      if (current?.digest === image.digest) return;
      throw new ImagesError(
        key,
        `the tag "${tag}" in the immutable ECR repository "${repository}" already points at ${current?.digest ?? 'another image'}, not at ${image.digest} (this release's image). The commit was pushed before from different build inputs (Dockerfile, build args, target or platform). Release a new commit, or if nothing runs the old image, delete the tag: aws ecr batch-delete-image --region ${ctx.config.region} --repository-name ${repository} --image-ids imageTag=${tag}`,
      );
    }
    throw new ImagesError(
      key,
      `could not tag ${repository}@${image.digest} as "${tag}" (ECR PutImage): ${(error as Error).message}`,
    );
  }
}
