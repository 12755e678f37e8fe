import type { StageContext } from '../runtime/context';
import { describeDatabase, describeKind } from './describe';

/** What an operator should do about a database in a given status. */
function advice(status: string): string {
  if (
    ['backing-up', 'modifying', 'upgrading', 'maintenance', 'configuring-enhanced-monitoring'].includes(
      status,
    )
  )
    return 'wait until it is available again and re-run';
  if (['stopped', 'stopping'].includes(status))
    return 'start it (StartDBInstance / StartDBCluster) and re-run';
  if (['creating', 'starting', 'rebooting', 'resetting-master-credentials', 'renaming'].includes(status))
    return 'wait until it is available and re-run';
  return 'look at it in the RDS console; the release will not migrate or deploy against it until it is available';
}

/**
 * Preflight: the database the migration runs against must be `available`.
 * No database configured: nothing to check.
 */
export async function checkDatabase(ctx: StageContext): Promise<void> {
  const database = ctx.config.database;
  if (!database) return;
  const info = await describeDatabase(ctx.aws.rds, database.instance, ctx.signal);
  const what = `${describeKind(info)} "${info.id}"`;
  if (info.status !== 'available') {
    throw new Error(`db-instance: ${what} is "${info.status}", not "available": ${advice(info.status)}`);
  }
  ctx.log.info(`database: ${what} is available`);
}
