/**
 * RDS instances, Aurora clusters and their manual snapshots, each with a
 * status that follows a timeline on the lab clock.
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/accessing-monitoring.html#Overview.DBInstance.Status
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_CreateSnapshot.html
 */

import { resolveWhen, Timeline, type When } from '../timeline.js';
import { AwsError, type SimClock } from '../types.js';

export interface InstanceSeed {
  id: string;
  /** Default `postgres`. */
  engine?: string;
  engineVersion?: string;
  /** Default `available`. */
  status?: string;
  endpoint?: { address: string; port: number };
  instanceClass?: string;
  dbName?: string;
  masterUsername?: string;
  /** Set for an Aurora cluster's member instance. */
  clusterId?: string;
}

export interface ClusterSeed {
  id: string;
  /** Default `aurora-postgresql`. */
  engine?: string;
  engineVersion?: string;
  status?: string;
  endpoint?: { address: string; port: number };
  readerEndpoint?: string;
  /** Member instance ids; the first is the writer. */
  members?: string[];
  dbName?: string;
  masterUsername?: string;
}

export interface Snapshot {
  id: string;
  kind: 'instance' | 'cluster';
  sourceId: string;
  createdAt: number;
  readyAt: number;
  tags: { Key: string; Value: string }[];
}

interface Instance {
  seed: InstanceSeed;
  createdAt: number;
  status: Timeline<string>;
}

interface Cluster {
  seed: ClusterSeed;
  createdAt: number;
  status: Timeline<string>;
}

export class RdsWorld {
  readonly instances = new Map<string, Instance>();
  readonly clusters = new Map<string, Cluster>();
  readonly snapshots = new Map<string, Snapshot>();
  readonly clusterSnapshots = new Map<string, Snapshot>();
  /** How long a manual snapshot stays `creating` on the lab clock. */
  snapshotDurationMs = 60_000;

  constructor(
    private readonly clock: SimClock,
    private readonly startedAt: number,
    readonly arnPrefix: string,
  ) {}

  addInstance(seed: InstanceSeed): void {
    const now = this.clock.now();
    this.instances.set(seed.id, {
      seed,
      createdAt: now,
      status: new Timeline(seed.status ?? 'available', now),
    });
  }

  addCluster(seed: ClusterSeed): void {
    const now = this.clock.now();
    this.clusters.set(seed.id, {
      seed,
      createdAt: now,
      status: new Timeline(seed.status ?? 'available', now),
    });
  }

  /** `at`: milliseconds after the lab started, or a Date; omitted: now. */
  setInstanceStatus(id: string, status: string, at?: When): void {
    this.instance(id).status.set(
      at === undefined ? this.clock.now() : resolveWhen(at, this.startedAt),
      status,
    );
  }

  setClusterStatus(id: string, status: string, at?: When): void {
    this.cluster(id).status.set(
      at === undefined ? this.clock.now() : resolveWhen(at, this.startedAt),
      status,
    );
  }

  instance(id: string): Instance {
    const i = this.instances.get(id);
    if (!i) throw new AwsError('DBInstanceNotFound', `DBInstance ${id} not found.`, 404);
    return i;
  }

  cluster(id: string): Cluster {
    const c = this.clusters.get(id);
    if (!c) throw new AwsError('DBClusterNotFoundFault', `DBCluster ${id} not found.`, 404);
    return c;
  }

  instanceStatus(id: string): string {
    return this.instance(id).status.current(this.clock.now()).value;
  }

  clusterStatus(id: string): string {
    return this.cluster(id).status.current(this.clock.now()).value;
  }

  /**
   * A manual snapshot of a single instance shows the instance as `backing-up`
   * until the snapshot is available, then `available` again.
   */
  createSnapshot(id: string, instanceId: string, tags: Snapshot['tags']): Snapshot {
    const instance = this.instance(instanceId);
    if (this.snapshots.has(id)) {
      throw new AwsError(
        'DBSnapshotAlreadyExists',
        `Cannot create the snapshot because a snapshot with the identifier ${id} already exists.`,
      );
    }
    if (this.instanceStatus(instanceId) !== 'available') {
      throw new AwsError(
        'InvalidDBInstanceState',
        `Cannot create a snapshot because the database instance ${instanceId} is not currently in the available state.`,
      );
    }
    const snapshot = this.newSnapshot('instance', id, instanceId, tags);
    this.snapshots.set(id, snapshot);
    instance.status.set(snapshot.createdAt, 'backing-up');
    instance.status.set(snapshot.readyAt, 'available');
    return snapshot;
  }

  createClusterSnapshot(id: string, clusterId: string, tags: Snapshot['tags']): Snapshot {
    this.cluster(clusterId);
    if (this.clusterSnapshots.has(id)) {
      throw new AwsError(
        'DBClusterSnapshotAlreadyExistsFault',
        `Cannot create the cluster snapshot because one with the identifier ${id} already exists.`,
      );
    }
    if (this.clusterStatus(clusterId) !== 'available') {
      throw new AwsError(
        'InvalidDBClusterStateFault',
        `DBCluster ${clusterId} is not in the available state.`,
      );
    }
    const snapshot = this.newSnapshot('cluster', id, clusterId, tags);
    this.clusterSnapshots.set(id, snapshot);
    return snapshot;
  }

  /** A snapshot started now, available after the snapshot duration. */
  private newSnapshot(
    kind: Snapshot['kind'],
    id: string,
    sourceId: string,
    tags: Snapshot['tags'],
  ): Snapshot {
    const now = this.clock.now();
    return { id, kind, sourceId, createdAt: now, readyAt: now + this.snapshotDurationMs, tags };
  }

  snapshotProgress(s: Snapshot): { status: string; percent: number } {
    const now = this.clock.now();
    if (now >= s.readyAt) return { status: 'available', percent: 100 };
    const span = Math.max(1, s.readyAt - s.createdAt);
    return { status: 'creating', percent: Math.floor(((now - s.createdAt) / span) * 100) };
  }
}
