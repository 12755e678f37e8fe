/**
 * Promotion benchmark against the lab's two registries (the second stands for another
 * account and region, its blob reads redirected to presigned-like storage):
 *  (1) examples/app's two images built once into the first registry (staging), then
 *      promoted: copied by digest into the second registry and tagged; bytes as sent;
 *  (2) the same promotion again: nothing to send;
 *  (3) the baseline in the same run: the same commit rebuilt and pushed into the second
 *      registry by the images stage, on an empty local cache (production's own runner);
 *  (4) peak RSS of a child process copying one image of a 32 MB and of a 256 MB layer
 *      (streamed), and of the same copy with each blob read whole (the baseline).
 * Run: npx tsx bench/promotion/run.ts [--memory]   (needs lab/up; --memory: only (4))
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import Docker from 'dockerode';
import { build } from 'esbuild';
import { appRepo } from '../../__tests__/images/git-fixture';
import { type LabEnv, requireLabEnv } from '../../lab/env';
import { labRepository, pushGeneratedImage } from '../../lab/registry';
import { realClock } from '../../lab/sim/clock';
import { createLab } from '../../lab/sim/lab';
import { createClients } from '../../src/aws/clients';
import type { ReleaseConfig } from '../../src/config/types';
import { buildImages } from '../../src/images';
import type { ImagesResult } from '../../src/model/contracts';
import { type CopyResult, copyImage, type RepositoryRef, tagImage } from '../../src/registry';
import { systemClock } from '../../src/runtime/clock';
import { LineLogger } from '../images/harness';
import { markDockerfile, pruneOwn } from '../images/own-cache';

const MB = 1024 * 1024;

/** A stage context per region: the simulator answers the second region's ECR from the second registry. */
function world(env: LabEnv) {
  const docker = new Docker({ socketPath: env.dockerHost.replace(/^unix:\/\//, '') });
  const lab = createLab({
    clock: realClock,
    registry: { host: env.registry, user: env.registryUser, password: env.registryPassword },
    registry2: env.registry2,
    docker,
  });
  const clients = (region: string) =>
    createClients({
      region,
      requestHandler: lab.handler,
      credentials: { accessKeyId: 'lab', secretAccessKey: 'lab' },
    });
  const log = new LineLogger(false);
  const context = (config: ReleaseConfig, workdir: string) => ({
    config,
    aws: clients(config.region),
    docker: async () => docker,
    clock: systemClock,
    log,
    signal: new AbortController().signal,
    mask: () => {},
    workdir,
  });
  return { docker, clients, context };
}

/** The registry login of `region` as promotion gets it: ECR GetAuthorizationToken there. */
async function login(w: ReturnType<typeof world>, region: string): Promise<RepositoryRef['auth']> {
  const out = await w.clients(region).ecr.send(new GetAuthorizationTokenCommand({}));
  const data = out.authorizationData?.[0];
  return {
    host: (data?.proxyEndpoint ?? '').replace(/^https?:\/\//, ''),
    authorization: `Basic ${data?.authorizationToken}`,
  };
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await fn();
  return { ms: performance.now() - t, value };
}

function sum(results: CopyResult[]) {
  return {
    blobsSent: results.reduce((n, r) => n + r.blobsSent, 0),
    bytesSent: results.reduce((n, r) => n + r.bytesSent, 0),
  };
}

/** Config + layer sizes of a manifest in the second registry: what a push of that image carries at most. */
async function imageBytes(env: LabEnv, repository: string, digest: string): Promise<number> {
  const ref = labRepository(env, 2, repository);
  const res = await fetch(`http://${ref.host}/v2/${repository}/manifests/${digest}`, {
    headers: {
      authorization: ref.auth.authorization,
      accept:
        'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json',
    },
  });
  const m = (await res.json()) as { config: { size: number }; layers: { size: number }[] };
  return m.config.size + m.layers.reduce((n, l) => n + l.size, 0);
}

export async function promotionBench(progress: (line: string) => void = () => {}) {
  const env = requireLabEnv();
  const r2 = env.registry2;
  if (!r2) throw new Error('the lab has no second registry: run lab/up again');
  const w = world(env);
  const repo = appRepo();
  const ns = `bench-promo-${randomBytes(3).toString('hex')}`;
  try {
    // Each run's builds marked as its own, so "an empty local cache" removes only this run's records.
    for (const image of repo.images()) {
      const file = join(repo.dir, image.dockerfile);
      writeFileSync(file, markDockerfile(readFileSync(file, 'utf8'), ns));
    }
    repo.git('commit', '-qam', 'bench mark');
    const commit = repo.head();
    const images = (prefix: string) =>
      repo.images().map((i) => ({ ...i, repository: `${ns}/${prefix}${i.key}` }));
    const run = (region: string, prefix: string, host: string) => {
      const config = {
        commit,
        release: commit,
        region,
        createRepositories: true,
        images: images(prefix),
      } as Partial<ReleaseConfig> as ReleaseConfig;
      const repositories = Object.fromEntries(
        config.images.map((i) => [
          i.key,
          { name: i.repository, uri: `${host}/${i.repository}`, exists: false },
        ]),
      );
      return buildImages(w.context(config, repo.dir), { repositories, deployed: {} });
    };

    progress('promotion: staging build of examples/app into the first registry …');
    await pruneOwn(w.docker, ns);
    const staging: ImagesResult = await run('eu-west-1', '', env.registry);

    const from = await login(w, 'eu-west-1');
    const to = await login(w, r2.region);
    const promote = () =>
      Promise.all(
        Object.values(staging).map(async (img) => {
          const repository = `${ns}/${img.key}`;
          const source = { host: env.registry, repository, auth: from };
          const target = { host: r2.host, repository, auth: to };
          const copied = await copyImage(source, target, img.digest);
          await tagImage(target, img.digest, commit.slice(0, 12));
          return copied;
        }),
      );
    progress('promotion: copy by digest into the second registry …');
    const first = await timed(promote);
    progress('promotion: the same promotion again …');
    const second = await timed(promote);

    progress(
      'promotion: baseline, the same commit rebuilt and pushed into the second registry, empty local cache …',
    );
    await pruneOwn(w.docker, ns);
    await removeOwnImages(w.docker, ns);
    const rebuild = await timed(() => run(r2.region, 'rebuild-', r2.host));
    let rebuildBytes = 0;
    for (const img of Object.values(rebuild.value))
      rebuildBytes += await imageBytes(env, `${ns}/rebuild-${img.key}`, img.digest);
    const sameDigests = Object.values(rebuild.value).filter(
      (img) => img.digest === staging[img.key]?.digest,
    ).length;
    await pruneOwn(w.docker, ns);
    await removeOwnImages(w.docker, ns);
    return {
      images: Object.keys(staging).length,
      first: { ms: first.ms, ...sum(first.value) },
      second: { ms: second.ms, ...sum(second.value) },
      rebuild: { ms: rebuild.ms, bytes: rebuildBytes, sameDigests },
    };
  } finally {
    repo.remove();
  }
}

async function removeOwnImages(docker: Docker, ns: string): Promise<void> {
  for (const image of await docker.listImages()) {
    if ((image.RepoTags ?? []).some((t) => t.includes(`/${ns}/`)))
      await docker.getImage(image.Id).remove({ force: true });
  }
}

/** The child, bundled once: esbuild, plain node. */
async function childBundle(dir: string): Promise<string> {
  const outfile = join(dir, 'copy-child.cjs');
  await build({
    entryPoints: [resolve(__dirname, 'copy-child.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'es2022',
    logLevel: 'error',
  });
  return outfile;
}

function runChild(
  bundle: string,
  job: object,
): Promise<CopyResult & { ms: number; startMB: number; peakMB: number }> {
  return new Promise((resolvePromise, reject) => {
    const child = execFile(process.execPath, [bundle], { maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`copy child: ${stderr || error.message}`));
      else resolvePromise(JSON.parse(stdout));
    });
    child.stdin?.end(JSON.stringify(job));
  });
}

/** Peak RSS of a child copying a `layerMB` layer from the second registry (redirected reads) to the first. */
export async function memoryBench(progress: (line: string) => void = () => {}) {
  const env = requireLabEnv();
  const dir = mkdtempSync(join(tmpdir(), 'ecs-release-promo-'));
  const ns = `bench-promo-mem-${randomBytes(3).toString('hex')}`;
  try {
    const bundle = await childBundle(dir);
    const rows = [];
    for (const layerMB of [32, 256]) {
      progress(`promotion memory: a ${layerMB} MB layer …`);
      const source = labRepository(env, 2, `${ns}/l${layerMB}`);
      // Fixed seeds: the same blobs every run, so the lab's storage does not grow.
      const img = await pushGeneratedImage(source, 'v1', {
        seed: `bench/layer/${layerMB}`,
        layers: [layerMB * MB],
      });
      const streamed = await runChild(bundle, {
        from: source,
        to: labRepository(env, 1, `${ns}/s${layerMB}`),
        digest: img.digest,
        naive: false,
      });
      const whole = await runChild(bundle, {
        from: source,
        to: labRepository(env, 1, `${ns}/w${layerMB}`),
        digest: img.digest,
        naive: true,
      });
      rows.push({ layerMB, streamed, whole });
    }
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const log = (line: string) => console.log(line);
  if (!process.argv.includes('--memory')) console.log(JSON.stringify(await promotionBench(log), null, 2));
  console.log(JSON.stringify(await memoryBench(log), null, 2));
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
