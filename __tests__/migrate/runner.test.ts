/**
 * Runner mode: credentials from the lab's Secrets Manager, the endpoint from the
 * lab's RDS, the command run here. The real-database case needs lab/up.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadLabEnv } from '../../lab/env';
import type { ReleaseConfig } from '../../src/config/types';
import { MigrationError, runMigration } from '../../src/migrate';
import { systemClock } from '../../src/runtime/clock';
import { testConfig } from '../support/config';
import { createWorld, LAB_MISSING, type World } from '../support/world';
import { createDatabase, dropDatabase, tables } from './lab-real';
import { CLUSTER, CONTAINER, seedMigrationService } from './seed';

const env = loadLabEnv();
const PASSWORD = 'p@ss w/rd:%-not-in-logs';

function config(command: string[], dbSecret: string, timeoutMs = 60_000): ReleaseConfig {
  return testConfig({
    cluster: CLUSTER,
    migration: {
      service: 'demo-api',
      container: CONTAINER,
      command,
      mode: 'runner',
      timeoutMs,
      always: false,
      dbSecret,
    },
    database: { instance: 'demo-db', snapshot: false },
  });
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
  const context = (command: string[], timeoutMs?: number) => ({
    ...world.context(config(command, secret, timeoutMs), join(__dirname, '../../examples/app/backend')),
    clock: systemClock,
  });
  return { world, handoff, context };
}

describe('migrate, runner mode', () => {
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
    const started = Date.now();
    const error = await runMigration(
      context(['sh', '-c', 'echo started; sleep 30; echo never'], 500),
      handoff,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as MigrationError).kind).toBe('timeout');
    expect((error as MigrationError).message).toMatch(
      /^migration timed out: .* after 500ms \(migration-timeout\)/,
    );
    expect((error as MigrationError).message).toContain('  started');
    expect(Date.now() - started).toBeLessThan(10_000);
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
