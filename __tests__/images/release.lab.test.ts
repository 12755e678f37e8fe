/**
 * The images stage against the lab's real Docker engine and registry: cold
 * builds, no-op re-runs, a commit touching one image, failing builds, a refused
 * password, and no password in any output. Skipped when the lab is not up.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImageConfig, ReleaseConfig } from '../../src/config/types';
import { buildImages } from '../../src/images';
import type { ImagesResult, RepositoryInfo } from '../../src/model/contracts';
import { testConfig } from '../support/config';
import { createWorld, needsLab, type World } from '../support/world';
import { type AppRepo, appRepo } from './git-fixture';

const ACCEPT = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.index.v1+json',
].join(', ');

/** What the registry itself says a tag points at (Docker-Content-Digest). */
async function registryDigest(world: World, repository: string, tag: string): Promise<string | undefined> {
  const env = world.labEnv;
  if (!env) throw new Error('lab not up');
  const res = await fetch(`${env.registryUrl}/v2/${repository}/manifests/${tag}`, {
    method: 'HEAD',
    headers: {
      accept: ACCEPT,
      authorization: `Basic ${Buffer.from(`${env.registryUser}:${env.registryPassword}`).toString('base64')}`,
    },
  });
  return res.ok ? (res.headers.get('docker-content-digest') ?? undefined) : undefined;
}

function setup(world: World, images: ImageConfig[], commit: string, exists = false) {
  const host = world.labEnv?.registry ?? '';
  const repositories: Record<string, RepositoryInfo> = Object.fromEntries(
    images.map((i) => [i.key, { name: i.repository, uri: `${host}/${i.repository}`, exists }]),
  );
  // Each world has its own lab: repositories made by an earlier run are seeded; their images are in the real registry.
  if (exists)
    for (const i of images) world.lab.ecr.createRepository(i.repository, { imageTagMutability: 'IMMUTABLE' });
  const config: ReleaseConfig = testConfig({ images, commit, release: commit });
  return { config, repositories };
}

/** Everything the user could see: every log line (debug too) and the error text. */
const everything = (world: World, error?: unknown): string =>
  `${world.log.text({ debug: true })}\n${error instanceof Error ? error.message : ''}`;

