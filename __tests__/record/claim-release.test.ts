/**
 * The claim is removed on every way out: on cancellation the run's signal has already
 * fired, and the removal must neither use it nor give up on a throttled call.
 */
import { DescribeClustersCommand, TagResourceCommand } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { claimEnvironment, releaseClaim } from '../../src/record/claim';
import { testConfig } from '../support/config';
import { createWorld, type World } from '../support/world';

async function claimTags(world: World) {
  const out = await world.aws.ecs.send(
    new DescribeClustersCommand({ clusters: ['demo'], include: ['TAGS'] }),
  );
  return (out.clusters?.[0]?.tags ?? []).filter((t) => t.key?.startsWith('ecs-release:claim:'));
}

async function claimed() {
  const world = createWorld({ real: false, maxAttempts: 1 });
  world.lab.ecs.createCluster('demo');
  const ctx = world.context(testConfig({ cluster: 'demo', environment: 'production' }));
  const claim = await claimEnvironment(ctx, '77-1', 60 * 60 * 1000);
  expect(await claimTags(world)).toEqual([{ key: 'ecs-release:claim:production', value: claim.value }]);
  return { world, ctx, claim };
}

describe('releaseClaim', () => {
  it('removes the claim after the run was cancelled (its signal already aborted)', async () => {
    const { world, ctx, claim } = await claimed();
    world.controller.abort(new Error('cancelled (SIGINT)'));
    await releaseClaim(ctx, claim);
    expect(await claimTags(world)).toEqual([]);
    expect(world.log.lines.filter((l) => l.level === 'warning')).toEqual([]);
  });

  it('removes a claim written just before the run was cancelled in the read-back pause', async () => {
    const world = createWorld({ real: false, maxAttempts: 1 });
    world.lab.ecs.createCluster('demo');
    const ctx = world.context(testConfig({ cluster: 'demo', environment: 'production' }));
    const claiming = claimEnvironment(ctx, '79-1', 60 * 60 * 1000);
    // The write lands, then the pause begins: cancel there.
    while ((await claimTags(world)).length === 0) await new Promise((resolve) => setImmediate(resolve));
    world.controller.abort(new Error('cancelled (SIGINT)'));
    await expect(claiming).rejects.toThrow();
    expect(await claimTags(world)).toEqual([]);
  });

  it('retries the read and the untag while AWS throttles them, like the way back', async () => {
    const { world, ctx, claim } = await claimed();
    world.lab.faults.add({ service: 'ecs', operation: 'DescribeClusters', kind: 'throttle', times: 2 });
    world.lab.faults.add({ service: 'ecs', operation: 'UntagResource', kind: 'server-error', times: 2 });
    await releaseClaim(ctx, claim);
    expect(await claimTags(world)).toEqual([]);
    expect(world.log.lines.map((l) => l.message).filter((m) => m.includes('trying again'))).toHaveLength(4);
  });

  it('leaves a claim another run wrote since', async () => {
    const { world, ctx, claim } = await claimed();
    const other = await claimEnvironment(
      world.context(testConfig({ cluster: 'demo', environment: 'production' })),
      '78-1',
      60 * 60 * 1000,
    ).catch((error: unknown) => error);
    // The other run is refused while this claim stands: it changed nothing.
    expect(String(other)).toContain('claimed by another run, 77-1');
    await world.aws.ecs.send(
      new TagResourceCommand({
        resourceArn: claim.clusterArn,
        tags: [{ key: claim.key, value: '78-1 2099-01-01T00:00:00.000Z' }],
      }),
    );
    await releaseClaim(ctx, claim);
    expect(await claimTags(world)).toEqual([{ key: claim.key, value: '78-1 2099-01-01T00:00:00.000Z' }]);
  });
});
