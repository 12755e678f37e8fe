/**
 * The rolling strategy's way back, after the engine's rollOut: a failed release goes
 * back, all services at once, and its revisions record the outcome.
 */
import { ListTagsForResourceCommand } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { rollOut } from '../../../src/engine';
import { decideRollback, type RollbackStep } from '../../../src/engine/back/decide';
import { rollingStrategy } from '../../../src/engine/rolling';
import type { RolloutResult } from '../../../src/model/contracts';
import { resolveTarget } from '../../../src/pipeline/rollback/target';
import { tagOutcome } from '../../../src/record';
import { findReleases } from '../../../src/record/find-releases';
import { TAGS } from '../../../src/record/release-record';
import type { StageContext } from '../../../src/runtime/context';
import { CLUSTER, live, MIN, registerRelease, seedReleases, tdArn } from '../../record/seed';
import { testConfig } from '../../support/config';
import { running } from '../../support/r5-release';
import { createWorld } from '../../support/world';

const R5 = 'f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6';

/** The way back as the engine runs it for rolling services: issue every call, then watch them all. */
async function rollBack(
  ctx: StageContext,
  targets: RollbackStep[],
  rollout: RolloutResult,
): Promise<RolloutResult> {
  const issued = await rollingStrategy.revert(
    ctx,
    targets.flatMap((t) => {
      const moved = rollout.services.find((s) => s.service === t.service);
      return moved ? [{ ...t, moved }] : [];
    }),
  );
  const services = [...issued.refused, ...(await issued.watch())];
  return { ok: services.every((s) => s.state === 'completed'), services };
}

async function failingRelease(breakerRollback: boolean) {
  const world = createWorld({ real: false });
  await seedReleases(world, { breakerRollback });
  const arns = await registerRelease(world, 'r5', R5, ['demo-api', 'demo-web']);
  world.lab.ecs.behave(
    { family: 'demo-web', revision: 5 },
    { outcome: 'fail-to-start', reason: 'CannotPullContainerError: pull access denied' },
  );
  world.lab.recorder.clear();
  const ctx = world.context(
    testConfig({
      cluster: CLUSTER,
      gate: { alarms: [], bakeTimeMs: MIN, autoRollback: true, waitTimeoutMs: 15 * MIN },
    }),
  );
  const rollout = await rollOut(ctx, [
    { service: 'demo-api', taskDefinitionArn: arns['demo-api'] ?? '', wave: 1 },
    { service: 'demo-web', taskDefinitionArn: arns['demo-web'] ?? '', wave: 2 },
  ]);
  const previous = [
    { service: 'demo-api', previousArn: tdArn('demo-api', 5) },
    { service: 'demo-web', previousArn: tdArn('demo-web', 3) },
  ];
  return { world, ctx, rollout, previous, arns };
}

describe('automatic rollback (lab, virtual clock)', () => {
  it('the frontend fails while the backend succeeded: both end on the previous release', async () => {
    const { world, ctx, rollout, previous } = await failingRelease(false);
    expect(rollout.services.map((s) => `${s.service}:${s.state}`)).toEqual([
      'demo-api:completed',
      'demo-web:failed',
    ]);

    const decision = decideRollback({ previous, rollout, autoRollback: true });
    expect(decision.targets).toEqual([
      { service: 'demo-api', taskDefinitionArn: tdArn('demo-api', 5) },
      { service: 'demo-web', taskDefinitionArn: tdArn('demo-web', 3) },
    ]);
    const back = await rollBack(ctx, decision.targets, rollout);

    expect(back.ok).toBe(true);
    expect(back.services.map((s) => `${s.service}:${s.state}`)).toEqual([
      'demo-api:completed',
      'demo-web:completed',
    ]);
    expect(await running(world)).toEqual({
      'demo-api': tdArn('demo-api', 5),
      'demo-web': tdArn('demo-web', 3),
    });
    // Both UpdateService calls of the way back went out together.
    const calls = world.lab.recorder.calls('ecs', 'UpdateService').slice(2);
    expect(calls.map((c) => c.input.service)).toEqual(['demo-api', 'demo-web']);
    expect(calls[0]?.at).toBe(calls[1]?.at);
    expect(calls.map((c) => Object.keys(c.input).sort())).toEqual([
      ['cluster', 'service', 'taskDefinition'],
      ['cluster', 'service', 'taskDefinition'],
    ]);
  });

  it('a service ECS already rolled back is not rolled back twice', async () => {
    const { world, ctx, rollout, previous } = await failingRelease(true);
    expect(rollout.services.map((s) => `${s.service}:${s.state}`)).toEqual([
      'demo-api:completed',
      'demo-web:rolled-back-by-ecs',
    ]);
    const decision = decideRollback({ previous, rollout, autoRollback: true });
    const back = await rollBack(ctx, decision.targets, rollout);

    expect(back.services.map((s) => `${s.service}:${s.state}`)).toEqual(['demo-api:completed']);
    const webUpdates = world.lab.recorder
      .calls('ecs', 'UpdateService')
      .filter((c) => c.input.service === 'demo-web');
    expect(webUpdates).toHaveLength(1);
    // ECS's own rollback finishes on its last COMPLETED deployment: demo-web:3.
    world.clock.advance(2 * MIN);
    expect(await running(world)).toEqual({
      'demo-api': tdArn('demo-api', 5),
      'demo-web': tdArn('demo-web', 3),
    });
  });

  it('records the outcome on the release’s revisions; previous then skips it', async () => {
    const { world, ctx, arns } = await failingRelease(false);
    const tagged = await tagOutcome(ctx, Object.values(arns), 'rolled-back');
    expect(tagged).toEqual({ tagged: [tdArn('demo-api', 6), tdArn('demo-web', 5)], failed: [] });
    const tags = await world.aws.ecs.send(
      new ListTagsForResourceCommand({ resourceArn: tdArn('demo-web', 5) }),
    );
    expect(tags.tags).toEqual(
      expect.arrayContaining([
        { key: TAGS.release, value: 'r5' },
        { key: TAGS.outcome, value: 'rolled-back' },
      ]),
    );
    const history = await findReleases(ctx, [live('demo-api', 5), live('demo-web', 3)]);
    expect(history.releases[0]).toMatchObject({ id: 'r5', outcome: 'rolled-back' });
    const target = resolveTarget(history, 'previous', [
      { service: 'demo-api', taskDefinitionArn: tdArn('demo-api', 5) },
      { service: 'demo-web', taskDefinitionArn: tdArn('demo-web', 3) },
    ]);
    expect(target.running?.id).toBe('r4');
    expect(target.release.id).toBe('r2');
  });

  it('a tag that cannot be written is a warning with the command to write it, not an error', async () => {
    const { world, ctx } = await failingRelease(false);
    world.lab.faults.add({ service: 'ecs', operation: 'TagResource', kind: 'server-error' });
    const tagged = await tagOutcome(ctx, [tdArn('demo-api', 6)], 'succeeded');
    expect(tagged.tagged).toEqual([]);
    expect(tagged.failed).toHaveLength(1);
    expect(world.log.lines.filter((l) => l.level === 'warning').map((l) => l.message)).toEqual([
      expect.stringContaining(
        `aws ecs tag-resource --region eu-west-1 --resource-arn ${tdArn('demo-api', 6)} --tags key=ecs-release:outcome,value=succeeded`,
      ),
    ]);
  });
});
