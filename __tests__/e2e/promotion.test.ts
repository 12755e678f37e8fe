/**
 * Promotion through the bundle (docs/promotion.md): a release of examples/app into
 * staging's world and repositories (the lab's first registry, eu-west-1), then the same
 * commit promoted into production's: another lab world in the second registry's region
 * (another registry, account and region, whose blob reads redirect to storage that
 * refuses an Authorization header). Nothing built, the very same digests in the target
 * registry, the services running them; a digest that exists nowhere, or a host no token
 * opens, refused in preflight; a second promotion copies nothing; a multi-platform image
 * index (staging's linux/amd64 image plus a linux/arm64 one, assembled in the source
 * registry) copied with every platform manifest and run by its index digest.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACCEPT_ALL,
  assembleIndex,
  basic,
  type Descriptor,
  registryDigest as labRegistryDigest,
  labRepository,
  pushGeneratedImage,
} from '../../lab/registry';
import { DEMO } from '../../lab/scenarios/demo';
import { isMutation } from '../../lab/sim/recorder';
import { appCheckout, type E2eLab, ownDeployInputs, type RunResult, runAction, startE2eLab } from './harness';

const RUN = `promo${Date.now().toString(36)}`;
const STAGING = ownDeployInputs(`${RUN}-staging`);
/** Production's inputs: its own repositories, in the second registry's region. */
let PRODUCTION: Record<string, string> = {};
const CLAIM_KEY = 'ecs-release:claim:production';

type Images = Record<
  string,
  { uri: string; digest: string; tag?: string; built: boolean; promoted?: boolean; from?: string }
>;

let staging: E2eLab;
let production: E2eLab;
let app: ReturnType<typeof appCheckout>;
let sha = '';
let stagingImages: Images = {};

function run(lab: E2eLab, inputs: Record<string, string>): Promise<RunResult> {
  return runAction({ inputs, cwd: app.dir, url: lab.url, labEnv: lab.env, sha });
}

const imagesOf = (result: RunResult): Images => JSON.parse(result.outputs.images ?? '{}') as Images;

function primaryOf(lab: E2eLab, service: string): string {
  const s = [...lab.lab.ecs.services.values()].find((x) => x.name === service);
  return s?.deployments.find((d) => d.status === 'PRIMARY')?.taskDefinition ?? '';
}

function claimTag(lab: E2eLab): string | undefined {
  const cluster = [...lab.lab.ecs.clusters.values()].find((c) => c.name === DEMO.cluster);
  return cluster?.tags.find((t) => t.key === CLAIM_KEY)?.value;
}

function secondRegistry(lab: E2eLab) {
  const r2 = lab.env.registry2;
  if (!r2) throw new Error('the lab has no second registry: run lab/up again');
  return r2;
}

/** What the second registry itself answers for a manifest: its Docker-Content-Digest, or undefined (404). */
function registryDigest(lab: E2eLab, repository: string, reference: string): Promise<string | undefined> {
  const r2 = secondRegistry(lab);
  const ref = {
    host: r2.host,
    repository,
    auth: { host: r2.host, authorization: basic(r2.user, r2.password) },
  };
  return labRegistryDigest(ref, reference);
}

beforeAll(async () => {
  // Two worlds (clusters, services, records) over the one lab registry: staging's and production's.
  staging = await startE2eLab();
  production = await startE2eLab();
  PRODUCTION = { ...ownDeployInputs(`${RUN}-prod`), 'aws-region': secondRegistry(production).region };
  app = appCheckout();
  sha = app.commit('release to promote');
});

afterAll(async () => {
  await staging?.close();
  await production?.close();
});

