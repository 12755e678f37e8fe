/**
 * The images stage (docs/images.md): for each image key, find its content tag in ECR
 * or build it with BuildKit, push it, and tag it with the commit. Independent
 * images build in parallel; the first failure cancels the others.
 */
import type { ImageConfig } from '../config/types';
import type { BuiltImage, ImagesResult, RepositoryInfo } from '../model/contracts';
import type { StageContext } from '../runtime/context';
import { prepareContext } from './build-context';
import { cacheTag, stageCacheSources, usableDeployedImages } from './cache';
import { computeContentKey } from './content-key';
import { cacheStages, parseStages } from './dockerfile';
import { addTag, ecrLogin, ensureRepository, findImage } from './ecr';
import { build, checkRegistryLogin, type EngineDeps, push } from './engine';
import { ImagesError } from './errors';
import type { RegistryCredentials } from './session';

export { computeContentKey, computeContentKeys, contentKey, contentTag } from './content-key';
export { ImagesError } from './errors';

export interface ImagesInput {
  /** By image key: the ECR repository preflight found (or did not find). */
  repositories: Record<string, RepositoryInfo>;
  /** By image key: the image references the services run now, used as layer cache. */
  deployed: Record<string, string[]>;
}

/** The engine has no bridge network in the lab, and host networking is harmless on a runner. */
const NETWORK_MODE = 'host';

interface Job {
  image: ImageConfig;
  repo: RepositoryInfo;
  deployed: string[];
}

async function releaseImage(
  ctx: StageContext,
  job: Job,
  login: () => Promise<RegistryCredentials>,
  signal: AbortSignal,
): Promise<BuiltImage> {
  const { image, repo } = job;
  const prefix = `[${image.key}]`;
  const key = await computeContentKey(ctx.workdir, image);
  if (key.source.reason) ctx.log.info(`${prefix} content key from the files' contents: ${key.source.reason}`);
  ctx.log.debug(`${prefix} content key ${key.key} (sources ${key.source.source})`);
  const result = (digest: string, built: boolean): BuiltImage => ({
    key: image.key,
    uri: repo.uri,
    digest,
    reference: `${repo.uri}@${digest}`,
    contentTag: key.tag,
    built,
  });

  const existing = await findImage(ctx, repo.name, key.tag);
  if (existing) {
    await addTag(ctx, image.key, repo.name, existing, ctx.config.commit);
    ctx.log.info(
      `${prefix} ${repo.uri}:${key.tag} is already in ECR (${existing.digest}): not built, tagged ${ctx.config.commit}`,
    );
    return result(existing.digest, false);
  }

  const creds = await login();
  const deps: EngineDeps = { docker: await ctx.docker(), log: ctx.log, signal };
  const prepared = await prepareContext(ctx.workdir, image.key, image.context, image.dockerfile);
  const stages = cacheStages(parseStages(prepared.dockerfileText), image.target);
  const deployed = await usableDeployedImages(ctx, repo, job.deployed);
  const cacheFrom = [...new Set([...deployed, ...(await stageCacheSources(ctx, repo, deployed, stages))])];
  ctx.log.info(
    `${prefix} building ${repo.uri}:${key.tag}${cacheFrom.length > 0 ? ` with layer cache from ${cacheFrom.join(', ')}` : ' (no deployed image to use as cache)'}`,
  );
  const common = {
    key: image.key,
    prepared,
    platform: image.platform,
    buildArgs: image.buildArgs,
    creds,
    networkMode: NETWORK_MODE,
  };
  // Each earlier stage gets an image of its own, so its layers can be a cache source next time.
  const stageTags: string[] = [];
  for (const stage of stages) {
    const tag = cacheTag(key.key, stage);
    await build(deps, { ...common, tag: `${repo.uri}:${tag}`, target: stage, cacheFrom });
    stageTags.push(tag);
  }
  await build(deps, { ...common, tag: `${repo.uri}:${key.tag}`, target: image.target, cacheFrom });

  const pushed = await push(deps, image.key, repo.uri, key.tag, creds);
  const stored = await findImage(ctx, repo.name, key.tag);
  if (!stored || stored.digest !== pushed) {
    throw new ImagesError(
      image.key,
      `the push of ${repo.uri}:${key.tag} reported ${pushed} but ECR holds ${stored?.digest ?? 'no image'} under that tag; push again`,
    );
  }
  await addTag(ctx, image.key, repo.name, stored, ctx.config.commit);
  ctx.log.info(`${prefix} pushed ${repo.uri}:${key.tag} and :${ctx.config.commit} (${pushed})`);
  for (const tag of stageTags) {
    try {
      await push(deps, image.key, repo.uri, tag, creds);
      ctx.log.info(`${prefix} pushed stage cache ${repo.uri}:${tag}`);
    } catch (error) {
      signal.throwIfAborted();
      ctx.log.warning(
        `${prefix} the stage cache ${repo.uri}:${tag} could not be pushed (${(error as Error).message}); the next build of this image rebuilds that stage`,
      );
    }
  }
  return result(pushed, true);
}

/**
 * Builds or reuses every configured image. Returns per image key its digest
 * and whether it was built; throws an error naming the image that failed.
 */
export async function buildImages(ctx: StageContext, input: ImagesInput): Promise<ImagesResult> {
  const jobs: Job[] = ctx.config.images.map((image) => {
    const repo = input.repositories[image.key];
    if (!repo) {
      throw new ImagesError(
        image.key,
        'preflight reported no ECR repository for this image key; this is a bug in ecs-release',
      );
    }
    return { image, repo, deployed: input.deployed[image.key] ?? [] };
  });
  for (const job of jobs) job.repo = await ensureRepository(ctx, job.image.key, job.repo);

  const controller = new AbortController();
  const stop = (): void => controller.abort(ctx.signal.reason);
  ctx.signal.addEventListener('abort', stop, { once: true });
  // Logged in (and checked) only when something is built: a no-op re-run needs no registry login.
  let creds: Promise<RegistryCredentials> | undefined;
  const login = (): Promise<RegistryCredentials> => {
    creds ??= ecrLogin(ctx).then(async (c) => {
      await checkRegistryLogin({ docker: await ctx.docker(), log: ctx.log, signal: controller.signal }, c);
      return c;
    });
    return creds;
  };

  try {
    const settled = await Promise.allSettled(
      jobs.map((job) =>
        releaseImage(ctx, job, login, controller.signal).catch((error: unknown) => {
          // One failed image fails the release: stop the others' builds and pushes now.
          if (!controller.signal.aborted) controller.abort(error);
          throw error;
        }),
      ),
    );
    ctx.signal.throwIfAborted();
    const out: ImagesResult = {};
    // Images stopped because another failed reject with that same error: report each failure once.
    const errors = new Set<unknown>();
    settled.forEach((s, i) => {
      if (s.status === 'fulfilled') out[jobs[i]?.image.key ?? ''] = s.value;
      else errors.add(s.reason);
    });
    const [first, ...more] = [...errors];
    if (first !== undefined && more.length === 0) throw first;
    if (first !== undefined) throw new Error([first, ...more].map((e) => (e as Error).message).join('\n\n'));
    for (const image of Object.values(out)) {
      ctx.log.info(`${image.key}: ${image.reference} (${image.built ? 'built' : 'reused, not built'})`);
    }
    return out;
  } finally {
    ctx.signal.removeEventListener('abort', stop);
  }
}
