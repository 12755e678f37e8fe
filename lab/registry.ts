/**
 * The lab's two registries as the copy sees them, and images made through the registry
 * API itself (no Docker engine): single-platform images whose layers are generated on the
 * fly and streamed (a 200 MB layer never sits in memory), and a multi-platform index
 * assembled from single-platform images, which the lab's Docker 20.10 cannot build.
 * Deliberately independent of src/registry/: the fixtures the copy is tested against do
 * not come from the code under test. docs/lab.md#a-second-registry.
 */
import { createCipheriv, createHash } from 'node:crypto';
import type { LabEnv } from './env.js';

export interface LabRepository {
  host: string;
  repository: string;
  auth: { host: string; authorization: string };
}

export const basic = (user: string, password: string): string =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** `repository` in the lab's first registry (eu-west-1's stand-in) or its second (another account and region). */
export function labRepository(env: LabEnv, which: 1 | 2, repository: string): LabRepository {
  if (which === 1) {
    return {
      host: env.registry,
      repository,
      auth: { host: env.registry, authorization: basic(env.registryUser, env.registryPassword) },
    };
  }
  const r2 = env.registry2;
  if (!r2) throw new Error('the lab has no second registry: run lab/up again');
  return { host: r2.host, repository, auth: { host: r2.host, authorization: basic(r2.user, r2.password) } };
}

const url = (ref: LabRepository, tail: string) => `http://${ref.host}/v2/${ref.repository}/${tail}`;

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
const OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar';
export const ACCEPT_ALL = [
  OCI_INDEX,
  'application/vnd.docker.distribution.manifest.list.v2+json',
  OCI_MANIFEST,
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { os: string; architecture: string };
}

/** Sends a blob from `chunks` (hashed as they pass): POST, one streamed PATCH, PUT ?digest=. */
async function pushBlob(
  ref: LabRepository,
  chunks: AsyncIterable<Uint8Array>,
): Promise<{ digest: string; size: number }> {
  const started = await fetch(url(ref, 'blobs/uploads/'), {
    method: 'POST',
    headers: { authorization: ref.auth.authorization },
  });
  if (started.status !== 202) throw new Error(`POST upload ${ref.repository}: ${started.status}`);
  const hash = createHash('sha256');
  let size = 0;
  async function* hashed() {
    for await (const chunk of chunks) {
      hash.update(chunk);
      size += chunk.byteLength;
      yield chunk;
    }
  }
  const at = new URL(started.headers.get('location') ?? '', `http://${ref.host}`);
  const patched = await fetch(at, {
    method: 'PATCH',
    headers: { authorization: ref.auth.authorization, 'content-type': 'application/octet-stream' },
    body: ReadableStream.from(hashed()),
    duplex: 'half',
  } as RequestInit);
  if (patched.status !== 202) throw new Error(`PATCH upload ${ref.repository}: ${patched.status}`);
  const digest = `sha256:${hash.digest('hex')}`;
  const done = new URL(patched.headers.get('location') ?? '', `http://${ref.host}`);
  done.searchParams.set('digest', digest);
  const put = await fetch(done, { method: 'PUT', headers: { authorization: ref.auth.authorization } });
  if (put.status !== 201) throw new Error(`PUT upload ${ref.repository}: ${put.status} ${await put.text()}`);
  return { digest, size };
}

/**
 * Deterministic bytes from `seed` (AES-CTR over zeros: fast, and the same seed gives the
 * same blob, so repeated runs do not grow the registries' storage).
 */
async function* noise(seed: string, bytes: number): AsyncGenerator<Uint8Array> {
  const key = createHash('sha256').update(seed).digest().subarray(0, 16);
  const cipher = createCipheriv('aes-128-ctr', key, Buffer.alloc(16));
  const zeros = Buffer.alloc(1024 * 1024);
  for (let left = bytes; left > 0; left -= zeros.length)
    yield cipher.update(zeros.subarray(0, Math.min(left, zeros.length)));
}

