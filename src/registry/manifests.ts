/**
 * Manifests by their exact bytes: a manifest's digest is the SHA-256 of the bytes the
 * registry stores, so they are fetched, checked and put back untouched, with the same
 * Content-Type (docs/aws-facts.md#registry-copy).
 */
import { createHash } from 'node:crypto';
import { RegistryError } from './errors';
import { expect, type RegistryOptions, type RepositoryRef, repositoryUrl, retrying } from './http';

export const INDEX_MEDIA_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
];
export const IMAGE_MEDIA_TYPES = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
];
const ACCEPT = [...INDEX_MEDIA_TYPES, ...IMAGE_MEDIA_TYPES].join(', ');

/** Manifests are small; the registries here refuse ones past 4 MiB. */
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

export interface Manifest {
  digest: string;
  mediaType: string;
  bytes: Uint8Array;
}

export interface Descriptor {
  mediaType?: string;
  digest: string;
  size?: number;
  urls?: string[];
}

export const sha256 = (bytes: Uint8Array): string =>
  `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

export const DIGEST = /^sha256:[a-f0-9]{64}$/;

/** The digest the registry names for `reference`, or undefined when it has no such manifest. */
export function headManifest(
  ref: RepositoryRef,
  reference: string,
  opts: RegistryOptions,
): Promise<string | undefined> {
  return retrying(`HEAD ${ref.host}/${ref.repository}:${reference}`, opts, async () => {
    const ex = {
      action: 'HEAD manifest',
      reference,
      method: 'HEAD',
      url: repositoryUrl(ref, `manifests/${reference}`),
    };
    const res = await expect(ref, { ...ex, headers: { accept: ACCEPT } }, [200, 404], opts);
    if (res.status === 404) return undefined;
    const digest = res.headers.get('docker-content-digest');
    // A registry that leaves the header out: the bytes say it.
    return digest && DIGEST.test(digest) ? digest : (await getManifest(ref, reference, opts)).digest;
  });
}

/** The manifest's bytes as stored; by digest they must hash to that digest. */
export function getManifest(ref: RepositoryRef, reference: string, opts: RegistryOptions): Promise<Manifest> {
  return retrying(`GET ${ref.host}/${ref.repository}:${reference}`, opts, async () => {
    const url = repositoryUrl(ref, `manifests/${reference}`);
    const ex = { action: 'GET manifest', reference, method: 'GET', url, headers: { accept: ACCEPT } };
    const res = await expect(ref, ex, [200], opts);
    const facts = {
      action: ex.action,
      host: ref.host,
      repository: ref.repository,
      reference,
      status: res.status,
    };
    const length = Number(res.headers.get('content-length') ?? 0);
    if (length > MAX_MANIFEST_BYTES) {
      await res.body?.cancel();
      throw new RegistryError({
        ...facts,
        detail: `manifest of ${length} bytes, more than a registry accepts`,
      });
    }
    const bytes = new Uint8Array(await res.arrayBuffer());
    const digest = sha256(bytes);
    if (DIGEST.test(reference) && digest !== reference) {
      throw new RegistryError({
        ...facts,
        code: 'DIGEST_INVALID',
        detail: `the bytes served hash to ${digest}`,
      });
    }
    const mediaType = res.headers.get('content-type')?.split(';')[0]?.trim() || mediaTypeIn(bytes);
    return { digest, mediaType, bytes };
  });
}

/** `mediaType` from the manifest itself, when the answer had no Content-Type. */
function mediaTypeIn(bytes: Uint8Array): string {
  try {
    const m = JSON.parse(Buffer.from(bytes).toString('utf8')) as { mediaType?: unknown };
    if (typeof m.mediaType === 'string') return m.mediaType;
  } catch {
    // not JSON: the target will refuse it with its own error
  }
  return IMAGE_MEDIA_TYPES[1] as string;
}

/** PUT the exact bytes under `reference` (the digest, or a tag); the registry's digest must be the manifest's. */
export async function putManifest(
  ref: RepositoryRef,
  reference: string,
  manifest: Manifest,
  opts: RegistryOptions,
): Promise<void> {
  await retrying(`PUT ${ref.host}/${ref.repository}:${reference}`, opts, async () => {
    const url = repositoryUrl(ref, `manifests/${reference}`);
    const headers = { 'content-type': manifest.mediaType };
    const ex = { action: 'PUT manifest', reference, method: 'PUT', url, headers, body: manifest.bytes };
    const res = await expect(ref, ex, [200, 201], opts);
    await res.body?.cancel();
    const stored = res.headers.get('docker-content-digest');
    if (stored && stored !== manifest.digest) {
      throw new RegistryError({
        action: ex.action,
        host: ref.host,
        repository: ref.repository,
        reference,
        status: res.status,
        code: 'DIGEST_INVALID',
        detail: `the registry stored it as ${stored}, not ${manifest.digest}`,
      });
    }
  });
}

/** What a manifest refers to: platform manifests for an index, blobs (config, then layers) for an image. */
export function referencesOf(manifest: Manifest): { manifests: Descriptor[]; blobs: Descriptor[] } {
  const parsed = JSON.parse(Buffer.from(manifest.bytes).toString('utf8')) as {
    manifests?: Descriptor[];
    config?: Descriptor;
    layers?: Descriptor[];
  };
  if (INDEX_MEDIA_TYPES.includes(manifest.mediaType) || Array.isArray(parsed.manifests)) {
    return { manifests: (parsed.manifests ?? []).filter(hasDigest), blobs: [] };
  }
  const blobs = [parsed.config, ...(parsed.layers ?? [])].filter(
    (d): d is Descriptor => hasDigest(d) && !isForeign(d),
  );
  return { manifests: [], blobs };
}

const hasDigest = (d: Descriptor | undefined): d is Descriptor =>
  typeof d?.digest === 'string' && DIGEST.test(d.digest);

/** Layers a registry may not hold (Windows base layers fetched from their `urls`): never copied. */
const isForeign = (d: Descriptor): boolean =>
  (d.urls?.length ?? 0) > 0 || /foreign|nondistributable/.test(d.mediaType ?? '');
