/**
 * Where ECR's images live: the real lab registry, spoken to over the Docker
 * Registry HTTP API v2, or an in-memory store when no registry is up.
 * https://distribution.github.io/distribution/spec/api/
 */
import { createHash } from 'node:crypto';
import { AwsError } from '../types.js';

export const MANIFEST_TYPES = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
] as const;

export interface Manifest {
  digest: string;
  mediaType: string;
  body: string;
}

export interface RegistryBackend {
  /** Host (and port) that repository URIs and docker login use. */
  readonly host: string;
  readonly scheme: 'http' | 'https';
  readonly user: string;
  readonly password: string;
  /** Tags of a repository; none when the registry has never seen it. */
  tags(repo: string): Promise<string[]>;
  manifest(repo: string, reference: string, accept?: readonly string[]): Promise<Manifest | undefined>;
  /** Stores the manifest under `reference` (a tag, or its digest for an untagged image); returns the digest. */
  putManifest(repo: string, reference: string, body: string, mediaType: string): Promise<string>;
}

export const digestOf = (body: string): string => `sha256:${createHash('sha256').update(body).digest('hex')}`;

/** `mediaType` from the manifest itself, for callers (PutImage) that do not name one. */
export function mediaTypeOf(body: string): string {
  try {
    const parsed = JSON.parse(body) as { mediaType?: unknown };
    if (typeof parsed.mediaType === 'string') return parsed.mediaType;
  } catch {
    // Not JSON: the registry will refuse it with its own error.
  }
  return MANIFEST_TYPES[0];
}

export class HttpRegistry implements RegistryBackend {
  readonly scheme = 'http' as const;
  private readonly auth: string;

  constructor(
    readonly host: string,
    readonly user: string,
    readonly password: string,
  ) {
    this.auth = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  }

  private url(repo: string, tail: string): string {
    return `http://${this.host}/v2/${repo}/${tail}`;
  }

  async tags(repo: string): Promise<string[]> {
    const res = await fetch(this.url(repo, 'tags/list'), { headers: { authorization: this.auth } });
    if (res.status === 404) return [];
    if (!res.ok) throw await registryError(res);
    const body = (await res.json()) as { tags?: string[] | null };
    return body.tags ?? [];
  }

  async manifest(repo: string, reference: string, accept: readonly string[] = MANIFEST_TYPES) {
    const res = await fetch(this.url(repo, `manifests/${reference}`), {
      headers: { authorization: this.auth, accept: accept.join(', ') },
    });
    if (res.status === 404) return undefined;
    if (!res.ok) throw await registryError(res);
    const body = await res.text();
    return {
      digest: res.headers.get('docker-content-digest') ?? digestOf(body),
      mediaType: res.headers.get('content-type') ?? mediaTypeOf(body),
      body,
    };
  }

  async putManifest(repo: string, reference: string, body: string, mediaType: string): Promise<string> {
    const res = await fetch(this.url(repo, `manifests/${reference}`), {
      method: 'PUT',
      headers: { authorization: this.auth, 'content-type': mediaType },
      body,
    });
    if (!res.ok) throw await registryError(res);
    return res.headers.get('docker-content-digest') ?? digestOf(body);
  }
}

/** Registry errors as ECR would word them: a manifest naming blobs the registry lacks is LayersNotFound. */
async function registryError(res: Response): Promise<AwsError> {
  const text = await res.text();
  if (text.includes('BLOB_UNKNOWN')) {
    return new AwsError(
      'LayersNotFoundException',
      'The image manifest references layers that were not found.',
    );
  }
  if (res.status === 401) {
    return new AwsError('ServerException', 'The lab registry refused the lab simulator credentials.', 500);
  }
  return new AwsError('InvalidParameterException', `Registry answered ${res.status}: ${text.slice(0, 300)}`);
}

/** The registry in memory: used when no lab registry is up, and seeded with `pushImage`. */
export class MemoryRegistry implements RegistryBackend {
  readonly scheme = 'https' as const;
  readonly user = 'AWS';
  private readonly repos = new Map<string, { manifests: Map<string, Manifest>; tags: Map<string, string> }>();

  constructor(
    readonly host: string,
    readonly password = 'lab-registry-password',
  ) {}

  private repo(name: string) {
    let r = this.repos.get(name);
    if (!r) {
      r = { manifests: new Map(), tags: new Map() };
      this.repos.set(name, r);
    }
    return r;
  }

  async tags(repo: string): Promise<string[]> {
    return [...(this.repos.get(repo)?.tags.keys() ?? [])];
  }

  async manifest(repo: string, reference: string): Promise<Manifest | undefined> {
    const r = this.repos.get(repo);
    if (!r) return undefined;
    const digest = reference.startsWith('sha256:') ? reference : r.tags.get(reference);
    return digest === undefined ? undefined : r.manifests.get(digest);
  }

  async putManifest(repo: string, reference: string, body: string, mediaType: string): Promise<string> {
    const digest = digestOf(body);
    const r = this.repo(repo);
    r.manifests.set(digest, { digest, mediaType, body });
    if (!reference.startsWith('sha256:')) r.tags.set(reference, digest);
    return digest;
  }

  deleteTag(repo: string, tag: string): void {
    this.repos.get(repo)?.tags.delete(tag);
  }
}

/** A small but well-formed image manifest, distinct per `seed`. */
export function fakeManifest(seed: string): string {
  const blob = (s: string) => `sha256:${createHash('sha256').update(s).digest('hex')}`;
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: MANIFEST_TYPES[0],
    config: {
      mediaType: 'application/vnd.docker.container.image.v1+json',
      size: 1469,
      digest: blob(`config:${seed}`),
    },
    layers: [
      {
        mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
        size: 1024 * 1024,
        digest: blob(`layer:${seed}`),
      },
    ],
  });
}

/** Config plus layer sizes, as ECR reports `imageSizeInBytes`; undefined for an index. */
export function sizeOf(body: string): number | undefined {
  try {
    const m = JSON.parse(body) as { config?: { size?: number }; layers?: { size?: number }[] };
    if (!m.layers) return undefined;
    return (m.config?.size ?? 0) + m.layers.reduce((sum, l) => sum + (l.size ?? 0), 0);
  } catch {
    return undefined;
  }
}
