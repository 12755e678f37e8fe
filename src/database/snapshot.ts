import {
  CreateDBClusterSnapshotCommand,
  CreateDBSnapshotCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBSnapshotsCommand,
} from '@aws-sdk/client-rds';
import { formatDuration } from '../config/duration';
import { TAGS } from '../record/release-record';
import type { StageContext } from '../runtime/context';
import { describeDatabase, describeKind } from './describe';
import { snapshotName } from './snapshot-name';

/** A large database can take long to snapshot; beyond this the release gives up before migrating. */
export const SNAPSHOT_WAIT_MS = 60 * 60_000;
const POLL_MS = 10_000;

interface SnapshotState {
  status: string;
  progress?: number;
}

/** What is snapshotted: an Aurora cluster or an instance, and how the log names it. */
interface Target {
  cluster: string | undefined;
  instance: string;
  what: string;
}

/**
 * A manual snapshot named after the release, waited for until `available`, so
 * a migration that goes wrong has a restore point taken just before it. An
 * Aurora cluster (or an instance of one) gets a cluster snapshot.
 */
export async function snapshotDatabase(
  ctx: StageContext,
  options: { waitMs?: number } = {},
): Promise<{ id: string; ms: number }> {
  const database = ctx.config.database;
  if (!database)
    throw new Error('db-snapshot: no db-instance is configured, so there is nothing to snapshot');
  const started = ctx.clock.now();
  const info = await describeDatabase(ctx.aws.rds, database.instance, ctx.signal);
  const id = snapshotName(ctx.config.environment, ctx.config.release, started);
  const cluster = info.clusterId;
  const target: Target = {
    cluster,
    instance: info.id,
    what: cluster ? `Aurora cluster "${cluster}"` : `${describeKind(info)} "${info.id}"`,
  };
  await startSnapshot(ctx, target, id);
  ctx.log.info(`database: snapshot ${id} of ${target.what} started; waiting for it to be available`);
  return waitAvailable(ctx, target, id, started, started + (options.waitMs ?? SNAPSHOT_WAIT_MS));
}

async function startSnapshot(ctx: StageContext, target: Target, id: string): Promise<void> {
  const tags = [
    { Key: TAGS.release, Value: ctx.config.release },
    { Key: TAGS.environment, Value: ctx.config.environment },
  ];
  const call = { abortSignal: ctx.signal };
  try {
    if (target.cluster) {
      await ctx.aws.rds.send(
        new CreateDBClusterSnapshotCommand({
          DBClusterSnapshotIdentifier: id,
          DBClusterIdentifier: target.cluster,
          Tags: tags,
        }),
        call,
      );
    } else {
      await ctx.aws.rds.send(
        new CreateDBSnapshotCommand({
          DBSnapshotIdentifier: id,
          DBInstanceIdentifier: target.instance,
          Tags: tags,
        }),
        call,
      );
    }
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    throw new Error(
      `db-snapshot: RDS refused the snapshot ${id} of ${target.what}: ${(error as Error).message} (nothing was migrated or deployed)`,
    );
  }
}

const stateOf = (
  s: { Status?: string | undefined; PercentProgress?: number | undefined } | undefined,
): SnapshotState => ({
  status: s?.Status ?? 'unknown',
  ...(s?.PercentProgress !== undefined && { progress: s.PercentProgress }),
});

async function readSnapshot(ctx: StageContext, target: Target, id: string): Promise<SnapshotState> {
  const call = { abortSignal: ctx.signal };
  if (target.cluster) {
    const out = await ctx.aws.rds.send(
      new DescribeDBClusterSnapshotsCommand({ DBClusterSnapshotIdentifier: id }),
      call,
    );
    return stateOf(out.DBClusterSnapshots?.[0]);
  }
  const out = await ctx.aws.rds.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: id }), call);
  return stateOf(out.DBSnapshots?.[0]);
}

/** Polls the snapshot until `available`; throws when it fails or the deadline passes first. */
async function waitAvailable(
  ctx: StageContext,
  target: Target,
  id: string,
  started: number,
  deadline: number,
): Promise<{ id: string; ms: number }> {
  const { what } = target;
  let lastProgress: number | undefined;
  for (;;) {
    const state = await readSnapshot(ctx, target, id);
    const ms = ctx.clock.now() - started;
    if (state.status === 'available') {
      ctx.log.info(`database: snapshot ${id} is available (took ${formatDuration(ms)})`);
      return { id, ms };
    }
    if (state.status === 'failed' || state.status === 'error' || state.status === 'deleting') {
      throw new Error(
        `db-snapshot: snapshot ${id} of ${what} is "${state.status}": look at the RDS events of ${what}; nothing was migrated or deployed`,
      );
    }
    if (state.progress !== undefined && state.progress !== lastProgress) {
      ctx.log.info(`database: snapshot ${id} ${state.status}, ${state.progress}%`);
      lastProgress = state.progress;
    }
    const left = deadline - ctx.clock.now();
    if (left <= 0) {
      throw new Error(
        `db-snapshot: snapshot ${id} of ${what} is still "${state.status}" after ${formatDuration(ms)}: it goes on in RDS, but this release stopped before migrating; re-run once it is available`,
      );
    }
    await ctx.clock.sleep(Math.min(POLL_MS, left), ctx.signal);
  }
}
