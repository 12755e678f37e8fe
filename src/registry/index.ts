/**
 * Images copied by digest between repositories, across registries, accounts and regions,
 * through the registry HTTP API v2, for promotion (facts in
 * docs/aws-facts.md#registry-copy). Node's fetch only; no Docker engine involved.
 *
 * API:
 *   RegistryAuth   { host, authorization }: `Basic base64(AWS:password)` from ECR
 *                  GetAuthorizationToken of the registry's region; in memory only.
 *   RepositoryRef  { host, repository, auth }: `auth.host` must be `host`; the header goes
 *                  to that host only (never to a storage redirect). Loopback hosts speak
 *                  plain HTTP (Docker's default insecure range), every other host https.
 *   imageExists(repo, digest, opts) → boolean: HEAD of the manifest by digest.
 *   copyImage(from, to, digest, opts) → CopyResult: the manifest's exact bytes with its
 *                  Content-Type, every blob it names (streamed; skipped when the target has
 *                  it; mounted first within one host), and for an index every platform
 *                  manifest it lists, each by digest before the index. A manifest the target
 *                  holds already is not sent again (a registry only stores one whose blobs
 *                  it has). The source missing the digest is a RegistryError with `notFound`.
 *   tagImage(repo, digest, tag, opts) → 'tagged' | 'already' | { conflict: digestTagNames }:
 *                  a tag already naming another digest is left alone.
 *   opts: { signal?, log?, fetch?, clock? } (RegistryOptions). Errors are RegistryError:
 *   action, host/repository@reference, HTTP status, the registry's error code, its
 *   message quoted. Transient failures (no answer, 429, 5xx) are tried again, a few times.
 */
import { copyBlob } from './blobs';
import { RegistryError } from './errors';
import type { RegistryOptions, RepositoryRef } from './http';
import { getManifest, headManifest, type Manifest, putManifest, referencesOf } from './manifests';

export { RegistryError } from './errors';
export type { RegistryAuth, RegistryOptions, RepositoryRef } from './http';
export { registryBase } from './http';

export interface CopyResult {
  digest: string;
  /** Manifests put into the target (an index and its platform manifests count one each). */
  manifests: number;
  blobsSent: number;
  /** Blobs the target had already. */
  blobsSkipped: number;
  /** Blobs mounted from the source repository of the same registry (nothing sent). */
  blobsMounted: number;
  bytesSent: number;
}

/** Nested indexes deeper than this are refused rather than followed. */
const MAX_DEPTH = 4;

export async function imageExists(
  repo: RepositoryRef,
  digest: string,
  opts: RegistryOptions = {},
): Promise<boolean> {
  const found = await headManifest(repo, digest, opts);
  return found !== undefined;
}

export async function copyImage(
  from: RepositoryRef,
  to: RepositoryRef,
  digest: string,
  opts: RegistryOptions = {},
): Promise<CopyResult> {
  const result: CopyResult = {
    digest,
    manifests: 0,
    blobsSent: 0,
    blobsSkipped: 0,
    blobsMounted: 0,
    bytesSent: 0,
  };
  await copyManifest(from, to, digest, opts, result, 0);
  return result;
}

async function copyManifest(
  from: RepositoryRef,
  to: RepositoryRef,
  digest: string,
  opts: RegistryOptions,
  result: CopyResult,
  depth: number,
): Promise<void> {
  opts.signal?.throwIfAborted();
  if ((await headManifest(to, digest, opts)) === digest) return;
  const manifest = await getManifest(from, digest, opts);
  const refs = referencesOf(manifest);
  if (refs.manifests.length > 0 && depth >= MAX_DEPTH) {
    throw new RegistryError({
      action: 'copy',
      host: from.host,
      repository: from.repository,
      reference: digest,
      status: 0,
      detail: 'indexes nested too deep',
    });
  }
  for (const child of refs.manifests) await copyManifest(from, to, child.digest, opts, result, depth + 1);
  for (const blob of refs.blobs) {
    opts.signal?.throwIfAborted();
    const outcome = await copyBlob(from, to, blob, opts);
    if (outcome.kind === 'present') result.blobsSkipped++;
    else if (outcome.kind === 'mounted') result.blobsMounted++;
    else {
      result.blobsSent++;
      result.bytesSent += outcome.bytes;
      opts.log?.(`sent blob ${blob.digest} (${outcome.bytes} bytes) to ${to.host}/${to.repository}`);
    }
  }
  await putManifest(to, digest, manifest, opts);
  result.manifests++;
}

export type TagOutcome = 'tagged' | 'already' | { conflict: string };

/** Puts the digest's manifest under `tag` unless the tag exists; one naming another digest is a conflict, left alone. */
export async function tagImage(
  repo: RepositoryRef,
  digest: string,
  tag: string,
  opts: RegistryOptions = {},
): Promise<TagOutcome> {
  const current = await headManifest(repo, tag, opts);
  if (current === digest) return 'already';
  if (current !== undefined) return { conflict: current };
  const manifest: Manifest = await getManifest(repo, digest, opts);
  await putManifest(repo, tag, manifest, opts);
  return 'tagged';
}
