/**
 * SPEC 3.8, the re-checks before each mutation: between preflight and a wave's
 * UpdateService minutes pass (builds, the migration, earlier waves). When another
 * actor moves a service the transaction was about to move, the engine stops before
 * touching it, puts back what it moved, and says who changed what.
 */
import { DescribeServicesCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { type Move, runTransaction } from '../../src/engine';
import { planServices } from '../../src/engine/services-report';
import { newReport } from '../../src/model/report';
import { claimEnvironment } from '../../src/record';
import { MemoryLogger } from '../../src/runtime/log';
import { CLUSTER, MIN, registerRelease, seedReleases, tdArn } from '../record/seed';
import { testConfig } from '../support/config';
import { createWorld } from '../support/world';

const R5 = 'f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6';

async function running(world: ReturnType<typeof createWorld>) {
  const out = await world.aws.ecs.send(
    new DescribeServicesCommand({ cluster: CLUSTER, services: ['demo-api', 'demo-web'] }),
  );
  return Object.fromEntries((out.services ?? []).map((s) => [s.serviceName ?? '', s.taskDefinition ?? '']));
}

describe('the engine re-checks the services before each wave (lab, virtual clock)', () => {
  it('someone else moves the wave-2 service while wave 1 rolls: wave 2 never moves, wave 1 goes back', async () => {
    const world = createWorld({ real: false });
    await seedReleases(world);
    const arns = await registerRelease(world, 'r5', R5, ['demo-api', 'demo-web']);
    const config = testConfig({
      cluster: CLUSTER,
      release: 'r5',
      gate: { alarms: [], bakeTimeMs: MIN, autoRollback: true, waitTimeoutMs: 15 * MIN },
    });
    // While wave 1 starts, another actor deploys demo-web:2 (an older revision) by hand.
    const log = new (class extends MemoryLogger {
      override info(message: string): void {
        super.info(message);
        if (message.startsWith('wave 1: updating')) {
          void world.aws.ecs.send(
            new UpdateServiceCommand({ cluster: CLUSTER, service: 'demo-web', taskDefinition: 'demo-web:2' }),
          );
        }
      }
    })();
    const ctx = { ...world.context(config), log };
    const report = newReport(config);
    const moves: Move[] = [
      {
        service: 'demo-api',
        taskDefinitionArn: arns['demo-api'] ?? '',
        wave: 1,
        previousArn: tdArn('demo-api', 5),
        strategy: 'ROLLING',
      },
      {
        service: 'demo-web',
        taskDefinitionArn: arns['demo-web'] ?? '',
        wave: 2,
        previousArn: tdArn('demo-web', 3),
        strategy: 'ROLLING',
      },
    ];
    planServices(
      report,
      moves.map((m) => ({ service: m.service, previous: m.previousArn, target: m.taskDefinitionArn })),
    );
    const claim = await claimEnvironment(ctx, 'run-1', 60 * MIN);
    await runTransaction(ctx, report, {
      kind: 'deploy',
      moves,
      alarms: [],
      claim,
      release: 'r5',
      running: 'r4',
      registered: moves.map((m) => m.taskDefinitionArn),
      checkpoint: () => undefined,
    });

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
