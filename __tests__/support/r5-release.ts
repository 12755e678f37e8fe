/**
 * A release r5 on the seeded lab (`__tests__/record/seed.ts`), run to its end by the engine:
 * what the tests of the engine's re-checks and of the claim race set up alike.
 */
import { DescribeServicesCommand } from '@aws-sdk/client-ecs';
import { type Move, runTransaction } from '../../src/engine';
import { planServices } from '../../src/engine/services-report';
import { newReport, type Report } from '../../src/model/report';
import { claimEnvironment } from '../../src/record';
import type { StageContext } from '../../src/runtime/context';
import { MemoryLogger } from '../../src/runtime/log';
import { CLUSTER, MIN, registerRelease, tdArn } from '../record/seed';
import { testConfig } from './config';
import type { World } from './world';

const R5 = 'f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6';

/** r5 with a one-minute bake and no alarms. */
export const r5Config = testConfig({
  cluster: CLUSTER,
  release: 'r5',
  gate: { alarms: [], bakeTimeMs: MIN, autoRollback: true, waitTimeoutMs: 15 * MIN },
});

/** What each seeded service runs now: service name → task definition ARN. */
export async function running(world: World): Promise<Record<string, string>> {
  const out = await world.aws.ecs.send(
    new DescribeServicesCommand({ cluster: CLUSTER, services: ['demo-api', 'demo-web'] }),
  );
  return Object.fromEntries((out.services ?? []).map((s) => [s.serviceName ?? '', s.taskDefinition ?? '']));
}

/** A logger that runs `act` once, when a line starting with `prefix` is logged. */
export function triggerOn(prefix: string, act: () => unknown): MemoryLogger {
  let done = false;
  return new (class extends MemoryLogger {
    override info(message: string): void {
      super.info(message);
      if (!done && message.startsWith(prefix)) {
        done = true;
        act();
      }
    }
  })();
}

export interface Release {
  world: World;
  ctx: StageContext;
  report: Report;
  arns: Record<string, string>;
}

/**
 * r5 on demo-api (wave 1, from demo-api:5) and demo-web (`webWave`, from demo-web:3), claimed by
 * run-1, then run to its end by the engine. The recorder is cleared after r5's revisions are registered.
 */
export async function releaseR5(
  world: World,
  log: MemoryLogger,
  { webWave }: { webWave: number },
): Promise<Release> {
  const arns = await registerRelease(world, 'r5', R5, ['demo-api', 'demo-web']);
  world.lab.recorder.clear();
  const ctx = { ...world.context(r5Config), log };
  const report = newReport(r5Config);
  const move = (service: 'demo-api' | 'demo-web', wave: number, previousArn: string): Move => ({
    service,
    taskDefinitionArn: arns[service] ?? '',
    wave,
    previousArn,
    strategy: 'ROLLING',
  });
  const moves = [move('demo-api', 1, tdArn('demo-api', 5)), move('demo-web', webWave, tdArn('demo-web', 3))];
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
  return { world, ctx, report, arns };
}
