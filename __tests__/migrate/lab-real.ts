/**
 * Real-engine helpers: the examples/app backend image built and pushed to the lab
 * registry, a fresh PostgreSQL database per test, and psql from the host.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { LabEnv } from '../../lab/env';

const run = promisify(execFile);

export async function buildBackendImage(env: LabEnv, root: string): Promise<string> {
  const ref = `${env.registry}/test/migrate-backend:${randomBytes(4).toString('hex')}`;
  const docker = {
    ...process.env,
    DOCKER_HOST: env.dockerHost,
    DOCKER_CONFIG: env.dockerConfig,
    DOCKER_BUILDKIT: '1',
  };
  await run(
    env.dockerCli,
    [
      'build',
      '--network',
      env.networkMode,
      '--build-arg',
      `BASE_IMAGE=${env.baseImage}`,
      '-t',
      ref,
      join(root, 'examples/app/backend'),
    ],
    { env: docker, maxBuffer: 16 * 1024 * 1024 },
  );
  await run(env.dockerCli, ['push', ref], { env: docker, maxBuffer: 16 * 1024 * 1024 });
  return ref;
}

function pgEnv(env: LabEnv, database?: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PGHOST: env.postgres.host,
    PGPORT: String(env.postgres.port),
    PGUSER: env.postgres.user,
    PGPASSWORD: env.postgres.password,
    PGDATABASE: database ?? env.postgres.database,
  };
}

export async function psql(env: LabEnv, database: string, sql: string): Promise<string> {
  const { stdout } = await run('psql', ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-c', sql], {
    env: pgEnv(env, database),
  });
  return stdout.trim();
}

export async function createDatabase(env: LabEnv): Promise<string> {
  const name = `migrate_test_${randomBytes(4).toString('hex')}`;
  await psql(env, env.postgres.database, `CREATE DATABASE ${name}`);
  return name;
}

export async function dropDatabase(env: LabEnv, name: string): Promise<void> {
  await psql(env, env.postgres.database, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

export function databaseUrl(env: LabEnv, database: string): string {
  const p = env.postgres;
  return `postgresql://${encodeURIComponent(p.user)}:${encodeURIComponent(p.password)}@${p.host}:${p.port}/${database}`;
}

export async function tables(env: LabEnv, database: string): Promise<string[]> {
  const out = await psql(
    env,
    database,
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
  );
  return out === '' ? [] : out.split('\n');
}
