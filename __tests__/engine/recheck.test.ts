/**
 * The re-checks before each mutation (docs/architecture.md, "One release at a time"): between preflight and a wave's
 * UpdateService minutes pass (builds, the migration, earlier waves). When another
 * actor moves a service the transaction was about to move, the engine stops before
 * touching it, puts back what it moved, and says who changed what.
 */
import { UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { CLUSTER, MIN, seedReleases, tdArn } from '../record/seed';
import { releaseR5, running, triggerOn } from '../support/r5-release';
import { createWorld } from '../support/world';

describe('the engine re-checks the services before each wave (lab, virtual clock)', () => {
  it('someone else moves the wave-2 service while wave 1 rolls: wave 2 never moves, wave 1 goes back', async () => {
    const world = createWorld({ real: false });
    await seedReleases(world);
    // While wave 1 starts, another actor deploys demo-web:2 (an older revision) by hand.
    const log = triggerOn('wave 1: updating', () =>
      world.aws.ecs.send(
        new UpdateServiceCommand({ cluster: CLUSTER, service: 'demo-web', taskDefinition: 'demo-web:2' }),
      ),
    );
    const { report } = await releaseR5(world, log, { webWave: 2 });

    // The other actor's demo-web call (it lands as wave 1 starts), then ours: demo-api forward and back, never demo-web.
    const ours = world.lab.recorder
      .calls('ecs', 'UpdateService')
      .map((c) => `${c.input.service}→${String(c.input.taskDefinition).split('/').pop()}`);
    expect(ours).toEqual(['demo-web→demo-web:2', 'demo-api→demo-api:6', 'demo-api→demo-api:5']);
    expect(report.result).toBe('rolled-back');
    expect(report.services.map((s) => `${s.service}:${s.state}`)).toEqual([
      'demo-api:rolled-back',
      'demo-web:unchanged',
    ]);
    expect(report.services[1]?.detail).toMatch(
      /^not moved: ServicesChangedError: demo-web now runs demo-web:2, not demo-web:3: someone else changed it since preflight, so this run stopped before the next wave\.$/,
    );
    expect(report.error).toContain('someone else changed it since preflight');
    world.clock.advance(5 * MIN);
    // demo-web is left on what the other actor deployed: never fought.
    expect(await running(world)).toEqual({
      'demo-api': tdArn('demo-api', 5),
      'demo-web': tdArn('demo-web', 2),
    });
  });
});
