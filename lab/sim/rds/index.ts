/**
 * RDS: DescribeDBInstances, DescribeDBClusters, CreateDBSnapshot,
 * DescribeDBSnapshots, CreateDBClusterSnapshot, DescribeDBClusterSnapshots.
 * https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeDBInstances.html
 * https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBSnapshot.html
 * https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBClusterSnapshot.html
 */
import { type Input, InputReader, pageOf } from '../protocol/input.js';
import { AwsError, type ServiceOperations, type SimClock } from '../types.js';
import { RdsWorld, type Snapshot } from './world.js';

export type { ClusterSeed, InstanceSeed } from './world.js';
export { RdsWorld } from './world.js';

const invalid = (message: string) => new AwsError('InvalidParameterValue', message);
const badMarker = () => invalid('The marker is invalid.');

/** RDS's `Filters.Filter.N.Name` / `Values.Value.N`, as a name → accepted values map. */
function filtersOf(r: InputReader): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const f of r.optObjects('Filters') ?? []) {
    const fr = new InputReader(f, invalid);
    out.set(fr.string('Name'), fr.optStrings('Values') ?? []);
  }
  return out;
}

function paged<T>(r: InputReader, items: T[]) {
  const max = r.optNumber('MaxRecords') ?? 100;
  if (max < 20 || max > 100) throw invalid('MaxRecords must be between 20 and 100.');
  return pageOf(items, max, r.optString('Marker'), badMarker);
}

const tagsOf = (r: InputReader): Snapshot['tags'] =>
  (r.optObjects('Tags') ?? []).map((t: Input) => ({
    Key: String(t.Key ?? ''),
    Value: String(t.Value ?? ''),
  }));

