import {
  CreateDBClusterSnapshotCommand,
  CreateDBSnapshotCommand,
  DBClusterNotFoundFault,
  DBInstanceNotFoundFault,
  DBSnapshotAlreadyExistsFault,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  InvalidDBInstanceStateFault,
  RDSClient,
} from '@aws-sdk/client-rds';
import { afterEach, describe, expect, it } from 'vitest';
import { errorOf, type Harness, MODES, openLab } from './sim-harness.js';

describe.each(MODES)('RDS (%s)', (mode) => {
  let h: Harness;
  afterEach(async () => h.close());

  it('describes instances with their status timeline, and DBInstanceNotFound', async () => {
    h = await openLab(mode);
    h.lab.rds.addInstance({
      id: 'acme-db',
      engine: 'postgres',
      status: 'modifying',
      endpoint: { address: '127.0.0.1', port: 5432 },
    });
    h.lab.rds.addInstance({ id: 'other-db' });
    h.lab.rds.setInstanceStatus('acme-db', 'available', 90_000);
    const rds = new RDSClient(h.config);
    const one = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'acme-db' }));
    expect(one.DBInstances?.[0]).toMatchObject({
      DBInstanceIdentifier: 'acme-db',
      Engine: 'postgres',
      DBInstanceStatus: 'modifying',
      Endpoint: { Address: '127.0.0.1', Port: 5432 },
      DBInstanceArn: 'arn:aws:rds:eu-west-1:111122223333:db:acme-db',
    });
    expect(one.DBInstances?.[0]?.InstanceCreateTime).toEqual(new Date(h.lab.startedAt));
    h.clock.advance(90_000);
    const all = await rds.send(new DescribeDBInstancesCommand({}));
    expect(all.DBInstances?.map((i) => [i.DBInstanceIdentifier, i.DBInstanceStatus])).toEqual([
      ['acme-db', 'available'],
      ['other-db', 'available'],
    ]);
    const filtered = await rds.send(
      new DescribeDBInstancesCommand({ Filters: [{ Name: 'db-instance-id', Values: ['other-db'] }] }),
    );
    expect(filtered.DBInstances?.map((i) => i.DBInstanceIdentifier)).toEqual(['other-db']);
    const missing = await errorOf(rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'nope' })));
    expect(missing).toBeInstanceOf(DBInstanceNotFoundFault);
    expect(missing.message).toBe('DBInstance nope not found.');
  });

  it('snapshots go creating -> available on the lab clock; the instance is backing-up meanwhile', async () => {
    h = await openLab(mode);
    h.lab.rds.addInstance({ id: 'acme-db', endpoint: { address: 'db', port: 5432 } });
    h.lab.rds.snapshotDurationMs = 120_000;
    const rds = new RDSClient(h.config);
    const created = await rds.send(
      new CreateDBSnapshotCommand({
        DBSnapshotIdentifier: 'pre-release-abc',
        DBInstanceIdentifier: 'acme-db',
        Tags: [{ Key: 'ecs-release:release', Value: 'abc' }],
      }),
    );
    expect(created.DBSnapshot).toMatchObject({
      Status: 'creating',
      DBInstanceIdentifier: 'acme-db',
      PercentProgress: 0,
    });
    expect(created.DBSnapshot?.TagList).toEqual([{ Key: 'ecs-release:release', Value: 'abc' }]);
    const status = async () =>
      (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'acme-db' }))).DBInstances?.[0]
        ?.DBInstanceStatus;
    expect(await status()).toBe('backing-up');
    const again = await errorOf(
      rds.send(new CreateDBSnapshotCommand({ DBSnapshotIdentifier: 'x', DBInstanceIdentifier: 'acme-db' })),
    );
    expect(again).toBeInstanceOf(InvalidDBInstanceStateFault);
    h.clock.advance(60_000);
    const half = await rds.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: 'pre-release-abc' }));
    expect(half.DBSnapshots?.[0]).toMatchObject({ Status: 'creating', PercentProgress: 50 });
    h.clock.advance(60_000);
    const done = await rds.send(new DescribeDBSnapshotsCommand({ DBInstanceIdentifier: 'acme-db' }));
    expect(done.DBSnapshots?.map((s) => [s.DBSnapshotIdentifier, s.Status])).toEqual([
      ['pre-release-abc', 'available'],
    ]);
    expect(await status()).toBe('available');
    const dup = await errorOf(
      rds.send(
        new CreateDBSnapshotCommand({
          DBSnapshotIdentifier: 'pre-release-abc',
          DBInstanceIdentifier: 'acme-db',
        }),
      ),
    );
    expect(dup).toBeInstanceOf(DBSnapshotAlreadyExistsFault);
  });

  it('describes Aurora clusters and takes cluster snapshots', async () => {
    h = await openLab(mode);
    h.lab.rds.addCluster({
      id: 'acme-aurora',
      endpoint: { address: 'acme-aurora.cluster-x.eu-west-1.rds.amazonaws.com', port: 5432 },
      members: ['acme-aurora-1', 'acme-aurora-2'],
    });
    const rds = new RDSClient(h.config);
    const c = await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'acme-aurora' }));
    expect(c.DBClusters?.[0]).toMatchObject({
      Status: 'available',
      Engine: 'aurora-postgresql',
      Port: 5432,
      DBClusterMembers: [
        { DBInstanceIdentifier: 'acme-aurora-1', IsClusterWriter: true },
        { DBInstanceIdentifier: 'acme-aurora-2', IsClusterWriter: false },
      ],
    });
    expect(
      await errorOf(rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'nope' }))),
    ).toBeInstanceOf(DBClusterNotFoundFault);
    await rds.send(
      new CreateDBClusterSnapshotCommand({
        DBClusterSnapshotIdentifier: 'snap',
        DBClusterIdentifier: 'acme-aurora',
      }),
    );
    h.clock.advance(h.lab.rds.snapshotDurationMs);
    const s = await rds.send(new DescribeDBClusterSnapshotsCommand({ DBClusterIdentifier: 'acme-aurora' }));
    expect(
      s.DBClusterSnapshots?.map((x) => [x.DBClusterSnapshotIdentifier, x.Status, x.PercentProgress]),
    ).toEqual([['snap', 'available', 100]]);
  });
});
