export { checkDatabase } from './check';
export { type DatabaseInfo, DatabaseNotFoundError, describeDatabase, describeKind } from './describe';
export { SNAPSHOT_WAIT_MS, snapshotDatabase } from './snapshot';
export { isValidSnapshotName, snapshotName } from './snapshot-name';
