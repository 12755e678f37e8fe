/**
 * `ecs-release init` through the bundle, as a whole process, against the lab over HTTP:
 * its own world beside the demo's (lab/scenarios/init.ts), the files it writes, `plan`
 * with the written config, the refusal to overwrite and --force.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type InitWorld, seedInitWorld } from '../../lab/scenarios/init';
import { appCheckout, type E2eLab, runAction, startE2eLab } from './harness';

const RUN = `init${Date.now().toString(36)}`;
let lab: E2eLab;
let world: InitWorld;
const app = appCheckout();
const sha = app.commit('init');
const FILES = [
  '.github/ecs-release.yml',
  '.github/workflows/check.yml',
  '.github/workflows/deploy.yml',
  '.github/workflows/rollback.yml',
  '.github/ecs-release-policy.json',
];
const read = () => FILES.map((f) => readFileSync(join(app.dir, f), 'utf8'));

function init(...args: string[]) {
  return runAction({
    inputs: {},
    args: ['init', '--cluster', world.cluster, ...args],
    cwd: app.dir,
    url: lab.url,
    labEnv: lab.env,
    sha,
  });
}

beforeAll(async () => {
  lab = await startE2eLab();
  world = seedInitWorld(lab.lab, RUN);
  // examples/app carries the demo's own config: init starts from a checkout without one.
  rmSync(join(app.dir, '.github'), { recursive: true, force: true });
});
afterAll(async () => {
  await lab?.close();
});

describe('ecs-release init against the lab', () => {
  it('writes the config, workflows and policy, explains its guesses, and plan with the config passes', async () => {
    const result = await init();
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const config = parse(read()[0] ?? '') as Record<string, unknown>;
    expect(config).toMatchObject({
      region: 'eu-west-1',
      cluster: RUN,
      images: {
        backend: { repository: world.repositories.backend, context: 'backend' },
        frontend: { repository: world.repositories.frontend, context: 'frontend' },
      },
      services: [
        { service: world.api, containers: { api: 'backend' }, wave: 1 },
        { service: world.web, containers: { web: 'frontend' }, wave: 2 },
      ],
      hosts: world.hosts,
      gate: { alarms: [world.alarms.alb, world.alarms.api] },
    });
    expect(read()[0]).toContain(`#   db-instance: ${world.db}`);
    expect(result.stdout).toContain('build context of backend: backend, because backend/Dockerfile exists');
    expect(result.stdout).toContain(`wave of ${world.web}: 2, because a frontend`);
    expect(result.stdout).toContain(
      `wave of ${world.api}: 1, because a backend (its task definition uses the database ${world.db})`,
    );
    expect(result.stdout).toContain(
      `skipped alarm ${world.alarms.targetTracking}: Application Auto Scaling's target tracking alarm`,
    );
    expect(result.stdout).toContain('left to you:');
    const policy = JSON.parse(read()[4] ?? '{}') as { Statement: { Resource: string | string[] }[] };
    const resources = policy.Statement.flatMap((s) => s.Resource);
    expect(resources).toContain(`arn:aws:ecs:eu-west-1:${lab.lab.account}:service/${RUN}/${world.api}`);
    expect(resources).toContain(
      `arn:aws:ecr:eu-west-1:${lab.lab.account}:repository/${world.repositories.backend}`,
    );
    expect(read()[2]).toContain(
      `role-to-assume: arn:aws:iam::${lab.lab.account}:role/ecs-release-production`,
    );

    const plan = await runAction({
      inputs: { command: 'plan' },
      cwd: app.dir,
      url: lab.url,
      labEnv: lab.env,
      sha,
    });
    expect(plan.stdout).not.toContain('::error');
    expect(plan.code).toBe(0);
    expect(plan.outputs.result).toBe('planned');
    expect(lab.lab.recorder.mutations()).toEqual([]);
  }, 120_000);

  it('a second init refuses to overwrite and writes nothing; --force replaces the files', async () => {
    const before = read();
    const again = await init('--services', world.api);
    expect(again.code).toBe(1);
    expect(again.stdout).toContain(
      `refusing to overwrite ${FILES.join(', ')}: pass --force to replace them; nothing was read or written`,
    );
    expect(read()).toEqual(before);
    expect(again.stdout).not.toContain('found: cluster');
    const forced = await init('--services', world.api, '--force');
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain('wrote .github/ecs-release.yml (replaced, --force)');
    const config = parse(read()[0] ?? '') as { services: unknown[] };
    expect(config.services).toEqual([{ service: world.api, containers: { api: 'backend' }, wave: 1 }]);
  }, 120_000);

  it('a wrong command line is exit 2 with the closest flag; --help lists the flags', async () => {
    const typo = await runAction({
      inputs: {},
      args: ['init', '--clustr', 'x'],
      cwd: app.dir,
      url: lab.url,
      labEnv: lab.env,
    });
    expect(typo.code).toBe(2);
    expect(typo.stdout).toContain('unknown flag --clustr; did you mean --cluster?');
    const help = await runAction({
      inputs: {},
      args: ['init', '--help'],
      cwd: app.dir,
      url: lab.url,
      labEnv: lab.env,
    });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('usage: ecs-release init --cluster <name> [--services a,b]');
  });
});