describe('images stage on the lab engine and registry', () => {
  let repo: AppRepo;
  let world: World;
  /** Unique repositories per run, so earlier runs' tags are not found. */
  const ns = `t${randomBytes(4).toString('hex')}`;
  let images: ImageConfig[];
  let first: ImagesResult;
  let firstCommit: string;

  beforeAll(async () => {
    needsLab();
    repo = appRepo();
    world = createWorld();
    images = repo.images().map((i) => ({ ...i, repository: `${ns}/${i.key}` }));
    firstCommit = repo.head();
    const { config, repositories } = setup(world, images, firstCommit);
    first = await buildImages(world.context(config, repo.dir), { repositories, deployed: {} });
  }, 120_000);

  afterAll(async () => {
    repo?.remove();
    // Leave the shared engine as we found it: drop this run's local images.
    for (const image of await world.docker.listImages()) {
      if ((image.RepoTags ?? []).some((t) => t.startsWith(`${world.labEnv?.registry}/${ns}/`))) {
        await world.docker
          .getImage(image.Id)
          .remove({ force: true })
          .catch(() => undefined);
      }
    }
  });

  it('cold release: builds both images, pushes commit and content tags, digests equal the registry', async () => {
    expect(first.frontend?.built).toBe(true);
    expect(first.backend?.built).toBe(true);
    for (const image of images) {
      const got = first[image.key];
      if (!got) throw new Error(`no result for ${image.key}`);
      expect(got.contentTag).toMatch(/^content-[0-9a-f]{40}$/);
      expect(got.reference).toBe(`${world.labEnv?.registry}/${image.repository}@${got.digest}`);
      expect(await registryDigest(world, image.repository, got.contentTag)).toBe(got.digest);
      expect(await registryDigest(world, image.repository, firstCommit)).toBe(got.digest);
    }
    const created = world.lab.recorder.calls('ecr', 'CreateRepository').filter((c) => !c.error);
    expect(created.map((c) => c.input)).toEqual(
      images.map((i) => ({
        repositoryName: i.repository,
        imageTagMutability: 'IMMUTABLE',
        imageScanningConfiguration: { scanOnPush: true },
      })),
    );
    const log = world.log.text();
    // One line per build step, prefixed by the image key; RUN output stays at debug level.
    expect(log).toMatch(/^\[backend\] (CACHED )?\[5\/5\] RUN node --check server\.mjs/m);
    expect(log).toMatch(/^\[frontend\] (CACHED )?\[build 5\/5\] RUN node build\.mjs src \/out/m);
    expect(log).not.toContain('sh -n migrate && chmod 755 migrate\n  ');
    expect(log).toContain(`[frontend] pushed stage cache ${world.labEnv?.registry}/${ns}/frontend:cache-`);
    expect(world.lab.recorder.calls('ecr', 'GetAuthorizationToken')).toHaveLength(1);
  });

  it('the ECR password is masked and appears in no log line or output', () => {
    const password = world.labEnv?.registryPassword ?? '';
    expect(password.length).toBeGreaterThan(8);
    expect(world.masked).toContain(password);
    expect(everything(world)).not.toContain(password);
    expect(JSON.stringify(first)).not.toContain(password);
  });

  it('same commit again: nothing is built, digests are reused', async () => {
    const again = createWorld();
    const { config, repositories } = setup(again, images, firstCommit, true);
    const result = await buildImages(again.context(config, repo.dir), { repositories, deployed: {} });
    expect(result.frontend).toEqual({ ...first.frontend, built: false });
    expect(result.backend).toEqual({ ...first.backend, built: false });
    expect(again.log.text()).not.toContain('building');
    // No login either: nothing had to be pushed.
    expect(again.lab.recorder.calls('ecr', 'GetAuthorizationToken')).toHaveLength(0);
    expect(again.lab.recorder.calls('ecr', 'CreateRepository')).toHaveLength(0);
  }, 30_000);

  it('a commit touching only backend/: the frontend is not built and keeps its digest', async () => {
    const server = readFileSync(join(repo.dir, 'backend', 'server.mjs'), 'utf8');
    const commit = repo.commit({ 'backend/server.mjs': `${server}\n// one more line\n` }, 'backend only');
    const next = createWorld();
    const { config, repositories } = setup(next, images, commit, true);
    const deployed = {
      frontend: [first.frontend?.reference ?? ''],
      backend: [first.backend?.reference ?? ''],
    };
    const result = await buildImages(next.context(config, repo.dir), { repositories, deployed });
    expect(result.frontend).toEqual({ ...first.frontend, built: false });
    expect(result.backend?.built).toBe(true);
    expect(result.backend?.digest).not.toBe(first.backend?.digest);
    expect(next.log.text()).toContain(`[backend] building`);
    expect(next.log.text()).toContain(`with layer cache from ${first.backend?.reference}`);
    expect(next.log.text()).not.toContain('[frontend] building');
    // Both images carry the new commit's tag.
    expect(await registryDigest(next, `${ns}/frontend`, commit)).toBe(first.frontend?.digest);
    expect(await registryDigest(next, `${ns}/backend`, commit)).toBe(result.backend?.digest);
  }, 60_000);

  it('a multi-stage rebuild takes the earlier stage from its cache image', async () => {
    const server = readFileSync(join(repo.dir, 'frontend', 'server.mjs'), 'utf8');
    const commit = repo.commit({ 'frontend/server.mjs': `${server}\n// runtime only\n` }, 'frontend runtime');
    const next = createWorld();
    const { config, repositories } = setup(next, images, commit, true);
    const deployed = { frontend: [first.frontend?.reference ?? ''], backend: [] };
    const result = await buildImages(next.context(config, repo.dir), { repositories, deployed });
    expect(result.frontend?.built).toBe(true);
    const key = first.frontend?.contentTag.replace('content-', '');
    expect(next.log.text()).toContain(`${world.labEnv?.registry}/${ns}/frontend:cache-${key}-build`);
  }, 60_000);

  it('a failing RUN step: the error names the image, quotes the command and its last output', async () => {
    const failing = createWorld();
    writeFileSync(
      join(repo.dir, 'backend', 'Dockerfile.fail'),
      `FROM ${failing.labEnv?.baseImage}\nRUN echo "preparing the database client" && echo "config file /etc/app.conf is missing" >&2 && exit 3\n`,
    );
    const broken = images
      .filter((i) => i.key === 'backend')
      .map((i) => ({ ...i, repository: `${ns}/broken`, dockerfile: 'backend/Dockerfile.fail' }));
    const { config, repositories } = setup(failing, broken, firstCommit);
    const error = await buildImages(failing.context(config, repo.dir), { repositories, deployed: {} }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toContain('image "backend"');
    expect(error?.message).toContain('RUN echo "preparing the database client"');
    expect(error?.message).toContain('exit code: 3');
    expect(error?.message).toContain('config file /etc/app.conf is missing');
    expect(error?.message).not.toContain('null');
    expect(await registryDigest(failing, `${ns}/broken`, firstCommit)).toBeUndefined();
    expect(everything(failing, error)).not.toContain(failing.labEnv?.registryPassword);
  }, 60_000);

  it('a wrong registry password: an auth error naming the registry, no password in it', async () => {
    const refused = createWorld();
    const wrong = `wrong-${randomBytes(8).toString('hex')}`;
    refused.aws.ecr.middlewareStack.add(
      (next) => async (args) => {
        const out = await next(args);
        const output = out.output as { authorizationData?: { authorizationToken?: string }[] };
        const data = output.authorizationData?.[0];
        if (data) data.authorizationToken = Buffer.from(`AWS:${wrong}`).toString('base64');
        return out;
      },
      { step: 'initialize', name: 'wrongPassword' },
    );
    const server = readFileSync(join(repo.dir, 'backend', 'server.mjs'), 'utf8');
    const commit = repo.commit({ 'backend/server.mjs': `${server}\n// refused\n` }, 'refused');
    const { config, repositories } = setup(refused, images, commit, true);
    const error = await buildImages(refused.context(config, repo.dir), { repositories, deployed: {} }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toContain(`the registry ${refused.labEnv?.registry} refused the credentials`);
    expect(refused.masked).toContain(wrong);
    expect(everything(refused, error)).not.toContain(wrong);
    expect(everything(refused, error)).not.toContain(refused.labEnv?.registryPassword);
  }, 30_000);

  it('cancellation stops a running build promptly', async () => {
    const cancelled = createWorld();
    const mark = randomBytes(4).toString('hex');
    writeFileSync(
      join(repo.dir, 'backend', 'Dockerfile.slow'),
      // the last line prints `finished 42 <mark>`, which the step's own text does not contain
      `FROM ${cancelled.labEnv?.baseImage}\nRUN echo ${mark} && sleep 60 && echo finished $((6 * 7)) ${mark}\n`,
    );
    const slow = images
      .filter((i) => i.key === 'backend')
      .map((i) => ({ ...i, repository: `${ns}/slow`, dockerfile: 'backend/Dockerfile.slow' }));
    const { config, repositories } = setup(cancelled, slow, firstCommit);
    const running = buildImages(cancelled.context(config, repo.dir), { repositories, deployed: {} });
    const interval = setInterval(() => {
      if (cancelled.log.text().includes('sleep 60'))
        cancelled.controller.abort(new Error('cancelled by the runner'));
    }, 50);
    const error = await running.then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    clearInterval(interval);
    expect(error?.message).toBe('cancelled by the runner');
    // Promptly: the stage did not wait for the build's 60 s step to end (the step's output, logged
    // at debug, never got its last line). No wall-clock bound: a loaded machine must not fail it.
    expect(cancelled.log.text({ debug: true })).not.toContain(`finished 42 ${mark}`);
  }, 30_000);
});
