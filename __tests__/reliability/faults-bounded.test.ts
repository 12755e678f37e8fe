/**
 * docs/targets.md: throttling, 5xx and connection resets at any AWS call the deploy makes.
 * A deterministic table: every (service, operation) the pipeline calls × every
 * transient fault kind, failing the first two calls (fewer than the SDK's three
 * attempts), on the demo world with real builds and registry and a virtual clock.
 * Each run must end deployed on every new revision, or rolled-back/failed with
 * every service on its previous one — never a mix.
 */
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../lab/scenarios/demo';
import type { FaultKind } from '../../lab/sim/faults';
import { renderSummary } from '../../src/report/summary';
import { buildOnce, changedImage, demoWorld, deploy, releaseConfig, running } from './harness';
import { invariantProblems } from './invariant';

const config = releaseConfig('rb');
const KINDS: FaultKind[] = ['throttle', 'server-error', 'reset'];

/** Operations every deploy of the demo makes (images already in ECR). */
const DEPLOY_CALLS: [service: string, operation: string][] = [
  ['sts', 'GetCallerIdentity'],
  ['ecs', 'DescribeServices'],
  ['ecs', 'DescribeTaskDefinition'],
  ['ecs', 'RegisterTaskDefinition'],
  ['ecs', 'TagResource'],
  ['ecs', 'UpdateService'],
  ['ecs', 'RunTask'],
  ['ecs', 'DescribeTasks'],
  ['logs', 'GetLogEvents'],
  ['ecr', 'BatchGetImage'],
  ['ecr', 'PutImage'],
  ['cloudwatch', 'DescribeAlarms'],
  ['elbv2', 'DescribeTargetHealth'],
];
/**
 * Only a deploy whose new tasks fail calls this: the watch lists the deployment's stopped
 * tasks to say why (a completion finds its new tasks from ECS's "has started" events).
 */
const FAILURE_CALLS: [service: string, operation: string][] = [['ecs', 'ListTasks']];
/** Only a build calls these: the run rebuilds the backend (a changed Dockerfile) over a deployed image. */
const BUILD_CALLS: [service: string, operation: string][] = [
  ['ecr', 'GetAuthorizationToken'],
  ['ecr', 'DescribeImages'],
];

/**
 * The claim write is one attempt by design (docs/rollout.md "The window that remains";
 * its faults: __tests__/pipeline/claim-race.test.ts): here TagResource faults hit the outcome tags.
 */
const NARROW: Record<string, { tagValuePrefix: string }> = { TagResource: { tagValuePrefix: 'succeeded' } };

const cases = (calls: [string, string][]) =>
  calls.flatMap(([service, operation]) => KINDS.map((kind) => ({ service, operation, kind })));

/** The lab records the signing name (`monitoring`, `elasticloadbalancing`), the table says the alias. */
const faulted = (world: ReturnType<typeof demoWorld>['world'], operation: string, kind: FaultKind) =>
  world.lab.recorder.calls().filter((c) => c.operation === operation && c.error?.fault === kind).length;

describe('bounded transient faults at every call of a deploy (SDK retries absorb them)', () => {
  beforeAll(() => buildOnce(config()), 240_000);

  it.each(cases(DEPLOY_CALLS))('$service $operation: $kind ×2', async ({ service, operation, kind }) => {
    const { world, initial } = demoWorld();
    world.lab.faults.add({ service, operation, kind, times: 2, ...NARROW[operation] });
    const run = await deploy(world, config());
    expect(faulted(world, operation, kind), 'the fault was never hit').toBe(2);
    const now = await running(world);
    const problems = invariantProblems(
      run.report,
      now,
      { 'demo-api': initial.api, 'demo-web': initial.web },
      { 'demo-api': initial.api.replace(/:1$/, ':2'), 'demo-web': initial.web.replace(/:1$/, ':2') },
    );
    expect(problems).toEqual([]);
    // Two failures are fewer than the SDK's attempts: nothing should have failed at all.
    expect(run.report.result, run.error).toBe('deployed');
    expect(renderSummary(run.report)).toContain(':white_check_mark: deployed');
  });

  it.each(cases(FAILURE_CALLS))(
    '$service $operation (a new task fails to start): $kind ×2',
    async ({ service, operation, kind }) => {
      const { world, initial } = demoWorld();
      world.lab.ecs.behave(
        { family: DEMO.web.family, revision: 2 },
        { outcome: 'fail-to-start', reason: 'CannotPullContainerError: pull access denied' },
      );
      world.lab.faults.add({ service, operation, kind, times: 2 });
      const run = await deploy(world, config());
      expect(faulted(world, operation, kind), 'the fault was never hit').toBe(2);
      const problems = invariantProblems(
        run.report,
        await running(world),
        { 'demo-api': initial.api, 'demo-web': initial.web },
        { 'demo-api': initial.api.replace(/:1$/, ':2'), 'demo-web': initial.web.replace(/:1$/, ':2') },
      );
      expect(problems).toEqual([]);
      expect(run.report.result, run.error).toBe('rolled-back');
      // What the listed stopped tasks said reached the user despite the faults.
      expect(renderSummary(run.report)).toContain('CannotPullContainerError: pull access denied');
    },
  );

  it.each(cases(BUILD_CALLS))(
    '$service $operation (a build): $kind ×2',
    async ({ service, operation, kind }) => {
      const { world } = demoWorld();
      const first = await deploy(world, config());
      expect(first.report.result, first.error).toBe('deployed');
      const before = await running(world);
      // A Dockerfile no other run uses: the backend image really changes, so it is built
      // (GetAuthorizationToken) with the deployed image as layer cache (DescribeImages).
      const commit = randomBytes(20).toString('hex');
      const base = config();
      const cfg = config({
        release: commit,
        commit,
        images: base.images.map((i) =>
          i.key === 'backend' ? changedImage(i, randomBytes(6).toString('hex')) : i,
        ),
      });
      world.lab.recorder.clear();
      world.lab.faults.add({ service, operation, kind, times: 2 });
      const run = await deploy(world, cfg);
      expect(faulted(world, operation, kind), 'the fault was never hit').toBe(2);
      const api = before['demo-api']?.taskDefinition ?? '';
      const web = before['demo-web']?.taskDefinition ?? '';
      const problems = invariantProblems(
        run.report,
        await running(world),
        { 'demo-api': api, 'demo-web': web },
        // Only the backend changed: the web is left alone on the revision it runs.
        { 'demo-api': api.replace(/:2$/, ':3'), 'demo-web': web },
      );
      expect(problems).toEqual([]);
      expect(run.report.result, run.error).toBe('deployed');
      expect(run.report.images.backend?.built).toBe(true);
    },
  );
});
