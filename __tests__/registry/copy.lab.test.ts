/**
 * The registry copy against the lab's two real registries: the second one stands for
 * another account and region, and answers blob reads with a redirect to storage that
 * refuses an Authorization header, as ECR's presigned S3 URLs do.
 */
import { randomBytes } from 'node:crypto';
import Docker from 'dockerode';
import { beforeAll, describe, expect, it } from 'vitest';
import { requireLabEnv } from '../../lab/env';
import {
  ACCEPT_ALL,
  assembleIndex,
  type GeneratedImage,
  type LabRepository,
  labRepository,
  pushGeneratedImage,
  registryDigest,
} from '../../lab/registry';
import { copyImage, imageExists, RegistryError, tagImage } from '../../src/registry';
import { needsLab } from '../support/world';

const ns = `copy-${randomBytes(4).toString('hex')}`;
const MB = 1024 * 1024;

/** docker pull by digest through the lab engine, with that registry's login. */
async function pullByDigest(
  docker: Docker,
  ref: LabRepository,
  digest: string,
  password: string,
): Promise<void> {
  const image = `${ref.host}/${ref.repository}@${digest}`;
  const stream = await docker.pull(image, {
    authconfig: { username: 'AWS', password, serveraddress: ref.host },
  });
  await new Promise<void>((resolve, reject) =>
    docker.modem.followProgress(stream, (err: Error | null, out: { error?: string }[]) => {
      const failed = err ?? out.find((e) => e.error);
      if (failed) reject(new Error(`docker pull ${image}: ${'error' in failed ? failed.error : failed}`));
      else resolve();
    }),
  );
  await docker
    .getImage(image)
    .remove({ noprune: false })
    .catch(() => undefined);
}

