import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load';
import { BASE_INPUTS, options, problemsOf } from './helpers';

const FILE = `
region: eu-west-1
cluster: acme
images:
  frontend: { repository: acme/frontend, context: frontend, target: runtime }
  backend:  { repository: acme/backend, context: backend, build-args: { PIP_NO_CACHE: "1" } }
services:
  - { service: acme-api,    containers: { api: backend },    wave: 1 }
  - { service: acme-worker, containers: { worker: backend }, wave: 1 }
  - { service: acme-web,    containers: { web: frontend },   wave: 2 }
migrations:
  service: acme-api
  container: api
  command: [python, manage.py, migrate, --noinput]
  timeout: 10m
  db-instance: acme-db
gate:
  alarms: [acme-prod-alb-5xx, acme-prod-api-p99]
  bake-time: 5m
  smoke-url: https://app.acme.example/healthz
environments:
  production: { account-id: "111122223333" }
  staging: { cluster: acme-staging, account-id: "444455556666", gate: { bake-time: 1m } }
`;

describe('loadConfig', () => {
  it('resolves the two-service case from inputs alone, with the image keys frontend and backend', () => {
    const config = loadConfig(options({ ...BASE_INPUTS, 'backend-build-args': 'A=1\nB=two=2' }));
    expect(config.release).toBe('a'.repeat(40));
    expect(config.images.map((i) => i.key)).toEqual(['frontend', 'backend']);
    expect(config.images[1]).toMatchObject({
      repository: 'acme/backend',
      context: 'backend',
      dockerfile: 'backend/Dockerfile',
      buildArgs: { A: '1', B: 'two=2' },
      platform: 'linux/amd64',
    });
    expect(config.services).toEqual([
      { service: 'acme-web', containers: [{ image: 'frontend' }], wave: 1 },
      { service: 'acme-api', containers: [{ image: 'backend' }], wave: 1 },
    ]);
    expect(config.gate).toEqual({
      alarms: [],
      bakeTimeMs: 300_000,
      autoRollback: true,
      waitTimeoutMs: 1_800_000,
    });
    expect(config.migration).toBeUndefined();
  });

  it('reads the config file, the selected environment overlay, and lets inputs override both', () => {
    const files = { '.github/ecs-release.yml': FILE };
    const staging = loadConfig(options({ environment: 'staging', 'wait-timeout': '10m' }, files));
    expect(staging.cluster).toBe('acme-staging');
    expect(staging.accountId).toBe('444455556666');
    expect(staging.gate.bakeTimeMs).toBe(60_000);
    expect(staging.gate.waitTimeoutMs).toBe(600_000);
    expect(staging.gate.alarms).toEqual(['acme-prod-alb-5xx', 'acme-prod-api-p99']);
    expect(staging.services.map((s) => [s.service, s.wave])).toEqual([
      ['acme-api', 1],
      ['acme-worker', 1],
      ['acme-web', 2],
    ]);
    expect(staging.migration).toMatchObject({
      service: 'acme-api',
      container: 'api',
      command: ['python', 'manage.py', 'migrate', '--noinput'],
      mode: 'task',
      timeoutMs: 600_000,
    });
    expect(staging.database).toEqual({ instance: 'acme-db', snapshot: false });
    expect(staging.images[1]?.buildArgs).toEqual({ PIP_NO_CACHE: '1' });
    expect(staging.configFile).toBe('.github/ecs-release.yml');
  });

  it('refuses an environment the file does not name instead of deploying to the base cluster', () => {
    const problems = problemsOf(() =>
      loadConfig(options({ environment: 'prodution' }, { '.github/ecs-release.yml': FILE })),
    );
    expect(problems).toEqual([
      'input "environment": "prodution" is not in .github/ecs-release.yml environments (production, staging); refusing to fall back to the base settings',
    ]);
  });

  it('reports every problem at once, each naming its key', () => {
    const file = `
cluster: acme
servces: []
images:
  backend: { repository: acme/backend, dockerfil: x }
gate: { bake-time: 5 minutes, smoke-url: ftp://x }
`;
    const problems = problemsOf(() =>
      loadConfig(
        options(
          {
            'aws-region': 'eu-west-1',
            'backend-service': 'api',
            'frontend-build-args': 'OK=1\nmalformed',
            'wait-timeout': '30',
          },
          { '.github/ecs-release.yml': file },
        ),
      ),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^\.github\/ecs-release\.yml: servces: unknown key \(did you mean "services"\?\)/,
        ),
        expect.stringMatching(
          /^\.github\/ecs-release\.yml: images\.backend\.dockerfil: unknown key \(did you mean "dockerfile"\?\)/,
        ),
        '.github/ecs-release.yml: gate.bake-time: expected a duration like 90s, 15m or 1h, got "5 minutes"',
        '.github/ecs-release.yml: gate.smoke-url: expected an http(s) URL',
        'input "frontend-build-args": line 2 "malformed" is not KEY=VALUE',
        'input "wait-timeout": expected a duration like 90s, 15m or 1h, got "30"',
      ]),
    );
    // The valid `cluster` section still counts: no bogus "cluster is required".
    expect(problems.some((p) => p.startsWith('input "cluster"'))).toBe(false);
    expect(problems).toHaveLength(7);
  });

  it('says which image key has no repository', () => {
    const problems = problemsOf(() =>
      loadConfig(options({ cluster: 'c', 'aws-region': 'eu-west-1', 'frontend-service': 'web' })),
    );
    expect(problems).toEqual([
      'services[0].containers: image key "frontend" has no repository: set input "frontend-repository" or images.frontend.repository',
    ]);
  });

  it('parses the migration command as exec form or shell form', () => {
    const exec = loadConfig(options({ ...BASE_INPUTS, 'migration-command': '["node","migrate.js","--up"]' }));
    expect(exec.migration).toMatchObject({ service: 'acme-api', command: ['node', 'migrate.js', '--up'] });
    const shell = loadConfig(options({ ...BASE_INPUTS, 'migration-command': 'npm run migrate && echo ok' }));
    expect(shell.migration?.command).toEqual(['sh', '-c', 'npm run migrate && echo ok']);
    expect(
      problemsOf(() => loadConfig(options({ ...BASE_INPUTS, 'migration-command': '["node", 3]' }))),
    ).toEqual(['input "migration-command": starts with "[" but is not a JSON array of strings (exec form)']);
  });

  it('needs the secret and the instance for runner-mode migrations', () => {
    const problems = problemsOf(() =>
      loadConfig(options({ ...BASE_INPUTS, 'migration-command': 'migrate', 'migration-mode': 'runner' })),
    );
    expect(problems).toEqual([
      'input "db-secret": runner-mode migrations need the DB credentials secret',
      'input "db-instance": runner-mode migrations need the DB instance for its endpoint',
    ]);
  });

  it('takes the release from the input, else GITHUB_SHA, else git', () => {
    expect(loadConfig(options({ ...BASE_INPUTS, release: 'v1.2.3' })).release).toBe('v1.2.3');
    const fromGit = loadConfig({ ...options(BASE_INPUTS, {}, {}), gitHead: () => 'b'.repeat(40) });
    expect(fromGit.release).toBe('b'.repeat(40));
    expect(problemsOf(() => loadConfig(options(BASE_INPUTS, {}, {})))).toEqual([
      'input "release": no release id: set the input, GITHUB_SHA, or run inside a git checkout',
    ]);
    // history makes no release: it lists them from outside a checkout too.
    const history = loadConfig(options({ ...BASE_INPUTS, command: 'history' }, {}, {}));
    expect(history.command).toBe('history');
    expect(history.release).toBe('');
  });

  it('builds the run URL, with its attempt, from the GitHub environment', () => {
    const env = {
      GITHUB_SHA: 'c'.repeat(40),
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_REPOSITORY: 'acme/shop',
      GITHUB_RUN_ID: '42',
    };
    const config = loadConfig(options(BASE_INPUTS, {}, { ...env, GITHUB_RUN_ATTEMPT: '3' }));
    expect(config.runUrl).toBe('https://github.com/acme/shop/actions/runs/42/attempts/3');
    expect(config.githubRun).toEqual({ id: '42', attempt: 3 });
    // The runner always sets the attempt; without one the run is its first attempt.
    expect(loadConfig(options(BASE_INPUTS, {}, env)).runUrl).toBe(
      'https://github.com/acme/shop/actions/runs/42/attempts/1',
    );
  });

  it('unlock needs the run id the refusal printed, and only a run id', () => {
    const unlock = loadConfig(options({ ...BASE_INPUTS, command: 'unlock', run: '42-2' }, {}, {}));
    expect(unlock.command).toBe('unlock');
    expect(unlock.unlockRun).toBe('42-2');
    expect(problemsOf(() => loadConfig(options({ ...BASE_INPUTS, command: 'unlock' }, {}, {})))).toEqual([
      'input "run": required for unlock: the run id the refusal named (e.g. 123456789-1)',
    ]);
    expect(
      problemsOf(() =>
        loadConfig(options({ ...BASE_INPUTS, command: 'unlock', run: '42; rm -rf /' }, {}, {})),
      ),
    ).toEqual([
      'input "run": "42; rm -rf /" is not a run id: <run id>-<attempt> (e.g. 123456789-1), a run id, or local-<8 hex digits>',
    ]);
  });

  it('reports YAML syntax errors and a missing explicit config file', () => {
    expect(problemsOf(() => loadConfig(options({ ...BASE_INPUTS, config: 'nope.yml' })))).toEqual([
      'input "config": file "nope.yml" does not exist',
    ]);
    const broken = problemsOf(() =>
      loadConfig(options(BASE_INPUTS, { '.github/ecs-release.yml': 'gate: [' })),
    );
    expect(broken[0]).toMatch(/^\.github\/ecs-release\.yml: is not valid YAML/);
  });

  it('reads the credential expiry the workflow passes, and ignores one that is not a date', () => {
    const env = { GITHUB_SHA: 'a'.repeat(40), AWS_CREDENTIAL_EXPIRATION: '2030-01-01T00:00:00.000Z' };
    expect(loadConfig(options(BASE_INPUTS, {}, env)).credentialExpiresAt).toBe(
      Date.parse('2030-01-01T00:00:00Z'),
    );
    const junk = { ...env, AWS_CREDENTIAL_EXPIRATION: 'soon' };
    expect(loadConfig(options(BASE_INPUTS, {}, junk)).credentialExpiresAt).toBeUndefined();
  });
});