/** An uncompressed tar of one file holding `bytes` bytes of noise: a layer Docker can pull and unpack. */
async function* tarLayer(name: string, seed: string, bytes: number): AsyncGenerator<Uint8Array> {
  const header = Buffer.alloc(512);
  header.write(name, 0, 100, 'utf8');
  header.write('0000644\0', 100);
  header.write('0000000\0', 108);
  header.write('0000000\0', 116);
  header.write(`${bytes.toString(8).padStart(11, '0')}\0`, 124);
  header.write('00000000000\0', 136);
  header.write('        ', 148); // checksum counted as spaces
  header.write('0', 156);
  header.write('ustar\x0000', 257);
  let sum = 0;
  for (const b of header) sum += b;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  yield header;
  yield* noise(seed, bytes);
  const pad = (512 - (bytes % 512)) % 512;
  yield Buffer.alloc(pad + 1024); // padding, then the two empty blocks that end a tar
}

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

/** PUTs manifest bytes under `reference`; returns the registry's Docker-Content-Digest. */
export async function putManifest(
  ref: LabRepository,
  reference: string,
  mediaType: string,
  body: string,
): Promise<string> {
  const res = await fetch(url(ref, `manifests/${reference}`), {
    method: 'PUT',
    headers: { authorization: ref.auth.authorization, 'content-type': mediaType },
    body,
  });
  if (res.status !== 201)
    throw new Error(`PUT manifest ${ref.repository}:${reference}: ${res.status} ${await res.text()}`);
  return res.headers.get('docker-content-digest') ?? '';
}

export interface GeneratedImage extends Descriptor {
  /** Layer sizes as stored (tar included). */
  layers: number[];
}

/**
 * A single-platform OCI image of `layers` (file sizes in bytes), made in `ref` through the
 * registry API and tagged `tag`. Same seed, same bytes, same digest.
 */
export async function pushGeneratedImage(
  ref: LabRepository,
  tag: string,
  opts: { seed: string; layers: number[]; platform?: { os: string; architecture: string } },
): Promise<GeneratedImage> {
  const platform = opts.platform ?? { os: 'linux', architecture: 'amd64' };
  const layers: { digest: string; size: number }[] = [];
  for (const [i, bytes] of opts.layers.entries()) {
    layers.push(await pushBlob(ref, tarLayer(`data/${i}.bin`, `${opts.seed}/${i}`, bytes)));
  }
  const config = Buffer.from(
    JSON.stringify({
      ...platform,
      config: { Cmd: ['sh'], Labels: { 'ecs-release.lab.seed': opts.seed } },
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) },
    }),
  );
  const cfg = await pushBlob(ref, once(config));
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: OCI_CONFIG, digest: cfg.digest, size: cfg.size },
    layers: layers.map((l) => ({ mediaType: OCI_LAYER, digest: l.digest, size: l.size })),
  });
  const digest = await putManifest(ref, tag, OCI_MANIFEST, manifest);
  return {
    mediaType: OCI_MANIFEST,
    digest,
    size: Buffer.byteLength(manifest),
    platform,
    layers: layers.map((l) => l.size),
  };
}

/** An OCI image index over single-platform images already in `ref`, tagged `tag`; returns its digest. */
export async function assembleIndex(
  ref: LabRepository,
  tag: string,
  platforms: Descriptor[],
): Promise<string> {
  const index = JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests: platforms.map(({ mediaType, digest, size, platform }) => ({
      mediaType,
      digest,
      size,
      platform,
    })),
  });
  return putManifest(ref, tag, OCI_INDEX, index);
}

/** What the registry says `reference` is (Docker-Content-Digest of a HEAD), or undefined when it has none. */
export async function registryDigest(ref: LabRepository, reference: string): Promise<string | undefined> {
  const res = await fetch(url(ref, `manifests/${reference}`), {
    method: 'HEAD',
    headers: { authorization: ref.auth.authorization, accept: ACCEPT_ALL },
  });
  return res.ok ? (res.headers.get('docker-content-digest') ?? undefined) : undefined;
}
