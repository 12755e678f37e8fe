/** db-instance checks and db-snapshot against the lab's RDS, on the virtual clock. */
import { describe, expect, it } from 'vitest';
import { checkDatabase, isValidSnapshotName, snapshotDatabase, snapshotName } from '../../src/database';
import { testConfig } from '../support/config';
import { createWorld } from '../support/world';

function context(instance: string, snapshot = true) {
  const world = createWorld({ real: false });
  return { world, ctx: world.context(testConfig({ database: { instance, snapshot } })) };
}

describe('checkDatabase', () => {
  it('passes an available instance and names it', async () => {
    const { world, ctx } = context('demo-db');
    world.lab.rds.addInstance({ id: 'demo-db' });
    await checkDatabase(ctx);
    expect(world.log.text()).toContain('database: postgres DB instance "demo-db" is available');
  });

  it('falls back to an Aurora cluster of that name', async () => {
    const { world, ctx } = context('demo-aurora');
    world.lab.rds.addCluster({ id: 'demo-aurora' });
    await checkDatabase(ctx);
    expect(world.lab.recorder.calls('rds').map((c) => c.operation)).toEqual([
      'DescribeDBInstances',
      'DescribeDBClusters',
    ]);
    expect(world.log.text()).toContain('Aurora cluster "demo-aurora" is available');
  });

  it('refuses a database that is not available, naming its status and what to do', async () => {
    const { world, ctx } = context('demo-db');
    world.lab.rds.addInstance({ id: 'demo-db', status: 'stopped' });
    await expect(checkDatabase(ctx)).rejects.toThrow(
      'db-instance: postgres DB instance "demo-db" is "stopped", not "available": start it',
    );
  });

  it('says when neither an instance nor a cluster exists', async () => {
    const { ctx } = context('nope');
    await expect(checkDatabase(ctx)).rejects.toThrow(
      'db-instance "nope": no RDS DB instance and no Aurora cluster has this identifier in region eu-west-1',
    );
  });

  it('does nothing without db-instance', async () => {
    const world = createWorld({ real: false });
    await checkDatabase(world.context(testConfig()));
    expect(world.lab.recorder.calls()).toEqual([]);
  });
});

describe('snapshotDatabase', () => {
  it('names the snapshot after the release and waits until it is available', async () => {
    const { world, ctx } = context('demo-db');
    world.lab.rds.addInstance({ id: 'demo-db' });
    world.lab.rds.snapshotDurationMs = 150_000;
    const started = world.clock.now();
    const snap = await snapshotDatabase(ctx);
    expect(snap.id).toBe('ecs-release-production-c0ffee000000-20261127120000');
    expect(snap.ms).toBeGreaterThanOrEqual(150_000);
    expect(snap.ms).toBeLessThan(170_000);
    expect(world.clock.now() - started).toBe(snap.ms);
    const create = world.lab.recorder.calls('rds', 'CreateDBSnapshot')[0];
    expect(create?.input).toMatchObject({ DBSnapshotIdentifier: snap.id, DBInstanceIdentifier: 'demo-db' });
    expect(world.log.text()).toMatch(
      /snapshot ecs-release-production-c0ffee000000-20261127120000 is available \(took 2m3\ds\)/,
    );
  });

  it('takes a cluster snapshot for an Aurora cluster', async () => {
    const { world, ctx } = context('demo-aurora');
    world.lab.rds.addCluster({ id: 'demo-aurora' });
    const snap = await snapshotDatabase(ctx);
    expect(world.lab.recorder.calls('rds', 'CreateDBClusterSnapshot')[0]?.input).toMatchObject({
      DBClusterSnapshotIdentifier: snap.id,
      DBClusterIdentifier: 'demo-aurora',
    });
  });

  it('gives up after its bound and says the snapshot goes on', async () => {
    const { world, ctx } = context('demo-db');
    world.lab.rds.addInstance({ id: 'demo-db' });
    world.lab.rds.snapshotDurationMs = 2 * 3_600_000;
    await expect(snapshotDatabase(ctx, { waitMs: 10 * 60_000 })).rejects.toThrow(
      /is still "creating" after 10m: it goes on in RDS, but this release stopped before migrating/,
    );
  });

  it('explains a refused snapshot', async () => {
    const { world, ctx } = context('demo-db');
    world.lab.rds.addInstance({ id: 'demo-db', status: 'backing-up' });
    await expect(snapshotDatabase(ctx)).rejects.toThrow(
      /RDS refused the snapshot .* of postgres DB instance "demo-db"/,
    );
  });
});

describe('snapshotName', () => {
  it('keeps to the RDS identifier rules whatever the environment and release', () => {
    const at = Date.UTC(2026, 0, 2, 3, 4, 5);
    expect(snapshotName('production', 'c0ffee0000000000', at)).toBe(
      'ecs-release-production-c0ffee000000-20260102030405',
    );
    expect(snapshotName('Staging_EU--1', 'v1.2.3', at)).toBe(
      'ecs-release-staging-eu-1-v1-2-3-20260102030405',
    );
    for (const [envName, release] of [
      ['--', '..'],
      ['a'.repeat(300), 'b'.repeat(300)],
      ['prod', 'release-'],
      ['ünïcode', '-x-'],
    ] as const) {
      const id = snapshotName(envName, release, at);
      expect(isValidSnapshotName(id), id).toBe(true);
    }
  });
});
