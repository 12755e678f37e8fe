/**
 * Preflight's half of a promotion (docs/promotion.md): per image key, which registry the
 * source digest is read from, with which token, and whether this environment's
 * repository already holds it. Read-only; every problem is collected.
 */
import { ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { errorText } from '../aws/errors';
import { ecrHost } from '../config/promotion';
import type { PromotedImage } from '../config/types';
import type { PreflightResult, RepositoryInfo } from '../model/contracts';
import { imageExists, type RegistryAuth, type RepositoryRef } from '../registry';
import type { StageContext } from '../runtime/context';
import { decodeAuthorizationToken, ecrLogin, findDigest, type RegistryImage, registryHost } from './ecr';

/** One image key's promotion, as preflight found it. */
export interface PromotionJob {
  key: string;
  source: PromotedImage;
  from: RepositoryRef;
  target: RepositoryInfo;
  /** The target repository's copy of the digest, when it already holds it: only tags to add. */
  inTarget?: RegistryImage;
}

export interface PromotionPlan {
  jobs: PromotionJob[];
  /** This environment's registry, with its token: where copies go. */
  targetAuth: RegistryAuth;
}

const basic = (username: string, password: string): string =>
  `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;

/**
 * GetAuthorizationToken in another region (ECR's tokens are regional): the token, masked
 * at once, and the host of the registry it names.
 */
async function regionalLogin(ctx: StageContext, region: string): Promise<RegistryAuth> {
  const base = ctx.aws.ecr.config;
  const client = new ECRClient({
    region,
    credentials: base.credentials,
    requestHandler: base.requestHandler,
    maxAttempts: base.maxAttempts,
    retryMode: base.retryMode,
  });
  // Not destroyed after: it shares the main ECR client's request handler, and destroying it
  // would close the connections another key's lookup is using at the same time.
  const out = await client.send(new GetAuthorizationTokenCommand({}), { abortSignal: ctx.signal });
  const data = out.authorizationData?.[0];
  const decoded = data?.authorizationToken ? decodeAuthorizationToken(data.authorizationToken) : undefined;
  if (!data?.authorizationToken || !decoded || !data.proxyEndpoint) {
    throw new Error(`ECR GetAuthorizationToken in ${region} returned no usable token`);
  }
  ctx.mask(data.authorizationToken);
  ctx.mask(decoded.password);
  return {
    host: registryHost(data.proxyEndpoint),
    authorization: basic(decoded.username, decoded.password),
  };
}

/**
 * The token that reads `source`: this region's for this region's ECR registries and for
 * the registry GetAuthorizationToken names here; another region's for an ECR host of that
 * region, or for the registry that region's GetAuthorizationToken names (the source run's
 * `region`: a host that names none, the lab's). A string: why the host cannot be read.
 */
async function authFor(
  ctx: StageContext,
  source: PromotedImage,
  target: RegistryAuth,
  regional: Map<string, Promise<RegistryAuth>>,
): Promise<RegistryAuth | string> {
  const { host } = source;
  if (host === target.host) return target;
  const region = ecrHost(host)?.region ?? source.region;
  if (region === ctx.config.region && ecrHost(host)) return { host, authorization: target.authorization };
  if (region && region !== ctx.config.region) {
    let login = regional.get(region);
    if (!login) {
      login = regionalLogin(ctx, region);
      regional.set(region, login);
    }
    const auth = await login;
    if (ecrHost(host) || auth.host === host) return { host, authorization: auth.authorization };
  }
  return `its host ${host} is neither an ECR registry (<account>.dkr.ecr.<region>.amazonaws.com) nor the registry ECR's GetAuthorizationToken names (${target.host} in ${ctx.config.region}${source.region && source.region !== ctx.config.region ? `, nor the one it names in ${source.region}` : ''})`;
}

/** One key: where it comes from, whether the target holds it, or the problem that stops the release. */
async function resolveJob(
  ctx: StageContext,
  job: Omit<PromotionJob, 'from' | 'inTarget'>,
  auth: RegistryAuth | string,
): Promise<PromotionJob | string> {
  const { key, source, target } = job;
  const name = `image "${key}" (input "images")`;
  if (typeof auth === 'string') return `${name}: ${source.uri}: ${auth}.`;
  const from: RepositoryRef = { host: source.host, repository: source.repository, auth };
  try {
    const inTarget = target.exists ? await findDigest(ctx, target.name, source.digest) : undefined;
    if (inTarget) return { ...job, from, inTarget };
    if (await imageExists(from, source.digest, { signal: ctx.signal })) return { ...job, from };
  } catch (error) {
    ctx.signal.throwIfAborted();
    return `${name}: could not read ${source.digest} in ${source.uri} (${errorText(error)}); docs/promotion.md lists the permissions each side needs.`;
  }
  return `${name}: ${source.digest} is neither in ${source.uri} nor in this environment's ${target.uri}: deleted since the run that built it? Release that commit again (it builds), or promote a release whose images still exist (docs/promotion.md).`;
}

/**
 * Preflight's check of the `images` input: every host readable, every digest somewhere
 * it may be read. The plan comes back only when there is no problem.
 */
export async function checkPromotion(
  ctx: StageContext,
  found: PreflightResult,
): Promise<{ problems: string[]; warnings: string[]; value?: PromotionPlan }> {
  const promote = ctx.config.promote ?? {};
  const login = await ecrLogin(ctx);
  const targetAuth: RegistryAuth = { host: login.host, authorization: basic(login.username, login.password) };
  const regional = new Map<string, Promise<RegistryAuth>>();
  const problems: string[] = [];
  const jobs: PromotionJob[] = [];
  await Promise.all(
    Object.entries(promote).map(async ([key, source]) => {
      const repo = found.repositories[key];
      if (!repo) return;
      // A repository still to be created: preflight could only guess its registry; ECR named it.
      const target = repo.exists ? repo : { ...repo, uri: `${targetAuth.host}/${repo.name}` };
      const auth = await authFor(ctx, source, targetAuth, regional).catch(
        (error: unknown) => `no ECR token for it (${errorText(error)})`,
      );
      const job = await resolveJob(ctx, { key, source, target }, auth);
      if (typeof job === 'string') problems.push(job);
      else jobs.push(job);
    }),
  );
  jobs.sort((a, b) => (a.key < b.key ? -1 : 1));
  return { problems, warnings: [], ...(problems.length === 0 ? { value: { jobs, targetAuth } } : {}) };
}
