import { DescribeDBClustersCommand, DescribeDBInstancesCommand, type RDSClient } from '@aws-sdk/client-rds';

/** What ecs-release needs to know about the database, whichever kind it is. */
export interface DatabaseInfo {
  kind: 'instance' | 'cluster';
  id: string;
  status: string;
  engine?: string;
  /** Writer endpoint: the instance's, or the Aurora cluster's. */
  endpoint?: { host: string; port: number };
  dbName?: string;
  /** Set when the instance is a member of an Aurora cluster (snapshots are then the cluster's). */
  clusterId?: string;
}

export class DatabaseNotFoundError extends Error {
  constructor(id: string, region: string) {
    super(
      `db-instance "${id}": no RDS DB instance and no Aurora cluster has this identifier in region ${region}: check the identifier (not the endpoint or the ARN) and the region`,
    );
    this.name = 'DatabaseNotFoundError';
  }
}

function named(error: unknown, name: string): boolean {
  return error instanceof Error && error.name === name;
}

/**
 * `db-instance` may name a DB instance or an Aurora cluster: the instance is
 * asked for first, the cluster only when no instance has that identifier.
 */
export async function describeDatabase(
  rds: RDSClient,
  id: string,
  signal?: AbortSignal,
): Promise<DatabaseInfo> {
  const options = signal ? { abortSignal: signal } : {};
  try {
    const out = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }), options);
    const db = out.DBInstances?.[0];
    if (db) {
      const info: DatabaseInfo = { kind: 'instance', id, status: db.DBInstanceStatus ?? 'unknown' };
      if (db.Engine) info.engine = db.Engine;
      if (db.Endpoint?.Address) info.endpoint = { host: db.Endpoint.Address, port: db.Endpoint.Port ?? 5432 };
      if (db.DBName) info.dbName = db.DBName;
      if (db.DBClusterIdentifier) info.clusterId = db.DBClusterIdentifier;
      return info;
    }
  } catch (error) {
    if (!named(error, 'DBInstanceNotFoundFault')) throw error;
  }
  try {
    const out = await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: id }), options);
    const c = out.DBClusters?.[0];
    if (c) {
      const info: DatabaseInfo = { kind: 'cluster', id, status: c.Status ?? 'unknown', clusterId: id };
      if (c.Engine) info.engine = c.Engine;
      if (c.Endpoint) info.endpoint = { host: c.Endpoint, port: c.Port ?? 5432 };
      if (c.DatabaseName) info.dbName = c.DatabaseName;
      return info;
    }
  } catch (error) {
    if (!named(error, 'DBClusterNotFoundFault')) throw error;
  }
  throw new DatabaseNotFoundError(id, await rds.config.region());
}

export function describeKind(info: DatabaseInfo): string {
  const engine = info.engine ? `${info.engine} ` : '';
  return info.kind === 'instance' ? `${engine}DB instance` : `${engine}Aurora cluster`;
}
