import type { ReleaseConfig } from '../../src/config/types';

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
