/**
 * Runner mode: credentials from the lab's Secrets Manager, the endpoint from the
 * lab's RDS, the command run here. The real-database case needs lab/up.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadLabEnv } from '../../lab/env';
import { loadConfig } from '../../src/config/load';
import type { ReleaseConfig } from '../../src/config/types';
import { MigrationError, runMigration } from '../../src/migrate';
import { systemClock } from '../../src/runtime/clock';
import { BASE_INPUTS, options } from '../config/helpers';
import { createWorld, LAB_MISSING, type World } from '../support/world';
import { createDatabase, dropDatabase, tables } from './lab-real';
import { migrationConfig, seedMigrationService } from './seed';

const env = loadLabEnv();
const PASSWORD = 'p@ss w/rd:%-not-in-logs';

function config(
  command: string[],
  dbSecret: string,
  timeoutMs = 60_000,
  environment?: Record<string, string>,
): ReleaseConfig {
  return migrationConfig(
    { command, mode: 'runner', timeoutMs, dbSecret, ...(environment ? { environment } : {}) },
    { database: { instance: 'demo-db', snapshot: false } },
  );
}

function everything(world: World, error?: unknown): string {
  return [world.log.text({ debug: true }), error instanceof Error ? error.message : ''].join('\n');
}

async function setup(options: { password?: string; database?: string; port?: number } = {}) {
  const world = createWorld({ real: false });
  const handoff = await seedMigrationService(world);
  const secret = world.lab.secrets.putDatabaseSecret('demo/db', {
    username: env?.postgres.user ?? 'app',
    password: options.password ?? PASSWORD,
    engine: 'postgres',
    host: 'wrong.example.invalid',
    port: 5432,
    dbname: options.database ?? 'app',
  });
  world.lab.rds.addInstance({
    id: 'demo-db',
    endpoint: {
      address: env?.postgres.host ?? '127.0.0.1',
      port: options.port ?? env?.postgres.port ?? 5432,
    },
  });
  // A real process runs in real time.
  const context = (command: string[], timeoutMs?: number, environment?: Record<string, string>) => ({
    ...world.context(
      config(command, secret, timeoutMs, environment),
      join(__dirname, '../../examples/app/backend'),
    ),
    clock: systemClock,
  });
  return { world, handoff, context };
}

/** What the action's own process holds on a runner: none of it may reach the migration. */
const SECRETS = {
  AWS_ACCESS_KEY_ID: 'ASIASECRETKEYID00001',
  AWS_SECRET_ACCESS_KEY: 'secret-access-key-value',
  AWS_SESSION_TOKEN: 'session-token-value',
  AWS_CREDENTIAL_EXPIRATION: '2030-01-01T00:00:00Z',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc-request-token-value',
  ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.actions.example/oidc',
  ACTIONS_RUNTIME_TOKEN: 'runtime-token-value',
  'INPUT_GITHUB-TOKEN': 'ghs_inputgithubtokenvalue',
  GITHUB_TOKEN: 'ghs_githubtokenvalue',
  // The runner's file commands and the directory that holds them: writing them changes later steps.
  GITHUB_ENV: '/tmp/runner/_runner_file_commands/set_env_1',
  GITHUB_PATH: '/tmp/runner/_runner_file_commands/add_path_1',
  GITHUB_OUTPUT: '/tmp/runner/_runner_file_commands/set_output_1',
  GITHUB_STATE: '/tmp/runner/_runner_file_commands/save_state_1',
  GITHUB_STEP_SUMMARY: '/tmp/runner/_runner_file_commands/step_summary_1',
  RUNNER_TEMP: '/tmp/runner',
};

