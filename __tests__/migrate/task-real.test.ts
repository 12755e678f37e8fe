/**
 * Task mode on the lab's real Docker engine: the examples/app backend image,
 * built and pushed to the lab registry, runs its real migrations against the lab
 * PostgreSQL through the lab's RunTask (host network). Needs lab/up (.lab/env).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLabEnv } from '../../lab/env';
import type { ReleaseConfig } from '../../src/config/types';
import { MigrationError, runMigration } from '../../src/migrate';
import { systemClock } from '../../src/runtime/clock';
import { createWorld, needsLab, type World } from '../support/world';
import { buildBackendImage, createDatabase, databaseUrl, dropDatabase, psql, tables } from './lab-real';
import { migrationConfig, seedMigrationService } from './seed';

const env = loadLabEnv();
const reason = 'needs the real lab (lab/up writes .lab/env): Docker engine, registry and PostgreSQL';

function config(command: string[]): ReleaseConfig {
  return migrationConfig({ command, mode: 'task', timeoutMs: 120_000 });
}

function migrationLines(world: World): string[] {
  return world.log.lines
    .filter((l) => l.level === 'info' && l.message.startsWith('| '))
    .map((l) => l.message.slice(2));
}

describe(`migrate, task mode on the lab engine (${env ? 'lab up' : reason})`, () => {
  let image = '';
  const databases: string[] = [];

  beforeAll(async () => {
    needsLab();
    if (!env) return;
    image = await buildBackendImage(env, env.root);
  });
  afterAll(async () => {
    if (!env) return;
    for (const db of databases) await dropDatabase(env, db);
  });

  async function setup(newImage: string) {
    if (!env) throw new Error(reason);
    const database = await createDatabase(env);
    databases.push(database);
    const world = createWorld({ runTasks: 'real' });
    const handoff = await seedMigrationService(world, {
      oldImage: env.baseImage,
      newImage,
      environment: [{ name: 'DATABASE_URL', value: databaseUrl(env, database) }],
    });
    // Real containers run in real time: the stage waits on the real clock.
    const context = (command: string[]) => ({ ...world.context(config(command)), clock: systemClock });
    return { world, database, handoff, context };
  }

  it('runs the backend image migrations: tables exist afterwards, output in order', async () => {
    if (!env) return;
    const { world, database, handoff, context } = await setup(image);
    const result = await runMigration(context(['sh', '/app/migrate']), handoff);

    expect(result.outcome).toBe('succeeded');
    expect(migrationLines(world)).toEqual([
      'migrate: applied 001_create_items',
      'migrate: applied 002_add_done',
      'migrate: done, 2 applied now, 2 migration files',
    ]);
    expect(await tables(env, database)).toEqual(['items', 'schema_migrations']);
    expect(await psql(env, database, 'SELECT count(*) FROM items WHERE NOT done')).toBe('2');
    const run = world.lab.recorder.calls('ecs', 'RunTask')[0];
    expect(run?.input.taskDefinition).toBe(handoff.render.services[0]?.targetArn);
    expect(world.lab.recorder.calls('ecs', 'UpdateService')).toEqual([]);
    await world.lab.ecs.idle();
  });

  it('fails with exit code 3 and the last log lines when a migration breaks; no service updated', async () => {
    if (!env) return;
    const { world, database, handoff, context } = await setup(image);
    const broken = [
      'sh',
      '-c',
      'mkdir -p /tmp/m && cp /app/migrations/*.sql /tmp/m/ && echo "ALTER TABLE nowhere ADD COLUMN x int;" > /tmp/m/003_broken.sql && MIGRATIONS_DIR=/tmp/m exec sh /app/migrate',
    ];
    const error = await runMigration(context(broken), handoff).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(MigrationError);
    const e = error as MigrationError;
    expect(e.details.exitCode).toBe(3);
    expect(e.message).toMatch(/^migration failed: container api exited with code 3 /);
    expect(e.message).toContain('relation "nowhere" does not exist');
    expect(e.message).toContain('migrate: FAILED (psql exit 3): a migration failed and was rolled back');
    // 001 and 002 were committed; 003 was rolled back.
    expect(
      await psql(env, database, "SELECT string_agg(version, ',' ORDER BY version) FROM schema_migrations"),
    ).toBe('001_create_items,002_add_done');
    expect(world.lab.recorder.calls('ecs', 'UpdateService')).toEqual([]);
    await world.lab.ecs.idle();
  });

  it('shows the stop reason of a task whose image cannot be pulled', async () => {
    if (!env) return;
    const { world, handoff, context } = await setup(`${env.registry}/test/does-not-exist:1`);
    const error = await runMigration(context(['sh', '/app/migrate']), handoff).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(MigrationError);
    const e = error as MigrationError;
    expect(e.kind).toBe('not-started');
    expect(e.message).toMatch(/the migration task never ran: TaskFailedToStart: CannotPullContainerError: /);
    expect(e.message).toContain('check that it exists in ECR');
    await world.lab.ecs.idle();
  });
});