describe('promotion through the bundle', () => {
  it('staging: the commit is built and released into its own repositories', async () => {
    const result = await run(staging, STAGING);
    expect(result.code, result.stdout.slice(-3000)).toBe(0);
    expect(result.outputs.result).toBe('deployed');
    stagingImages = imagesOf(result);
    expect(Object.keys(stagingImages).sort()).toEqual(['backend', 'frontend']);
    for (const image of Object.values(stagingImages)) {
      expect(image).toMatchObject({ built: true, tag: expect.stringMatching(/^content-/) });
      expect(image.promoted).toBeUndefined();
    }
  }, 300_000);

  it("production: the same commit from staging's images output, nothing built, the very same digests running", async () => {
    const registered = production.lab.recorder.calls('ecs', 'RegisterTaskDefinition').length;
    const result = await run(production, { ...PRODUCTION, images: JSON.stringify(stagingImages) });
    expect(result.code, result.stdout.slice(-3000)).toBe(0);
    expect(result.outputs.result).toBe('deployed');
    // Nothing built: no build or push line, no engine build.
    expect(result.stdout).not.toMatch(/\] building |\] pushed /);
    const images = imagesOf(result);
    for (const key of ['frontend', 'backend']) {
      const source = stagingImages[key];
      const repository = PRODUCTION[`${key}-repository`] ?? '';
      expect(images[key]).toMatchObject({
        digest: source?.digest,
        built: false,
        promoted: true,
        from: source?.uri,
        tag: source?.tag,
      });
      expect(images[key]?.uri).toBe(`${secondRegistry(production).host}/${repository}`);
      // Across registries every blob is uploaded: none mounted, none already there.
      expect(result.stdout).toMatch(
        new RegExp(
          `\\[${key}\\] copied .*: \\d manifest\\(s\\), [1-9]\\d* blob\\(s\\) sent \\(\\d+ bytes\\), 0 mounted`,
        ),
      );
      // The target registry holds the same bytes: by digest, by the commit, by staging's content tag.
      expect(await registryDigest(production, repository, source?.digest ?? '')).toBe(source?.digest);
      expect(await registryDigest(production, repository, sha)).toBe(source?.digest);
      expect(await registryDigest(production, repository, source?.tag ?? '')).toBe(source?.digest);
      expect(result.summary).toContain(`promoted from \`${source?.uri}\``);
    }
    // Task definitions registered by digest, and the services run them.
    expect(production.lab.recorder.calls('ecs', 'RegisterTaskDefinition').length).toBe(registered + 2);
    const api = production.lab.ecs.taskDefinitions.get(primaryOf(production, DEMO.api.service));
    const web = production.lab.ecs.taskDefinitions.get(primaryOf(production, DEMO.web.service));
    expect(JSON.stringify(api?.body)).toContain(`${images.backend?.uri}@${stagingImages.backend?.digest}`);
    expect(JSON.stringify(web?.body)).toContain(`${images.frontend?.uri}@${stagingImages.frontend?.digest}`);
    expect(api?.tags.find((t) => t.key === 'ecs-release:release')?.value).toBe(sha);
    expect(claimTag(production)).toBeUndefined();
  }, 300_000);

  it('a second promotion of the same digests copies nothing: no blob sent, unchanged', async () => {
    const result = await run(production, { ...PRODUCTION, images: JSON.stringify(stagingImages) });
    expect(result.code, result.stdout.slice(-3000)).toBe(0);
    expect(result.outputs.result).toBe('unchanged');
    expect(result.stdout).not.toContain('] copied ');
    expect(result.stdout).toMatch(
      /\[backend\] .* is already in this environment's repository: nothing to copy/,
    );
    expect(result.stdout).toMatch(
      /\[frontend\] .* is already in this environment's repository: nothing to copy/,
    );
    expect(imagesOf(result).backend).toMatchObject({ built: false, promoted: true });
  }, 120_000);

  it('a digest that exists nowhere is refused in preflight, naming key, digest and repository; nothing changes', async () => {
    const gone = `sha256:${'0'.repeat(64)}`;
    const fresh: Record<string, string> = {
      ...ownDeployInputs(`${RUN}-nowhere`),
      'aws-region': PRODUCTION['aws-region'] ?? '',
    };
    const before = production.lab.recorder.calls().filter((c) => isMutation(c.operation)).length;
    const running = primaryOf(production, DEMO.api.service);
    const images = { ...stagingImages, backend: { ...stagingImages.backend, digest: gone } };
    const missing = `image "backend" (input "images"): ${gone} is neither in ${stagingImages.backend?.uri} nor in this environment's ${secondRegistry(production).host}/${fresh['backend-repository']}`;
    // plan runs the same read-only check: it says so before a deploy would.
    const planned = await run(production, { ...fresh, command: 'plan', images: JSON.stringify(images) });
    expect(planned.code).toBe(1);
    expect(planned.stdout + planned.stderr).toContain(missing);
    const result = await run(production, { ...fresh, images: JSON.stringify(images) });
    expect(result.code).toBe(1);
    expect(result.outputs.result).toBe('failed');
    const text = result.stdout + result.stderr;
    expect(text).toContain('Preflight found 1 problem; nothing was changed in AWS');
    expect(text).toContain(missing);
    // No claim, no repository, no task definition, no update: not one mutating call.
    expect(production.lab.recorder.calls().filter((c) => isMutation(c.operation)).length).toBe(before);
    expect(claimTag(production)).toBeUndefined();
    expect(primaryOf(production, DEMO.api.service)).toBe(running);
    expect(production.lab.ecr2?.repositories.has(fresh['backend-repository'] ?? '')).toBe(false);
  }, 120_000);

  it('a URI whose host is neither an ECR registry nor one ECR names is refused in preflight, naming the key', async () => {
    const before = production.lab.recorder.calls().filter((c) => isMutation(c.operation)).length;
    const images = {
      ...stagingImages,
      frontend: { ...stagingImages.frontend, uri: 'registry.example.com/acme/frontend' },
    };
    const result = await run(production, { ...PRODUCTION, images: JSON.stringify(images) });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      'image "frontend" (input "images"): registry.example.com/acme/frontend: its host registry.example.com is neither an ECR registry',
    );
    expect(production.lab.recorder.calls().filter((c) => isMutation(c.operation)).length).toBe(before);
    expect(claimTag(production)).toBeUndefined();
  }, 120_000);

  it('a multi-platform image index is copied with every platform manifest, and runs by its index digest', async () => {
    // The index is assembled in staging's backend repository (the source registry) through the
    // registry API: the linux/amd64 image staging built (the lab's engine runs it) plus linux/arm64.
    const built = stagingImages.backend;
    if (!built) throw new Error('staging released no backend image');
    const source = labRepository(staging.env, 1, built.uri.slice(built.uri.indexOf('/') + 1));
    const amd64 = await manifestDescriptor(source, built.digest);
    const arm64 = await pushGeneratedImage(source, `${RUN}-arm64`, {
      seed: `${RUN}/arm64`,
      layers: [4096],
      platform: { os: 'linux', architecture: 'arm64' },
    });
    const platforms: Descriptor[] = [{ ...amd64, platform: { os: 'linux', architecture: 'amd64' } }, arm64];
    const index = await assembleIndex(source, `${RUN}-multi`, platforms);
    expect(index).toMatch(/^sha256:/);

    const target: Record<string, string> = {
      ...ownDeployInputs(`${RUN}-multi`),
      'aws-region': PRODUCTION['aws-region'] ?? '',
    };
    const images = { ...stagingImages, backend: { ...built, digest: index, tag: `${RUN}-multi` } };
    const result = await run(production, { ...target, images: JSON.stringify(images) });
    expect(result.code, result.stdout.slice(-3000)).toBe(0);
    expect(result.outputs.result).toBe('deployed');
    // The index and both platform manifests copied, across registries.
    expect(result.stdout).toMatch(/\[backend\] copied .*: 3 manifest\(s\), [1-9]\d* blob\(s\) sent/);
    // The migration container ran on the lab's engine from the index digest (linux/amd64 picked from it).
    expect(result.stdout).toMatch(/migration: task \w+ exited 0/);
    const out = imagesOf(result);
    expect(out.backend).toMatchObject({ digest: index, built: false, promoted: true, from: built.uri });
    const repository = target['backend-repository'] ?? '';
    expect(out.backend?.uri).toBe(`${secondRegistry(production).host}/${repository}`);
    // The target registry names the index by the source's digest, and holds every platform manifest.
    expect(await registryDigest(production, repository, index)).toBe(await labRegistryDigest(source, index));
    const copied = labRepository(production.env, 2, repository);
    for (const platform of platforms) {
      expect(await labRegistryDigest(copied, platform.digest), platform.platform?.architecture).toBe(
        platform.digest,
      );
    }
    // The service runs the index digest (ECS resolves linux/amd64 from it).
    const api = production.lab.ecs.taskDefinitions.get(primaryOf(production, DEMO.api.service));
    expect(JSON.stringify(api?.body)).toContain(`${out.backend?.uri}@${index}`);
  }, 300_000);
});

/** The descriptor of the manifest `digest` in `ref`, as the registry serves it (media type and size). */
async function manifestDescriptor(
  ref: ReturnType<typeof labRepository>,
  digest: string,
): Promise<Descriptor> {
  const res = await fetch(`http://${ref.host}/v2/${ref.repository}/manifests/${digest}`, {
    headers: { authorization: ref.auth.authorization, accept: ACCEPT_ALL },
  });
  if (!res.ok) throw new Error(`GET manifest ${ref.repository}@${digest}: ${res.status}`);
  const bytes = Buffer.from(await res.arrayBuffer());
  return { mediaType: res.headers.get('content-type') ?? '', digest, size: bytes.byteLength };
}
