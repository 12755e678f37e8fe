import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { formatDuration } from '../config/duration';
import type { MigrationConfig } from '../config/types';
import { describeDatabase, describeKind } from '../database/describe';
import type { StageContext } from '../runtime/context';
import { databaseEnv, type Endpoint, parseDbSecret, redact, secretForms } from './db-env';
import { MigrationError, tail } from './errors';
import { clip, Ring, TAIL_LINES } from './ring';

/** After SIGTERM, how long the migration gets to clean up before SIGKILL. */
const KILL_GRACE_MS = 5000;

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    // The command runs in its own process group (detached), so `sh -c` children die with it.
    process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}

async function credentials(ctx: StageContext, migration: MigrationConfig) {
  const secretId = migration.dbSecret;
  if (!secretId) {
    throw new MigrationError(
      'migration-mode runner needs db-secret: the Secrets Manager ARN of the database credentials',
      'config',
    );
  }
  let text: string | undefined;
  try {
    const out = await ctx.aws.secrets.send(new GetSecretValueCommand({ SecretId: secretId }), {
      abortSignal: ctx.signal,
    });
    text = out.SecretString;
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    throw new MigrationError(
      `db-secret ${secretId}: GetSecretValue failed (${(error as Error).name}: ${(error as Error).message}); check the ARN, the region and that the role may read it`,
      'config',
    );
  }
  if (text === undefined) {
    throw new MigrationError(`db-secret ${secretId} holds binary data, not the JSON credentials`, 'config');
  }
  try {
    const secret = parseDbSecret(text, secretId);
    // Masked before anything else can print it.
    for (const form of secretForms(secret.password)) ctx.mask(form);
    return secret;
  } catch (error) {
    throw new MigrationError((error as Error).message, 'config');
  }
}

/**
 * Runner mode: the migration command runs here, next to the checkout, with
 * DATABASE_URL and PG* built from db-secret and the database's endpoint.
 */
export async function runMigrationOnRunner(
  ctx: StageContext,
  migration: MigrationConfig,
): Promise<{ ms: number }> {
  const secret = await credentials(ctx, migration);
  let endpoint: Endpoint | undefined;
  let database = secret.dbname;
  let where = 'the host in db-secret';
  if (ctx.config.database) {
    const info = await describeDatabase(ctx.aws.rds, ctx.config.database.instance, ctx.signal);
    if (info.endpoint) {
      endpoint = info.endpoint;
      where = `${describeKind(info)} "${info.id}"`;
    }
    database ??= info.dbName;
  }
  if (!endpoint && secret.host) endpoint = { host: secret.host, port: secret.port ?? 5432 };
  if (!endpoint) {
    throw new MigrationError(
      'migration-mode runner: no database endpoint: set db-instance (its endpoint is looked up), or put host and port in db-secret',
      'config',
    );
  }
  const env = databaseEnv(secret, endpoint, database ?? 'postgres');
  const secrets = secretForms(secret.password);
  const [file, ...args] = migration.command;
  if (!file) throw new MigrationError('migration command is empty', 'config');
  ctx.log.info(
    `migration: running ${JSON.stringify(migration.command)} on the runner in ${ctx.workdir}, as ${secret.username} on ${endpoint.host}:${endpoint.port}/${env.PGDATABASE} (${where})`,
  );

  const started = ctx.clock.now();
  const lastLines = new Ring<string>(TAIL_LINES);
  const onLine = (raw: string): void => {
    const line = redact(raw, secrets);
    lastLines.push(clip(line));
    ctx.log.info(`| ${line}`);
  };
  const child = spawn(file, args, {
    cwd: ctx.workdir,
    // Never the action's own environment (AWS credentials, OIDC request token, GitHub token):
    // the allowlisted variables the config loader picked, and the database's.
    env: { ...migration.environment, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const exited = new Promise<Exit>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  if (child.stdout)
    createInterface({ input: child.stdout, crlfDelay: Number.POSITIVE_INFINITY }).on('line', onLine);
  if (child.stderr)
    createInterface({ input: child.stderr, crlfDelay: Number.POSITIVE_INFINITY }).on('line', onLine);

  const local = new AbortController();
  const onAbort = (): void => local.abort(ctx.signal.reason);
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  if (ctx.signal.aborted) local.abort(ctx.signal.reason);
  const timer = ctx.clock.sleep(migration.timeoutMs, local.signal).then(
    () => 'timeout' as const,
    () => 'aborted' as const,
  );
  const stopChild = async (): Promise<void> => {
    killGroup(child, 'SIGTERM');
    const grace = new AbortController();
    const done = await Promise.race([
      exited.then(
        () => true,
        () => true,
      ),
      ctx.clock.sleep(KILL_GRACE_MS, grace.signal).then(
        () => false,
        () => false,
      ),
    ]);
    grace.abort();
    if (!done) killGroup(child, 'SIGKILL');
    await exited.catch(() => undefined);
  };

  let result: Exit | 'timeout' | 'aborted';
  try {
    result = await Promise.race([exited, timer]);
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    throw new MigrationError(
      e.code === 'ENOENT'
        ? `migration: command "${file}" was not found on the runner (cwd ${ctx.workdir}); nothing was deployed`
        : `migration: could not start ${JSON.stringify(migration.command)} on the runner: ${e.message}; nothing was deployed`,
      'not-started',
    );
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
    local.abort();
  }
  const ms = ctx.clock.now() - started;
  if (result === 'aborted') {
    ctx.log.warning('migration: cancelled: stopping the migration process');
    await stopChild();
    throw ctx.signal.reason;
  }
  if (result === 'timeout') {
    const timeout = formatDuration(migration.timeoutMs);
    ctx.log.warning(`migration: time-out after ${timeout}: stopping the migration process`);
    await stopChild();
    throw new MigrationError(
      `migration timed out: ${JSON.stringify(migration.command)} was still running on the runner after ${timeout} (migration-timeout), so ecs-release killed it. Nothing was deployed. Raise migration-timeout if the migration needs longer; if it waits on a lock, look at the database's sessions.${tail(lastLines.toArray())}`,
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
