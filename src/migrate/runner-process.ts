/** The runner-mode migration process: spawned in its own process group, its lines read, stopped on time-out or cancel. */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { formatDuration } from '../config/duration';
import type { MigrationConfig } from '../config/types';
import type { StageContext } from '../runtime/context';
import { MigrationError } from './errors';

/** After SIGTERM, how long the migration gets to clean up before SIGKILL. */
const KILL_GRACE_MS = 5000;

export interface Exit {
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

/** SIGTERM to the group, SIGKILL after the grace period, then wait for the exit. */
async function stopChild(ctx: StageContext, child: ChildProcess, exited: Promise<Exit>): Promise<void> {
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
}

/**
 * Runs the command to its exit, or until migration-timeout or the run's cancel
 * (then the process is stopped first). Each output line goes to `onLine`.
 */
export async function runProcess(
  ctx: StageContext,
  migration: MigrationConfig,
  env: Record<string, string>,
  onLine: (line: string) => void,
): Promise<Exit | 'timeout' | 'aborted'> {
  const [file, ...args] = migration.command;
  if (!file) throw new MigrationError('migration command is empty', 'config');
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
  const result = await raceTimeout(ctx, migration, exited);
  if (result === 'aborted') {
    ctx.log.warning('migration: cancelled: stopping the migration process');
    await stopChild(ctx, child, exited);
  } else if (result === 'timeout') {
    ctx.log.warning(
      `migration: time-out after ${formatDuration(migration.timeoutMs)}: stopping the migration process`,
    );
    await stopChild(ctx, child, exited);
  }
  return result;
}

/** The exit, or which came first of migration-timeout and the run's cancel; a spawn error as a MigrationError. */
async function raceTimeout(
  ctx: StageContext,
  migration: MigrationConfig,
  exited: Promise<Exit>,
): Promise<Exit | 'timeout' | 'aborted'> {
  const local = new AbortController();
  const onAbort = (): void => local.abort(ctx.signal.reason);
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  if (ctx.signal.aborted) local.abort(ctx.signal.reason);
  const timer = ctx.clock.sleep(migration.timeoutMs, local.signal).then(
    () => 'timeout' as const,
    () => 'aborted' as const,
  );
  try {
    return await Promise.race([exited, timer]);
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    throw new MigrationError(
      e.code === 'ENOENT'
        ? `migration: command "${migration.command[0]}" was not found on the runner (cwd ${ctx.workdir}); nothing was deployed`
        : `migration: could not start ${JSON.stringify(migration.command)} on the runner: ${e.message}; nothing was deployed`,
      'not-started',
    );
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
    local.abort();
  }
}
