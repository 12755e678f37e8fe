import { afterEach, describe, expect, it } from 'vitest';
import { newReport } from '../../src/model/report';
import {
  type GithubTarget,
  releaseManifest,
  setGithubDeploymentStatus,
  startGithubDeployment,
} from '../../src/record';
import { testConfig } from '../support/config';
import { createWorld } from '../support/world';
import { type FakeGithub, fakeGithub } from './github-api';

const TOKEN = 'ghs_labtoken0000000000000000000000000000';
const COMMIT = 'c0ffee0000000000000000000000000000000001';

function manifest() {
  const report = newReport({
    command: 'deploy',
    environment: 'production',
    cluster: 'demo',
    region: 'eu-west-1',
    release: COMMIT,
  });
  report.services.push({
    service: 'demo-api',
    previous: 'arn:aws:ecs:eu-west-1:111122223333:task-definition/demo-api:3',
    current: 'arn:aws:ecs:eu-west-1:111122223333:task-definition/demo-api:4',
    state: 'updated',
  });
  report.images.backend = { uri: '127.0.0.1:5055/demo/backend', digest: 'sha256:abc', built: true };
  report.migration = { outcome: 'succeeded', detail: 'exit code 0' };
  return releaseManifest(report, COMMIT);
}

function target(api: FakeGithub): GithubTarget {
  return {
    token: TOKEN,
    owner: 'acme',
    repo: 'shop',
    apiUrl: api.url,
    ref: COMMIT,
    environment: 'production',
    environmentUrl: 'https://app.acme.example/healthz',
    logUrl: 'https://github.com/acme/shop/actions/runs/42',
  };
}

let api: FakeGithub | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

describe('GitHub deployment records', () => {
  it('creates a deployment with the manifest as payload, then statuses in_progress and success', async () => {
    api = await fakeGithub({ token: TOKEN });
    const world = createWorld({ real: false });
    const ctx = world.context(testConfig());

    const deployment = await startGithubDeployment(ctx, target(api), manifest(), { fetch });
    await setGithubDeploymentStatus(ctx, deployment, 'success', 'Deployed c0ffee0');

    expect(deployment?.id).toBe(1000);
    expect(api.statuses(1000)).toEqual(['in_progress', 'success']);
    const [create, inProgress] = api.requests;
    expect(create).toMatchObject({
      method: 'POST',
      path: '/repos/acme/shop/deployments',
      authorization: `token ${TOKEN}`,
    });
    expect(create?.body).toMatchObject({
      ref: COMMIT,
      environment: 'production',
      auto_merge: false,
      required_contexts: [],
    });
    expect(JSON.parse(String(create?.body.payload))).toEqual({
      release: COMMIT,
      commit: COMMIT,
      environment: 'production',
      cluster: 'demo',
      region: 'eu-west-1',
      services: {
        'demo-api': {
          previous: 'arn:aws:ecs:eu-west-1:111122223333:task-definition/demo-api:3',
          current: 'arn:aws:ecs:eu-west-1:111122223333:task-definition/demo-api:4',
        },
      },
      images: { backend: { uri: '127.0.0.1:5055/demo/backend', digest: 'sha256:abc', built: true } },
      migration: { outcome: 'succeeded', detail: 'exit code 0' },
    });
    expect(inProgress?.body).toMatchObject({
      state: 'in_progress',
      environment_url: 'https://app.acme.example/healthz',
      log_url: 'https://github.com/acme/shop/actions/runs/42',
    });
    expect(world.masked).toContain(TOKEN);
    expect(world.log.text({ debug: true })).not.toContain(TOKEN);
  });

  it('records failure on a release that failed', async () => {
    api = await fakeGithub({ token: TOKEN });
    const world = createWorld({ real: false });
    const ctx = world.context(testConfig());
    const deployment = await startGithubDeployment(ctx, target(api), manifest(), { fetch });
    await setGithubDeploymentStatus(ctx, deployment, 'failure', 'Rolled back: alarm demo-alb-5xx');
    expect(api.statuses(1000)).toEqual(['in_progress', 'failure']);
  });

  it.each([403, 404] as const)(
    'without deployments: write (HTTP %i): a notice, and no further calls',
    async (deny) => {
      api = await fakeGithub({ deny });
      const world = createWorld({ real: false });
      const ctx = world.context(testConfig());

      const deployment = await startGithubDeployment(ctx, target(api), manifest(), { fetch });
      await setGithubDeploymentStatus(ctx, deployment, 'success', 'Deployed');

      expect(deployment).toBeUndefined();
      expect(api.requests).toHaveLength(1);
      const notices = world.log.lines.filter((l) => l.level === 'notice').map((l) => l.message);
      expect(notices).toHaveLength(1);
      expect(notices[0]).toContain(
        `GitHub deployment not recorded: the token could not create a deployment in acme/shop (HTTP ${deny}`,
      );
      expect(notices[0]).toContain('permissions: deployments: write');
      expect(world.log.lines.some((l) => l.level === 'error' || l.level === 'warning')).toBe(false);
      expect(world.log.text({ debug: true })).not.toContain(TOKEN);
    },
  );

  it('a GitHub server error is a warning, not a failure', async () => {
    api = await fakeGithub({ deny: 500 });
    const world = createWorld({ real: false });
    const ctx = world.context(testConfig());
    const deployment = await startGithubDeployment(ctx, target(api), manifest(), { fetch });
    expect(deployment).toBeUndefined();
    expect(world.log.lines.filter((l) => l.level === 'warning').map((l) => l.message)).toEqual([
      expect.stringContaining('GitHub deployment: could not create a deployment in acme/shop (HTTP 500'),
    ]);
  });
});
