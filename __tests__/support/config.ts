import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEMO } from '../../lab/scenarios/demo';
import type { ImageConfig, ReleaseConfig } from '../../src/config/types';

/** A valid ReleaseConfig for the lab's eu-west-1 world; tests override what they exercise. */
export function testConfig(overrides: Partial<ReleaseConfig> = {}): ReleaseConfig {
  return {
    command: 'deploy',
    environment: 'production',
    region: 'eu-west-1',
    cluster: 'demo',
    release: 'c0ffee0000000000000000000000000000000001',
    commit: 'c0ffee0000000000000000000000000000000001',
    images: [
      {
        key: 'frontend',
        repository: 'demo/frontend',
        context: 'examples/app/frontend',
        dockerfile: 'examples/app/frontend/Dockerfile',
        buildArgs: {},
        platform: 'linux/amd64',
      },
      {
        key: 'backend',
        repository: 'demo/backend',
        context: 'examples/app/backend',
        dockerfile: 'examples/app/backend/Dockerfile',
        buildArgs: {},
        platform: 'linux/amd64',
      },
    ],
    services: [
      { service: 'demo-api', containers: [{ container: 'api', image: 'backend' }], wave: 1 },
      { service: 'demo-web', containers: [{ container: 'web', image: 'frontend' }], wave: 2 },
    ],
    gate: { alarms: [], bakeTimeMs: 60_000, autoRollback: true, waitTimeoutMs: 30 * 60_000 },
    to: 'previous',
    githubDeployment: false,
    createRepositories: true,
    ...overrides,
  };
}

export const MIN = 60_000;

/** One release id and repository prefix per test file: content tags are reused across its runs. */
export function releaseConfig(prefix: string) {
  const run = randomBytes(4).toString('hex');
  const commit = randomBytes(20).toString('hex');
  return (overrides: Partial<ReleaseConfig> = {}): ReleaseConfig => {
    const base = testConfig();
    return testConfig({
      cluster: DEMO.cluster,
      release: commit,
      commit,
      images: base.images.map((i) => ({ ...i, repository: `${prefix}${run}/${i.key}` })),
      migration: {
        service: DEMO.api.service,
        container: 'api',
        command: ['sh', '/app/migrate'],
        mode: 'task',
        timeoutMs: 5 * MIN,
        always: false,
      },
      gate: { alarms: [DEMO.alarm], bakeTimeMs: 5 * MIN, autoRollback: true, waitTimeoutMs: 30 * MIN },
      ...overrides,
    });
  };
}

/**
 * The image config with a Dockerfile whose result really differs from every earlier
 * build: the original plus a LABEL carrying `run`. A build argument the Dockerfile never
 * declares would not do: it changes the content key, but BuildKit builds the same
 * filesystem, config and history, so the pushed digest can be the deployed one (only
 * the inline cache metadata, which depends on the engine's shared cache, may differ).
 */
export function changedImage(image: ImageConfig, run: string): ImageConfig {
  // Inside the workspace (the tests' workdir): build contexts and Dockerfiles must resolve there.
  const scratch = join(process.cwd(), '.lab', 'tmp');
  mkdirSync(scratch, { recursive: true });
  const dir = mkdtempSync(join(scratch, 'changed-'));
  const dockerfile = join(dir, 'Dockerfile');
  const original = readFileSync(resolve(image.dockerfile), 'utf8');
  writeFileSync(dockerfile, `${original}\nLABEL ecs-release.test-run="${run}"\n`);
  return { ...image, dockerfile };
}