describe('migrate, runner mode', () => {
  it("gives the migration the DB variables and the allowlist, none of the action's secrets", async () => {
    const runnerEnv = {
      ...SECRETS,
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: '/home/runner',
      LANG: 'C.UTF-8',
      CI: 'true',
      GITHUB_SHA: 'a'.repeat(40),
      GITHUB_REPOSITORY: 'acme/app',
      RUNNER_OS: 'Linux',
      APP_FLAG: 'listed-in-migrations-env',
      UNLISTED: 'not-listed',
    };
    // The same path as a real run: loadConfig builds the environment from the runner's.
    const loaded = loadConfig(
      options(
        {
          ...BASE_INPUTS,
          'migration-mode': 'runner',
          'db-instance': 'demo-db',
          'db-secret': 'arn:aws:secretsmanager:eu-west-1:000000000000:secret:demo/db',
        },
        { '.github/ecs-release.yml': 'migrations:\n  command: [env]\n  env: [APP_FLAG]\n' },
        runnerEnv,
      ),
    );
    const environment = loaded.migration?.environment;
    expect(environment).toBeDefined();
    const { world, handoff, context } = await setup();
    // The action's own process holds them too, so inheriting it would fail this test.
    Object.assign(process.env, SECRETS);
    const result = await runMigration(context(['env'], undefined, environment), handoff).finally(() => {
      for (const name of Object.keys(SECRETS)) delete process.env[name];
    });
    expect(result.outcome).toBe('succeeded');
    const dumped = new Map(
      world.log.lines
        .filter((l) => l.message.startsWith('| '))
        .map((l) => {
          const line = l.message.slice(2);
          const at = line.indexOf('=');
          return [line.slice(0, at), line.slice(at + 1)] as const;
        }),
    );
    for (const name of ['DATABASE_URL', 'PGHOST', 'PGPORT', 'PGUSER', 'PGPASSWORD', 'PGDATABASE']) {
      expect(dumped.has(name), name).toBe(true);
    }
    expect(dumped.get('PGPASSWORD')).toBe('***');
    expect(dumped.get('HOME')).toBe('/home/runner');
    expect(dumped.get('CI')).toBe('true');
    expect(dumped.get('GITHUB_REPOSITORY')).toBe('acme/app');
    expect(dumped.get('RUNNER_OS')).toBe('Linux');
    expect(dumped.get('APP_FLAG')).toBe('listed-in-migrations-env');
    expect(dumped.has('UNLISTED')).toBe(false);
    for (const [name, value] of Object.entries(SECRETS)) {
      expect(dumped.has(name), name).toBe(false);
      expect(everything(world)).not.toContain(value);
    }
  });

  it('refuses migrations.env naming RUNNER_TEMP or a file command, before anything runs', () => {
    for (const name of ['RUNNER_TEMP', 'GITHUB_OUTPUT', 'GITHUB_STEP_SUMMARY']) {
      const load = () =>
        loadConfig(
          options(
            {
              ...BASE_INPUTS,
              'migration-mode': 'runner',
              'db-instance': 'demo-db',
              'db-secret': 'arn:aws:secretsmanager:eu-west-1:000000000000:secret:demo/db',
            },
            { '.github/ecs-release.yml': `migrations:\n  command: [env]\n  env: [${name}]\n` },
            { PATH: '/usr/bin:/bin', [name]: '/tmp/runner' },
          ),
        );
      expect(load, name).toThrow(`"${name}" is never passed to a migration`);
    }
  });

  it('passes DATABASE_URL and PG* from the secret and the instance endpoint, masked', async () => {
    const { world, handoff, context } = await setup();
    const result = await runMigration(
      context([
        'sh',
        '-c',
        'echo "user=$PGUSER host=$PGHOST port=$PGPORT db=$PGDATABASE"; echo "$DATABASE_URL"; pwd',
      ]),
      handoff,
    );
    expect(result.outcome).toBe('succeeded');
    const lines = world.log.lines.filter((l) => l.message.startsWith('| ')).map((l) => l.message.slice(2));
    // The endpoint is the instance's, not the secret's host; the URL is encoded, the password redacted.
    expect(lines[0]).toBe(
      `user=${env?.postgres.user ?? 'app'} host=127.0.0.1 port=${env?.postgres.port ?? 5432} db=app`,
    );
    expect(lines[1]).toBe(
      `postgresql://${encodeURIComponent(env?.postgres.user ?? 'app')}:***@127.0.0.1:${env?.postgres.port ?? 5432}/app`,
    );
    expect(lines[2]).toMatch(/examples\/app\/backend$/);
    expect(world.masked).toEqual([PASSWORD, encodeURIComponent(PASSWORD)]);
    expect(everything(world)).not.toContain(PASSWORD);
    expect(everything(world)).not.toContain(encodeURIComponent(PASSWORD));
  });

  it('fails on exit code 3 with the last lines', async () => {
    const { world, handoff, context } = await setup();
    const error = await runMigration(
      context([
        'sh',
        '-c',
        'for i in $(seq 1 25); do echo "line $i"; done; echo "password is $PGPASSWORD" >&2; exit 3',
      ]),
      handoff,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationError);
    const e = error as MigrationError;
    expect(e.details.exitCode).toBe(3);
    expect(e.message).toMatch(/exited with code 3 on the runner/);
    expect(e.message).toContain('  line 25\n  password is ***');
    expect(e.message).not.toContain('line 5\n');
    expect(everything(world, e)).not.toContain(PASSWORD);
    expect(world.lab.recorder.calls('ecs', 'UpdateService')).toEqual([]);
  });

  it('kills a command over its time-out and says so', async () => {
    const { handoff, context } = await setup();
    const error = await runMigration(
      context(['sh', '-c', 'echo "started $$"; sleep 30; echo never'], 500),
      handoff,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as MigrationError).kind).toBe('timeout');
    const message = (error as MigrationError).message;
    expect(message).toMatch(/^migration timed out: .* after 500ms \(migration-timeout\)/);
    expect(message).toContain('  started');
    // Killed, not waited for: the command never reached its last line, and its shell is gone
    // by the time the error is thrown (no wall-clock bound needed to tell).
    expect(message).not.toContain('  never');
    const pid = Number(/ {2}started (\d+)/.exec(message)?.[1]);
    expect(pid).toBeGreaterThan(0);
    expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
  });

  it('says which command is missing', async () => {
    const { handoff, context } = await setup();
    const error = await runMigration(context(['no-such-migrate-tool']), handoff).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/command "no-such-migrate-tool" was not found on the runner/);
  });

  it('refuses a secret without a password, without quoting it', async () => {
    const world = createWorld({ real: false });
    const handoff = await seedMigrationService(world);
    const arn = world.lab.secrets.put('demo/bad', { username: 'app', pass: 'hunter2-secret' });
    world.lab.rds.addInstance({ id: 'demo-db', endpoint: { address: '127.0.0.1', port: 5432 } });
    const error = await runMigration(world.context(config(['true'], arn)), handoff).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/db-secret .* has no password/);
    expect((error as Error).message).not.toContain('hunter2');
  });

  const databases: string[] = [];
  afterAll(async () => {
    if (env) for (const db of databases) await dropDatabase(env, db);
  });

  it('migrates the lab PostgreSQL with the examples/app migrate script (needs lab/up)', async () => {
    if (!env) throw new Error(LAB_MISSING);
    const database = await createDatabase(env);
    databases.push(database);
    const { world, handoff, context } = await setup({ password: env.postgres.password, database });
    const result = await runMigration(context(['sh', 'migrate']), handoff);
    expect(result.outcome).toBe('succeeded');
    expect(result.detail).toMatch(/^ran on the runner in /);
    expect(world.log.lines.filter((l) => l.message.startsWith('| ')).map((l) => l.message)).toEqual([
      '| migrate: applied 001_create_items',
      '| migrate: applied 002_add_done',
      '| migrate: done, 2 applied now, 2 migration files',
    ]);
    expect(await tables(env, database)).toEqual(['items', 'schema_migrations']);
    expect(world.masked).toContain(env.postgres.password);
    expect(everything(world)).not.toContain(env.postgres.password);
  });
});
