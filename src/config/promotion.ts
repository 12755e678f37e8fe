/**
 * The `images` input (docs/promotion.md): the `images` output of an earlier run, whose
 * digests this deploy takes instead of building. Only what needs no AWS is checked here;
 * whether a URI's host is a registry this run may read is preflight's question.
 */
import { escapeControl } from './bounds';
import type { Problem } from './errors';
import { INPUTS } from './names';
import type { PromotedImage, ServiceConfig } from './types';

export const DIGEST = /^sha256:[0-9a-f]{64}$/;
/** An ECR repository name (CreateRepository's repositoryName pattern). */
const REPOSITORY = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
/** A registry host: a DNS name or an IPv4 address, with an optional port. */
const HOST = /^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?(?::[0-9]{1,5})?$/;
/** A Docker tag (the distribution spec's tag pattern). */
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d$/;

/** `<account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]`: the account and region an ECR host names. */
const ECR_HOST = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z]{2}(?:-[a-z]+)+-\d)\.amazonaws\.com(?:\.cn)?$/;

export function ecrHost(host: string): { account: string; region: string } | undefined {
  const m = ECR_HOST.exec(host);
  return m?.[1] && m[2] ? { account: m[1], region: m[2] } : undefined;
}

/** `host/repo[:tag][@digest]` split, or a message saying what is wrong with it. */
function splitUri(uri: string): { host: string; repository: string; tag?: string; digest?: string } | string {
  const at = uri.indexOf('@');
  const digest = at >= 0 ? uri.slice(at + 1) : undefined;
  const rest = at >= 0 ? uri.slice(0, at) : uri;
  const slash = rest.indexOf('/');
  if (slash <= 0) return 'expected <registry host>/<repository>, as the images output writes it';
  const host = rest.slice(0, slash);
  let repository = rest.slice(slash + 1);
  const colon = repository.lastIndexOf(':');
  const tag = colon >= 0 ? repository.slice(colon + 1) : undefined;
  if (colon >= 0) repository = repository.slice(0, colon);
  // Docker's own rule: a first component without a dot or a port is a path, not a registry.
  if (!/[.:]/.test(host) && host !== 'localhost')
    return 'expected <registry host>/<repository>, as the images output writes it';
  if (!HOST.test(host)) return `${escapeControl(host)} is not a registry host`;
  if (!REPOSITORY.test(repository)) return `${escapeControl(repository)} is not a repository name`;
  if (tag !== undefined && !TAG.test(tag)) return `${escapeControl(tag)} is not an image tag`;
  if (digest !== undefined && !DIGEST.test(digest)) return `${escapeControl(digest)} is not a digest`;
  return { host, repository, ...(tag !== undefined ? { tag } : {}), ...(digest ? { digest } : {}) };
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** One key's entry: the image it names, or every problem with it. */
function promotedImage(key: string, entry: unknown): PromotedImage | string[] {
  const where = escapeControl(key);
  if (!isObject(entry))
    return [`${where} must be an object { "uri", "digest" }, as the images output writes it`];
  const { uri, digest, tag, region } = entry;
  const wrong: string[] = [];
  if (region !== undefined && (typeof region !== 'string' || !REGION.test(region))) {
    wrong.push(
      `${where}: region ${typeof region === 'string' ? escapeControl(region) : '(not a string)'} is not an AWS region`,
    );
  }
  if (typeof digest !== 'string' || !DIGEST.test(digest)) {
    const shown = typeof digest === 'string' ? escapeControl(digest) : '(missing)';
    wrong.push(`${where}: digest ${shown} is not sha256: followed by 64 lowercase hex digits`);
  }
  if (tag !== undefined && (typeof tag !== 'string' || !TAG.test(tag))) {
    wrong.push(
      `${where}: tag ${typeof tag === 'string' ? escapeControl(tag) : '(not a string)'} is not an image tag`,
    );
  }
  const parts = typeof uri === 'string' ? splitUri(uri.trim()) : '(missing)';
  if (typeof parts === 'string') wrong.push(`${where}: uri ${parts}`);
  else if (parts.digest && parts.digest !== digest) {
    wrong.push(`${where}: the uri names ${parts.digest} but the digest is another: give one`);
  }
  if (wrong.length > 0 || typeof parts === 'string' || typeof digest !== 'string') return wrong;
  const contentTag = typeof tag === 'string' ? tag : parts.tag;
  return {
    uri: `${parts.host}/${parts.repository}`,
    host: parts.host,
    repository: parts.repository,
    digest,
    ...(contentTag ? { contentTag } : {}),
    ...(typeof region === 'string' ? { region } : {}),
  };
}

/**
 * The `images` input, or undefined without it. Every key a service maps must be there;
 * keys of other images (staging may release more) are ignored.
 */
export function promotionFromInput(
  raw: string | undefined,
  services: ServiceConfig[],
  problems: Problem[],
): Record<string, PromotedImage> | undefined {
  if (!raw?.trim()) return undefined;
  const fail = (message: string): void => {
    problems.push({ key: `input "${INPUTS.images}"`, message });
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    fail(`is not JSON (${(error as Error).message}); pass the images output of the run to promote`);
    return undefined;
  }
  if (!isObject(parsed)) {
    fail(
      'expected a JSON object per image key, the shape of the images output: { "<key>": { "uri", "digest" } }',
    );
    return undefined;
  }
  const out: Record<string, PromotedImage> = {};
  const deployed = [...new Set(services.flatMap((s) => s.containers.map((c) => c.image)))];
  for (const key of deployed) {
    if (!Object.hasOwn(parsed, key)) {
      fail(
        `has no image ${escapeControl(key)}, which this release deploys (keys given: ${Object.keys(parsed).map(escapeControl).join(', ') || 'none'})`,
      );
      continue;
    }
    const image = promotedImage(key, parsed[key]);
    if (Array.isArray(image)) image.forEach(fail);
    else out[key] = image;
  }
  return out;
}