export function createRds(deps: { clock: SimClock; region: string; account: string; startedAt: number }): {
  operations: ServiceOperations;
  world: RdsWorld;
} {
  const world = new RdsWorld(deps.clock, deps.startedAt, `arn:aws:rds:${deps.region}:${deps.account}:`);
  const arn = (kind: string, id: string) => `${world.arnPrefix}${kind}:${id}`;

  const describeInstance = (id: string) => {
    const i = world.instance(id);
    const s = i.seed;
    const engine = s.engine ?? 'postgres';
    return {
      DBInstanceIdentifier: id,
      DBInstanceClass: s.instanceClass ?? 'db.t4g.micro',
      Engine: engine,
      EngineVersion: s.engineVersion ?? '16.4',
      DBInstanceStatus: world.instanceStatus(id),
      MasterUsername: s.masterUsername ?? 'postgres',
      DBName: s.dbName,
      Endpoint: s.endpoint
        ? { Address: s.endpoint.address, Port: s.endpoint.port, HostedZoneId: 'Z29XKXDKYMONMX' }
        : undefined,
      AllocatedStorage: 20,
      InstanceCreateTime: new Date(i.createdAt),
      MultiAZ: false,
      StorageType: 'gp3',
      DBClusterIdentifier: s.clusterId,
      DBInstanceArn: arn('db', id),
      VpcSecurityGroups: [],
      TagList: [],
    };
  };

  const describeCluster = (id: string) => {
    const c = world.cluster(id);
    const s = c.seed;
    return {
      DBClusterIdentifier: id,
      Status: world.clusterStatus(id),
      Engine: s.engine ?? 'aurora-postgresql',
      EngineVersion: s.engineVersion ?? '16.4',
      Endpoint: s.endpoint?.address,
      ReaderEndpoint: s.readerEndpoint,
      Port: s.endpoint?.port,
      MasterUsername: s.masterUsername ?? 'postgres',
      DatabaseName: s.dbName,
      DBClusterArn: arn('cluster', id),
      ClusterCreateTime: new Date(c.createdAt),
      MultiAZ: (s.members?.length ?? 0) > 1,
      AvailabilityZones: [],
      DBClusterMembers: (s.members ?? []).map((m, index) => ({
        DBInstanceIdentifier: m,
        IsClusterWriter: index === 0,
        DBClusterParameterGroupStatus: 'in-sync',
        PromotionTier: 1,
      })),
      TagList: [],
    };
  };

  const describeSnapshot = (s: Snapshot) => {
    const p = world.snapshotProgress(s);
    const source = world.instance(s.sourceId).seed;
    return {
      DBSnapshotIdentifier: s.id,
      DBInstanceIdentifier: s.sourceId,
      SnapshotCreateTime: new Date(s.createdAt),
      Engine: source.engine ?? 'postgres',
      EngineVersion: source.engineVersion ?? '16.4',
      AllocatedStorage: 20,
      Status: p.status,
      PercentProgress: p.percent,
      Port: source.endpoint?.port,
      MasterUsername: source.masterUsername ?? 'postgres',
      SnapshotType: 'manual',
      DBSnapshotArn: arn('snapshot', s.id),
      TagList: s.tags,
    };
  };

  const describeClusterSnapshot = (s: Snapshot) => {
    const p = world.snapshotProgress(s);
    const source = world.cluster(s.sourceId).seed;
    return {
      DBClusterSnapshotIdentifier: s.id,
      DBClusterIdentifier: s.sourceId,
      SnapshotCreateTime: new Date(s.createdAt),
      Engine: source.engine ?? 'aurora-postgresql',
      EngineVersion: source.engineVersion ?? '16.4',
      Status: p.status,
      PercentProgress: p.percent,
      Port: source.endpoint?.port,
      MasterUsername: source.masterUsername ?? 'postgres',
      SnapshotType: 'manual',
      DBClusterSnapshotArn: arn('cluster-snapshot', s.id),
      AvailabilityZones: [],
      TagList: s.tags,
    };
  };

  const operations: ServiceOperations = {
    DescribeDBInstances: (input) => {
      const r = new InputReader(input, invalid);
      const id = r.optString('DBInstanceIdentifier');
      if (id !== undefined) return { DBInstances: [describeInstance(world.instance(id).seed.id)] };
      const filters = filtersOf(r);
      const ids = [...world.instances.values()]
        .filter((i) => {
          const f = (name: string, value: string | undefined) => {
            const accepted = filters.get(name);
            return accepted === undefined || (value !== undefined && accepted.includes(value));
          };
          return (
            f('db-instance-id', i.seed.id) &&
            f('db-cluster-id', i.seed.clusterId) &&
            f('engine', i.seed.engine ?? 'postgres')
          );
        })
        .map((i) => i.seed.id)
        .sort();
      const page = paged(r, ids);
      return { DBInstances: page.items.map(describeInstance), Marker: page.next };
    },
    DescribeDBClusters: (input) => {
      const r = new InputReader(input, invalid);
      const id = r.optString('DBClusterIdentifier');
      if (id !== undefined) return { DBClusters: [describeCluster(world.cluster(id).seed.id)] };
      const page = paged(r, [...world.clusters.keys()].sort());
      return { DBClusters: page.items.map(describeCluster), Marker: page.next };
    },
    CreateDBSnapshot: (input) => {
      const r = new InputReader(input, invalid);
      const s = world.createSnapshot(
        r.string('DBSnapshotIdentifier'),
        r.string('DBInstanceIdentifier'),
        tagsOf(r),
      );
      return { DBSnapshot: describeSnapshot(s) };
    },
    DescribeDBSnapshots: (input) => {
      const r = new InputReader(input, invalid);
      const id = r.optString('DBSnapshotIdentifier');
      const instanceId = r.optString('DBInstanceIdentifier');
      if (id !== undefined) {
        const s = world.snapshots.get(id);
        if (!s) throw new AwsError('DBSnapshotNotFound', `DBSnapshot ${id} not found.`, 404);
        return {
          DBSnapshots: instanceId === undefined || s.sourceId === instanceId ? [describeSnapshot(s)] : [],
        };
      }
      const list = [...world.snapshots.values()]
        .filter((s) => instanceId === undefined || s.sourceId === instanceId)
        .sort((a, b) => a.createdAt - b.createdAt);
      const page = paged(r, list);
      return { DBSnapshots: page.items.map(describeSnapshot), Marker: page.next };
    },
    CreateDBClusterSnapshot: (input) => {
      const r = new InputReader(input, invalid);
      const s = world.createClusterSnapshot(
        r.string('DBClusterSnapshotIdentifier'),
        r.string('DBClusterIdentifier'),
        tagsOf(r),
      );
      return { DBClusterSnapshot: describeClusterSnapshot(s) };
    },
    DescribeDBClusterSnapshots: (input) => {
      const r = new InputReader(input, invalid);
      const id = r.optString('DBClusterSnapshotIdentifier');
      const clusterId = r.optString('DBClusterIdentifier');
      if (id !== undefined) {
        const s = world.clusterSnapshots.get(id);
        if (!s)
          throw new AwsError('DBClusterSnapshotNotFoundFault', `DBClusterSnapshot ${id} not found.`, 404);
        return {
          DBClusterSnapshots:
            clusterId === undefined || s.sourceId === clusterId ? [describeClusterSnapshot(s)] : [],
        };
      }
      const list = [...world.clusterSnapshots.values()]
        .filter((s) => clusterId === undefined || s.sourceId === clusterId)
        .sort((a, b) => a.createdAt - b.createdAt);
      const page = paged(r, list);
      return { DBClusterSnapshots: page.items.map(describeClusterSnapshot), Marker: page.next };
    },
  };
  return { operations, world };
}
