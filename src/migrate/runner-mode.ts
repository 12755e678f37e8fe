import { formatDuration } from '../config/duration';
import type { MigrationConfig } from '../config/types';
import type { StageContext } from '../runtime/context';
import { databaseEnv, redact, secretForms } from './db-env';
import { MigrationError, tail } from './errors';
import { clip, Ring, TAIL_LINES } from './ring';
import { credentials, databaseEndpoint } from './runner-db';
import { runProcess } from './runner-process';

/**
 * Runner mode: the migration command runs here, next to the checkout, with
 * DATABASE_URL and PG* built from db-secret and the database's endpoint.
 */
export async function runMigrationOnRunner(
  ctx: StageContext,
  migration: MigrationConfig,
): Promise<{ ms: number }> {
  const secret = await credentials(ctx, migration);
  const { endpoint, database, where } = await databaseEndpoint(ctx, secret);
  const env = databaseEnv(secret, endpoint, database ?? 'postgres');
  const secrets = secretForms(secret.password);
  if (!migration.command[0]) throw new MigrationError('migration command is empty', 'config');
  ctx.log.info(
    `migration: running ${JSON.stringify(migration.command)} on the runner in ${ctx.workdir}, as ${secret.username} on ${endpoint.host}:${endpoint.port}/${env.PGDATABASE} (${where})`,
  );

  const started = ctx.clock.now();
  const lastLines = new Ring<string>(TAIL_LINES);
  const result = await runProcess(ctx, migration, env, (raw) => {
    const line = redact(raw, secrets);
    lastLines.push(clip(line));
    ctx.log.info(`| ${line}`);
  });
  const ms = ctx.clock.now() - started;
  if (result === 'aborted') throw ctx.signal.reason;
  if (result === 'timeout') {
    throw new MigrationError(
      `migration timed out: ${JSON.stringify(migration.command)} was still running on the runner after ${formatDuration(migration.timeoutMs)} (migration-timeout), so ecs-release killed it. Nothing was deployed. Raise migration-timeout if the migration needs longer; if it waits on a lock, look at the database's sessions.${tail(lastLines.toArray())}`,
      'timeout',
      { lastLines: lastLines.toArray() },
    );
  }
  if (result.code === 0) {
    ctx.log.info(`migration: exited 0 after ${formatDuration(ms)}`);
    return { ms };
  }
  const how = result.code !== null ? `exited with code ${result.code}` : `was killed by ${result.signal}`;
  throw new MigrationError(
    `migration failed: ${JSON.stringify(migration.command)} ${how} on the runner. Nothing was deployed.${tail(lastLines.toArray())}`,
    'exit',
    { ...(result.code !== null && { exitCode: result.code }), lastLines: lastLines.toArray() },
  );
}
