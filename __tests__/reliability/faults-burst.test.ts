/**
 * docs/targets.md: transient faults that outlast the SDK's retries (ten failures in a row,
 * against three attempts per call) at the calls a release's outcome hangs on,
 * starting when the rollout starts or when its second wave starts. The release may
 * fail, but it must end all on the new release or all on the previous one.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { FaultKind } from '../../lab/sim/faults';
import { STAGES } from '../../src/engine/stage';
import { renderSummary } from '../../src/report/summary';
import { MemoryLogger } from '../../src/runtime/log';
import { ATTEMPTS, buildOnce, demoWorld, deploy, MIN, releaseConfig, running } from './harness';
import { invariantProblems } from './invariant';

const config = releaseConfig('rc');
const KINDS: FaultKind[] = ['throttle', 'server-error', 'reset'];
const KEY_CALLS: [service: string, operation: string][] = [
  ['ecs', 'UpdateService'],
  ['ecs', 'DescribeServices'],
  ['cloudwatch', 'DescribeAlarms'],
];
const FAULT_TEXT = /Throttling|Rate exceeded|InternalFailure|unknown error|ECONNRESET|socket hang up/;

/** Runs `arm` when a log line matching `when` is written, or when the named stage starts. */
class Trigger extends MemoryLogger {
  private armed = false;
  constructor(
    private readonly when: { stage?: string; line?: RegExp },
    private readonly arm: () => void,
  ) {
    super();
  }
  private fire() {
    if (this.armed) return;
    this.armed = true;
    this.arm();
  }
  override info(message: string): void {
    super.info(message);
    if (this.when.line?.test(message)) this.fire();
  }
  override async group<T>(name: string, fn: () => Promise<T>): Promise<T> {
    if (name === this.when.stage) this.fire();
    return super.group(name, fn);
  }
}

async function burstRun(service: string, operation: string, kind: FaultKind, when: Trigger['when']) {
  const demo = demoWorld();
  const { world, initial } = demo;
  const log = new Trigger(when, () => world.lab.faults.add({ service, operation, kind, times: 10 }));
  const run = await deploy(world, config(), log);
  const hits = world.lab.recorder.calls().filter((c) => c.operation === operation && c.error?.fault === kind);
  const problems = invariantProblems(
    run.report,
    await running(world),
    { 'demo-api': initial.api, 'demo-web': initial.web },
    { 'demo-api': initial.api.replace(/:1$/, ':2'), 'demo-web': initial.web.replace(/:1$/, ':2') },
  );
  return { run, log, hits: hits.length, problems, world };
}

describe('transient faults longer than the SDK retries', () => {
  beforeAll(() => buildOnce(config()), 240_000);

  const cases = KEY_CALLS.flatMap(([service, operation]) =>
    KINDS.map((kind) => ({ service, operation, kind })),
  );

  it.each(cases)(
    '$service $operation: $kind ×10 from the rollout on',
    async ({ service, operation, kind }) => {
      const { run, hits, problems } = await burstRun(service, operation, kind, { stage: STAGES.rollout });
      // At least one call failed for good (every SDK attempt answered by the fault).
      expect(hits).toBeGreaterThanOrEqual(ATTEMPTS);
      expect(problems).toEqual([]);
      expect(run.tookMs).toBeLessThan(45 * MIN);
      if (run.report.result !== 'deployed') {
        // The error names what failed; the summary carries it.
        expect(run.report.error).toMatch(FAULT_TEXT);
        expect(renderSummary(run.report)).toContain(run.report.error?.split('\n')[0] ?? '');
      }
    },
  );

  it.each(KINDS)(
    'ecs UpdateService: %s ×10 from the second wave on (the first wave has moved)',
    async (kind) => {
      const { run, hits, problems, world, log } = await burstRun('ecs', 'UpdateService', kind, {
        line: /^wave 2: updating/,
      });
      expect(hits).toBeGreaterThanOrEqual(ATTEMPTS);
      expect(problems).toEqual([]);
      // The web never moved; the api went forward and had to come back despite the faults.
      expect(run.report.result).toBe('rolled-back');
      expect(run.report.error).toMatch(/demo-web/);
      expect(run.report.error).toMatch(FAULT_TEXT);
      const ok = world.lab.recorder
        .calls('ecs', 'UpdateService')
        .filter((c) => !c.error)
        .map((c) => `${c.input.service}→${String(c.input.taskDefinition).split('/').pop()}`);
      expect(ok.filter((u) => u.startsWith('demo-api'))).toEqual([
        'demo-api→demo-api:2',
        'demo-api→demo-api:1',
      ]);
      // The web's refused update may have reached ECS (a lost answer): it is sent back too, never forward.
      expect(ok).not.toContain('demo-web→demo-web:2');
      expect(log.text()).toMatch(/demo-api: UpdateService back to demo-api:1 failed .*; trying again in/);
    },
  );
});
