/**
 * One release at a time per environment: two deploys of different commits that
 * start within the same second on one environment. One deploys; the other exits
 * failed having changed nothing (no task definition, no migration task, no
 * UpdateService), whichever arrives first, and when both arrive at once.
 */
import { DescribeClustersCommand, ListTaskDefinitionsCommand, TagResourceCommand } from '@aws-sdk/client-ecs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO, seedDemo } from '../../lab/scenarios/demo';
import type { ReleaseConfig } from '../../src/config/types';
import { newReport, type Report } from '../../src/model/report';
import { deployRelease } from '../../src/pipeline/deploy';
import { CLAIM_PREFIX } from '../../src/record';
import { MemoryLogger } from '../../src/runtime/log';
import { releaseConfig } from '../support/config';
import { createWorld, labIsUp, type World } from '../support/world';

const config = releaseConfig('c');
const commitOf = (c: string) => c.repeat(40).slice(0, 40);
const RELEASE_A = commitOf('a1');
const RELEASE_B = commitOf('b2');

/** Runs deploy as main.ts does: a thrown error is the run's error, result failed. */
async function deploy(world: World, cfg: ReleaseConfig, log?: MemoryLogger): Promise<Report> {
  const report = newReport(cfg);
  try {
    await deployRelease({ ...world.context(cfg), ...(log ? { log } : {}) }, report, () => undefined);
  } catch (error) {
    report.error = error instanceof Error ? error.message : String(error);
    report.result ??= 'failed';
  }
  return report;
}

const configFor = (release: string) => config({ release, commit: release });

async function clusterTags(world: World) {
  const out = await world.aws.ecs.send(
    new DescribeClustersCommand({ clusters: [DEMO.cluster], include: ['TAGS'] }),
  );
  return out.clusters?.[0]?.tags ?? [];
}

/**
 * Two deploys on one environment. `after-claim`: the second starts once the first has
 * claimed the environment (its `claimed environment` log line; or once it ended, should it
 * never claim), an event rather than a delay: on the virtual clock a delay means nothing
 * while the first run waits on real I/O (the registry, the engine). `same-instant`: both at once.
 */
async function race(first: string, second: string, when: 'after-claim' | 'same-instant') {
  const world = createWorld();
  const initial = seedDemo(world.lab, { labEnv: world.labEnv });
  let claimed = (): void => undefined;
  const firstClaimed = new Promise<void>((resolve) => {
    claimed = resolve;
  });
  class OnClaim extends MemoryLogger {
    override info(message: string): void {
      super.info(message);
      if (message.startsWith('claimed environment ')) claimed();
    }
  }
  const a = deploy(world, configFor(first), new OnClaim());
  const start =
    when === 'same-instant' ? Promise.resolve() : Promise.race([firstClaimed, a.then(() => undefined)]);
  const b = start.then(() => deploy(world, configFor(second)));
  return { world, initial, reports: { [first]: await a, [second]: await b } };
}

describe.skipIf(!labIsUp())('one release at a time per environment', () => {
  beforeAll(async () => {
    // Builds both images once; the races below reuse them (content tags).
    const world = createWorld();
    seedDemo(world.lab, { labEnv: world.labEnv });
    const warm = await deploy(world, config());
    expect(warm.result, warm.error).toBe('deployed');
  }, 240_000);

  const cases: [string, string, string, 'after-claim' | 'same-instant'][] = [
    ['A arrives first, B while A runs', RELEASE_A, RELEASE_B, 'after-claim'],
    ['B arrives first, A while B runs', RELEASE_B, RELEASE_A, 'after-claim'],
    ['A and B at the same instant', RELEASE_A, RELEASE_B, 'same-instant'],
    ['B and A at the same instant', RELEASE_B, RELEASE_A, 'same-instant'],
  ];
  for (const [name, first, second, when] of cases) {
    it(`${name}: one deploys, the other fails having changed nothing`, async () => {
      const { world, reports } = await race(first, second, when);
      const results = Object.entries(reports).map(([release, r]) => ({ release, result: r.result }));
      const winner = results.find((r) => r.result === 'deployed');
      const loser = results.find((r) => r.result !== 'deployed');
      expect(results.map((r) => r.result).sort(), JSON.stringify(reports)).toEqual(['deployed', 'failed']);
      if (!winner || !loser) return;
      // A run that arrives later than another's claim is refused: the first one wins.
      if (when === 'after-claim') expect(winner.release).toBe(first);
      expect(reports[loser.release]?.error).toMatch(/another run|was claimed by/);

      // The loser registered nothing, ran no migration task and moved no service.
      const families = await world.aws.ecs.send(new ListTaskDefinitionsCommand({}));
      const registered = world.lab.recorder.calls('ecs', 'RegisterTaskDefinition').filter((c) => !c.error);
      expect(registered).toHaveLength(2);
      expect(families.taskDefinitionArns?.filter((a) => /:(3|4)$/.test(a)) ?? []).toEqual([]);
      expect(world.lab.recorder.calls('ecs', 'RunTask').filter((c) => !c.error)).toHaveLength(1);
      const updates = world.lab.recorder.calls('ecs', 'UpdateService').filter((c) => !c.error);
      expect(updates.map((c) => String(c.input.taskDefinition).split('/').pop())).toEqual([
        'demo-api:2',
        'demo-web:2',
      ]);
      expect(reports[loser.release]?.services).toEqual([]);
      // The winner removed its claim at the end; the loser never removed it.
      expect((await clusterTags(world)).filter((t) => t.key?.startsWith(CLAIM_PREFIX))).toEqual([]);
      expect(world.lab.recorder.calls('ecs', 'UntagResource').filter((c) => !c.error)).toHaveLength(1);
    });
  }

  it('a claim taken over after the first wave: the second wave never moves, the first goes back, the other claim stays', async () => {
    const world = createWorld();
    const initial = seedDemo(world.lab, { labEnv: world.labEnv });
    const other = `other-run ${new Date(world.clock.now() + 60 * 60_000).toISOString()}`;
    const described = await world.aws.ecs.send(new DescribeClustersCommand({ clusters: [DEMO.cluster] }));
    const clusterArn = described.clusters?.[0]?.clusterArn ?? '';
    /** Another run's claim lands as soon as our first wave's UpdateService returns. */
    class TakeOver extends MemoryLogger {
      override info(message: string): void {
        super.info(message);
        if (message.startsWith(`${DEMO.api.service}: UpdateService started`))
          void world.aws.ecs.send(
            new TagResourceCommand({
              resourceArn: clusterArn,
              tags: [{ key: `${CLAIM_PREFIX}production`, value: other }],
            }),
          );
      }
    }
    const report = await deploy(world, configFor(RELEASE_A), new TakeOver());
    expect(report.result).not.toBe('deployed');
    const web = report.services.find((s) => s.service === DEMO.web.service);
    expect(web?.state).toBe('unchanged');
    expect(web?.current).toBe(initial.web);
    const updates = world.lab.recorder.calls('ecs', 'UpdateService').filter((c) => !c.error);
    expect(updates.map((c) => String(c.input.taskDefinition).split('/').pop())).toEqual([
      'demo-api:2',
      'demo-api:1',
    ]);
    expect(JSON.stringify(report)).toMatch(/claimed by run other-run/);
    // Not ours any more: left for the run that holds it.
    expect((await clusterTags(world)).find((t) => t.key === `${CLAIM_PREFIX}production`)?.value).toBe(other);
  });
});