describe('registry copy between the lab registries', () => {
  const env = requireLabEnvOrThrow();
  const docker = new Docker({ socketPath: env.dockerHost.replace(/^unix:\/\//, '') });
  const r2password = env.registry2?.password ?? '';
  const one = (repo: string) => labRepository(env, 1, `${ns}/${repo}`);
  const two = (repo: string) => labRepository(env, 2, `${ns}/${repo}`);
  let app: GeneratedImage;

  beforeAll(async () => {
    app = await pushGeneratedImage(one('app'), 'v1', { seed: `${ns}/app`, layers: [3 * MB, 200_000] });
  });

  it('copies across registries: the target names the same digest, docker pulls it, a second copy sends no blob', async () => {
    const lines: string[] = [];
    const first = await copyImage(one('app'), two('app'), app.digest, { log: (l) => lines.push(l) });
    expect(first).toMatchObject({ digest: app.digest, manifests: 1, blobsSent: 3, blobsSkipped: 0 });
    expect(first.bytesSent).toBeGreaterThan(3 * MB);
    expect(await registryDigest(two('app'), app.digest)).toBe(app.digest);
    await pullByDigest(docker, two('app'), app.digest, r2password);

    const again = await copyImage(one('app'), two('app'), app.digest);
    expect(again).toMatchObject({ manifests: 0, blobsSent: 0, bytesSent: 0 });
    // Another repository of the same registry: its blobs are mounted, none sent.
    const mounted = await copyImage(two('app'), two('app-prod'), app.digest);
    expect(mounted).toMatchObject({ manifests: 1, blobsSent: 0, blobsMounted: 3 });
    expect(await registryDigest(two('app-prod'), app.digest)).toBe(app.digest);
  });

  it('reads blobs of the redirecting registry without the Authorization header (its storage refuses it)', async () => {
    const source = two('redirected');
    const img = await pushGeneratedImage(source, 'v1', { seed: `${ns}/redirected`, layers: [MB] });
    // The lab's storage is like S3: the registry's 307 with the token is refused.
    const res = await fetch(
      `http://${source.host}/v2/${source.repository}/blobs/${await firstLayer(source, img)}`,
      {
        headers: { authorization: source.auth.authorization },
        redirect: 'manual',
      },
    );
    expect(res.status).toBe(307);
    const storage = res.headers.get('location') ?? '';
    expect(new URL(storage).host).toBe(new URL(env.registry2?.storageUrl ?? '').host);
    const refused = await fetch(storage, { headers: { authorization: source.auth.authorization } });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('<Code>InvalidArgument</Code>');

    const result = await copyImage(source, one('redirected'), img.digest);
    expect(result).toMatchObject({ manifests: 1, blobsSent: 2 });
    expect(await registryDigest(one('redirected'), img.digest)).toBe(img.digest);
  });

  it('copies a multi-platform index with every platform manifest, each by digest', async () => {
    const src = one('multi');
    const amd64 = await pushGeneratedImage(src, 'amd64', { seed: `${ns}/amd64`, layers: [MB] });
    const arm64 = await pushGeneratedImage(src, 'arm64', {
      seed: `${ns}/arm64`,
      layers: [MB],
      platform: { os: 'linux', architecture: 'arm64' },
    });
    const index = await assembleIndex(src, 'v1', [amd64, arm64]);

    const result = await copyImage(src, two('multi'), index);
    expect(result).toMatchObject({ digest: index, manifests: 3, blobsSent: 4 });
    for (const digest of [index, amd64.digest, arm64.digest]) {
      expect(await registryDigest(two('multi'), digest)).toBe(digest);
    }
    const served = await fetch(`http://${env.registry2?.host}/v2/${ns}/multi/manifests/${index}`, {
      headers: { authorization: two('multi').auth.authorization, accept: ACCEPT_ALL },
    });
    expect(served.headers.get('content-type')).toBe('application/vnd.oci.image.index.v1+json');
    // The engine resolves the index to its linux/amd64 manifest.
    await pullByDigest(docker, two('multi'), index, r2password);
  });

  it('streams a 200 MB layer across registries', async () => {
    // The same seed every run: the same blob, so the lab's storage does not grow run after run.
    const big = await pushGeneratedImage(one('big'), 'v1', {
      seed: 'lab/large-layer/v1',
      layers: [200 * MB],
    });
    const result = await copyImage(one('big'), two('big'), big.digest);
    expect(result).toMatchObject({ manifests: 1, blobsSent: 2 });
    expect(result.bytesSent).toBeGreaterThan(200 * MB);
    expect(await registryDigest(two('big'), big.digest)).toBe(big.digest);
  });

  it('names the repository, the digest, the status and the registry code for a digest that exists nowhere', async () => {
    const missing = `sha256:${'0'.repeat(64)}`;
    const error = await copyImage(one('app'), two('missing'), missing).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as RegistryError).notFound).toBe(true);
    expect((error as Error).message).toBe(
      `GET manifest ${env.registry}/${ns}/app@${missing}: HTTP 404 MANIFEST_UNKNOWN: "manifest unknown"`,
    );
    expect(await imageExists(two('missing'), missing)).toBe(false);
  });

  it('tags a digest, knows a tag it gave already, and leaves a tag naming another digest alone', async () => {
    const target = two('tags');
    await copyImage(one('app'), target, app.digest);
    expect(await tagImage(target, app.digest, 'abc123')).toBe('tagged');
    expect(await registryDigest(target, 'abc123')).toBe(app.digest);
    expect(await tagImage(target, app.digest, 'abc123')).toBe('already');
    const other = await pushGeneratedImage(target, 'taken', { seed: `${ns}/other`, layers: [1000] });
    expect(await tagImage(target, app.digest, 'taken')).toEqual({ conflict: other.digest });
    expect(await registryDigest(target, 'taken')).toBe(other.digest);
  });

  it('tries a transient failure again and says so', async () => {
    let failures = 0;
    const flaky: typeof fetch = (input, init) => {
      if (init?.method === 'PUT' && String(input).includes('/manifests/') && failures === 0) {
        failures++;
        return Promise.resolve(
          new Response('{"errors":[{"code":"UNAVAILABLE","message":"try later"}]}', { status: 503 }),
        );
      }
      return fetch(input, init);
    };
    const lines: string[] = [];
    const result = await copyImage(one('app'), two('flaky'), app.digest, {
      fetch: flaky,
      log: (l) => lines.push(l),
      clock: { sleep: async () => undefined },
    });
    expect(result.manifests).toBe(1);
    expect(await registryDigest(two('flaky'), app.digest)).toBe(app.digest);
    expect(lines.join('\n')).toMatch(/HTTP 503 UNAVAILABLE: "try later"; trying again in \d+ ms/);
  });

  it('stops at the abort signal, leaving no manifest in the target', async () => {
    const controller = new AbortController();
    const copy = copyImage(one('app'), two('aborted'), app.digest, {
      signal: controller.signal,
      log: () => controller.abort(new Error('run cancelled')),
    });
    await expect(copy).rejects.toThrow('run cancelled');
    expect(await imageExists(two('aborted'), app.digest)).toBe(false);
  });
});

function requireLabEnvOrThrow() {
  needsLab();
  const env = requireLabEnv();
  if (!env.registry2) throw new Error('the lab has no second registry: run lab/up again');
  return env;
}

/** The digest of an image's first layer, read from its manifest. */
async function firstLayer(ref: LabRepository, img: GeneratedImage): Promise<string> {
  const res = await fetch(`http://${ref.host}/v2/${ref.repository}/manifests/${img.digest}`, {
    headers: { authorization: ref.auth.authorization, accept: ACCEPT_ALL },
  });
  const manifest = (await res.json()) as { layers: { digest: string }[] };
  return manifest.layers[0]?.digest ?? '';
}
