/**
 * The deploy pipeline end to end in-process: the demo world on a virtual clock,
 * real image builds and registry (lab/up), scripted migration tasks. Asserts what
 * a user sees: services' final task definitions, result, error, summary, calls.
 */
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-ecs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO, seedDemo } from '../../lab/scenarios/demo';
import { run } from '../../src/commands/run';
import type { ReleaseConfig } from '../../src/config/types';
import { STAGES } from '../../src/engine/stage';
import { newReport, type Report } from '../../src/model/report';
import { runCommand } from '../../src/pipeline/commands';
import { deployRelease } from '../../src/pipeline/deploy';
import { planRelease } from '../../src/pipeline/plan';
import { assess, progressOf } from '../../src/post/progress';
import { TAGS } from '../../src/record/release-record';
import { renderSummary } from '../../src/report/summary';
import { MemoryLogger } from '../../src/runtime/log';
import { fakeGithub } from '../record/github-api';
import { buildOnce } from '../reliability/harness';
import { MIN, releaseConfig } from '../support/config';
import { fakeRuntime } from '../support/runtime';
import { createWorld, type World } from '../support/world';

const config = releaseConfig('p');
const COMMIT = config().commit;

interface Run {
  world: World;
  report: Report;
  phases: string[];
  error?: string;
}

/** Runs deploy through main's run() with a fake Runtime; the phases are the ones it saves for the post step. */
async function deploy(world: World, cfg: ReleaseConfig, log?: MemoryLogger): Promise<Run> {
  const phases: string[] = [];
  const saveState = (_name: string, value: string) => {
    const { phase } = JSON.parse(value) as { phase: string };
    if (phase !== 'done' && phases.at(-1) !== phase) phases.push(phase);
  };
  const outcome = await run(fakeRuntime(world, { saveState, ...(log ? { log } : {}) }), cfg);
  const report = outcome.report ?? newReport(cfg);
  return { world, report, phases, ...(report.error ? { error: report.error } : {}) };
}

function demoWorld(options: { blueGreenFrontend?: boolean } = {}) {
  const world = createWorld();
  const initial = seedDemo(world.lab, { labEnv: world.labEnv, ...options });
  return { world, initial };
}

/** The demo's blue/green frontend calls, in order: `UpdateService demo-web`, `ContinueServiceDeployment CONTINUE`… */
function frontendCalls(world: World): string[] {
  return world.lab.recorder
    .calls('ecs')
    .filter(
      (c) =>
        !c.error && /^(UpdateService|ContinueServiceDeployment|StopServiceDeployment)$/.test(c.operation),
    )
    .map((c) =>
      c.operation === 'UpdateService'
        ? `UpdateService ${c.input.service} ${String(c.input.taskDefinition).split('/').pop()}`
        : `${c.operation} ${c.input.action ?? c.input.stopType}`,
    );
}

async function running(world: World): Promise<Record<string, string>> {
  const out = await world.aws.ecs.send(
    new DescribeServicesCommand({ cluster: DEMO.cluster, services: [DEMO.api.service, DEMO.web.service] }),
  );
  return Object.fromEntries(
    (out.services ?? []).map((s) => [
      s.serviceName ?? '',
      s.deployments?.find((d) => d.status === 'PRIMARY')?.taskDefinition ?? '',
    ]),
  );
}

async function outcomeTag(world: World, arn: string): Promise<string | undefined> {
  const out = await world.aws.ecs.send(
    new DescribeTaskDefinitionCommand({ taskDefinition: arn, include: ['TAGS'] }),
  );
  return out.tags?.find((t) => t.key === TAGS.outcome)?.value;
}

/** Removes the outcome tag from each revision, as a run killed before it recorded one leaves them. */
async function withoutOutcome(world: World, arns: string[]): Promise<void> {
  for (const arn of arns) {
    await world.aws.ecs.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: [TAGS.outcome] }));
  }
}

const updates = (world: World) => world.lab.recorder.calls('ecs', 'UpdateService').filter((c) => !c.error);

/** A logger that schedules the alarm once the bake starts, whatever time that is. */
class AlarmDuringBake extends MemoryLogger {
  constructor(private readonly arm: () => void) {
    super();
  }
  override async group<T>(name: string, fn: () => Promise<T>): Promise<T> {
    if (name === STAGES.gate) this.arm();
    return super.group(name, fn);
  }
}

describe('deploy pipeline (lab: real builds and registry, virtual clock)', () => {
  beforeAll(() => buildOnce(config()), 240_000);

  it('deploys: both services on the new revisions, tagged succeeded, migration ran, summary written', async () => {
    const { world, initial } = demoWorld();
    const run = await deploy(world, config());
    expect(run.report.result, run.error).toBe('deployed');
    expect(run.report.runningRelease).toBe(COMMIT);
    const now = await running(world);
    expect(now[DEMO.api.service]).toMatch(/task-definition\/demo-api:2$/);
    expect(now[DEMO.web.service]).toMatch(/task-definition\/demo-web:2$/);
    expect(await outcomeTag(world, now[DEMO.api.service] ?? '')).toBe('succeeded');
    expect(await outcomeTag(world, initial.api)).toBe('succeeded'); // the baseline
    expect(run.report.migration?.outcome).toBe('succeeded');
    expect(Object.values(run.report.images).every((i) => !i.built)).toBe(true);
    // Waves: the api (wave 1) was updated before the web (wave 2).
    expect(updates(world).map((c) => c.input.service)).toEqual([DEMO.api.service, DEMO.web.service]);
    expect(run.phases).toEqual(['render', 'rollout', 'gate']);
    const summary = renderSummary(run.report);
    expect(summary).toContain(':white_check_mark: deployed');
    expect(summary).toMatch(
      /\| \[demo-api\]\([^)]*\) \| \[demo-api:1\]\([^)]*\) \| \[demo-api:2\]\([^)]*\) \| \[demo-api:2\]\([^)]*\) \| updated \|/,
    );
  });

  it('a re-run of the deployed commit changes nothing: unchanged, zero registrations and updates', async () => {
    const { world } = demoWorld();
    await deploy(world, config());
    world.lab.recorder.clear();
    const again = await deploy(world, config());
    expect(again.report.result).toBe('unchanged');
    expect(world.lab.recorder.calls('ecs', 'RegisterTaskDefinition')).toHaveLength(0);
    expect(world.lab.recorder.calls('ecs', 'UpdateService')).toHaveLength(0);
    expect(world.lab.recorder.calls('ecs', 'RunTask')).toHaveLength(0);
  });

  it('a re-run of a release whose earlier run never recorded an outcome gates it before calling it unchanged', async () => {
    const { world } = demoWorld();
    await deploy(world, config());
    const now = await running(world);
    // The earlier run was killed during its bake: no outcome tag on its revisions.
    await withoutOutcome(world, Object.values(now));
    world.lab.recorder.clear();
    const again = await deploy(world, config());
    expect(again.report.result).toBe('unchanged');
    expect(again.report.stages.map((x) => x.stage)).toContain(STAGES.gate);
    expect(await outcomeTag(world, now[DEMO.api.service] ?? '')).toBe('succeeded');
    expect(world.lab.recorder.calls('ecs', 'UpdateService')).toHaveLength(0);

    // And when that gate fails, the run says so instead of passing.
    await withoutOutcome(world, Object.values(now));
    world.lab.cloudwatch.schedule(
      DEMO.alarm,
      new Date(world.clock.now() + MIN),
      'ALARM',
      'Threshold Crossed',
    );
    const failing = await deploy(world, config());
    expect(failing.report.result).toBe('failed');
    expect(failing.report.error).toMatch(/runs on every service but its gate failed: .*demo-alb-5xx/);
    expect(failing.report.error).toContain('to go back, run the rollback command');
  });

  it('refuses to deploy over another run whose release has not recorded an outcome yet (still baking elsewhere)', async () => {
    const { world } = demoWorld();
    await deploy(world, config());
    const now = await running(world);
    await withoutOutcome(world, Object.values(now));
    world.lab.recorder.clear();
    const other = await deploy(world, config({ release: 'b'.repeat(40), commit: 'b'.repeat(40) }));
    expect(other.report.result).toBe('failed');
    expect(other.error).toMatch(
      new RegExp(`service demo-api: it runs release ${COMMIT}.*has not recorded an outcome yet`),
    );
    expect(world.lab.recorder.mutations()).toEqual([]);
  });

  it('an alarm two minutes into a five-minute bake: every service back on the previous release', async () => {
    let world: World | undefined;
    const logger = new AlarmDuringBake(() => {
      if (!world) return;
      world.lab.cloudwatch.schedule(
        DEMO.alarm,
        new Date(world.clock.now() + 2 * MIN),
        'ALARM',
        'Threshold Crossed: 5xx > 10',
      );
    });
    const demo = demoWorld();
    world = demo.world;
    const run = await deploy(world, config(), logger);
    expect(run.report.result).toBe('rolled-back');
    expect(run.report.error).toMatch(/demo-alb-5xx/);
    expect(await running(world)).toEqual({
      [DEMO.api.service]: demo.initial.api,
      [DEMO.web.service]: demo.initial.web,
    });
    expect(await outcomeTag(world, `${demo.initial.api.replace(/:1$/, ':2')}`)).toBe('rolled-back');
    expect(run.report.services.map((s) => s.state)).toEqual(['rolled-back', 'rolled-back']);
    expect(renderSummary(run.report)).toContain('demo-alb-5xx');
    // The gate that fired reads failed in the stage table and the log, and the rollback ok.
    expect(renderSummary(run.report)).toMatch(/\| Gate \| [^|]+ \| failed \|/);
    expect(renderSummary(run.report)).toMatch(/\| Rollback \| [^|]+ \| ok \|/);
    expect(logger.text()).toMatch(/Gate: failed after/);
    // previous, the release's revision, and what runs now.
    expect(renderSummary(run.report)).toMatch(
      /\| \[demo-api\]\([^)]*\) \| \[demo-api:1\]\([^)]*\) \| \[demo-api:2\]\([^)]*\) \| \[demo-api:1\]\([^)]*\) \| rolled-back \|/,
    );
    // The migration ran; the rollback does not undo it, and the summary says so.
    expect(run.report.notes.join(' ')).toContain('migration of this release ran and is not rolled back');
    expect(logger.text()).toMatch(/2m.*into the 5m bake|into the 5m bake/);
  });

  it('a BLUE_GREEN frontend (as the demo has it): held at its hook through the gate, then committed; the summary shows its stages', async () => {
    const { world } = demoWorld({ blueGreenFrontend: true });
    const run = await deploy(world, config({ gate: { ...config().gate, bakeTimeMs: 2 * MIN } }));
    expect(run.report.result, run.error).toBe('deployed');
    const now = await running(world);
    expect(now[DEMO.web.service]).toMatch(/task-definition\/demo-web:2$/);
    expect(frontendCalls(world)).toEqual([
      'UpdateService demo-api demo-api:2',
      'UpdateService demo-web demo-web:2',
      'ContinueServiceDeployment CONTINUE',
    ]);
    const web = run.report.services.find((s) => s.service === DEMO.web.service);
    expect(web).toMatchObject({ strategy: 'BLUE_GREEN', state: 'updated' });
    expect(web?.builtIn?.[0]?.status).toBe('SUCCESSFUL');
    const summary = renderSummary(run.report).replace(/\\_/g, '_');
    expect(summary).toContain('| service | strategy | stages reached | production traffic | status |');
    expect(summary).toMatch(
      /\| demo-web \| BLUE_GREEN \| .*POST_PRODUCTION_TRAFFIC_SHIFT \d\d:\d\d:\d\d → .*CLEAN_UP .* \| demo-web:2 100% · demo-web:1 0% \| SUCCESSFUL \|/,
    );
    expect(summary).toMatch(/\| Commit \| [^|]+ \| ok \|/);
    const log = run.world.log.text();
    expect(log).toMatch(/demo-web: held at POST_PRODUCTION_TRAFFIC_SHIFT \(hook ecs-pause-/);
    expect(log).toMatch(
      /demo-web: CONTINUE hook ecs-pause-\S+ at POST_PRODUCTION_TRAFFIC_SHIFT: the release passed its gate/,
    );
  });

  it('a BLUE_GREEN frontend and an alarm in the bake: its hook answered ROLLBACK, the rolling api put back by UpdateService', async () => {
    let world: World | undefined;
    const logger = new AlarmDuringBake(() => {
      world?.lab.cloudwatch.schedule(DEMO.alarm, new Date(world.clock.now() + MIN), 'ALARM', '5xx > 10');
    });
    const demo = demoWorld({ blueGreenFrontend: true });
    world = demo.world;
    const run = await deploy(world, config(), logger);
    expect(run.report.result).toBe('rolled-back');
    expect(await running(world)).toEqual({
      [DEMO.api.service]: demo.initial.api,
      [DEMO.web.service]: demo.initial.web,
    });
    // Forward in waves; back both at once (each its own way, in no particular order).
    const calls = frontendCalls(world);
    expect(calls.slice(0, 2)).toEqual([
      'UpdateService demo-api demo-api:2',
      'UpdateService demo-web demo-web:2',
    ]);
    expect(calls.slice(2).sort()).toEqual([
      'ContinueServiceDeployment ROLLBACK',
      'UpdateService demo-api demo-api:1',
    ]);
    expect(run.report.services.map((s) => [s.service, s.state])).toEqual([
      [DEMO.api.service, 'rolled-back'],
      [DEMO.web.service, 'rolled-back'],
    ]);
    const summary = renderSummary(run.report).replace(/\\_/g, '_');
    expect(summary).toMatch(/\| Gate \| [^|]+ \| failed \|/);
    expect(summary).toMatch(
      /\| demo-web \| BLUE_GREEN \| .* \| demo-web:2 0% · demo-web:1 100% \| ROLLBACK_SUCCESSFUL \|/,
    );
  });

  it('the frontend fails while the backend succeeded: both end on the previous release, ECS rollback not fought', async () => {
    const { world, initial } = demoWorld();
    world.lab.ecs.behave(
      { family: DEMO.web.family, revision: 2 },
      { outcome: 'unhealthy', httpCodes: [503] },
    );
    const log = new MemoryLogger();
    const run = await deploy(world, config(), log);
    expect(run.report.result).toBe('rolled-back');
    expect(await running(world)).toEqual({
      [DEMO.api.service]: initial.api,
      [DEMO.web.service]: initial.web,
    });
    // docs/rollout.md: every service event once, through the rollout and ECS's own rollback alike.
    const events = log
      .text()
      .split('\n')
      .filter((l) => / event \d\d:\d\d:\d\d /.test(l));
    expect(events.some((l) => l.includes('demo-web'))).toBe(true);
    expect(events.length).toBe(new Set(events).size);
    // Ours: api forward, api back. ECS rolled the web back itself: we sent it nothing more.
    expect(
      updates(world).map((c) => `${c.input.service}→${String(c.input.taskDefinition).split('/').pop()}`),
    ).toEqual(['demo-api→demo-api:2', 'demo-web→demo-web:2', 'demo-api→demo-api:1']);
    expect(run.report.services.find((s) => s.service === DEMO.web.service)?.state).toBe('rolled-back-by-ecs');
    expect(run.report.error).toMatch(/demo-web/);
  });

  it('plan shows per service the task definition diff deploy would register, and changes nothing', async () => {
    const { world } = demoWorld();
    world.lab.recorder.clear();
    const log = new MemoryLogger();
    const cfg = config({ command: 'plan' });
    const report = newReport(cfg);
    await planRelease({ ...world.context(cfg), log }, report);
    expect(report.result).toBe('planned');
    const text = log.text();
    expect(text).toMatch(/service demo-api \(wave 1\) runs demo-api:1/);
    expect(text).toMatch(/would register a new revision of demo-api/);
    expect(text).toMatch(/image backend: would build .*:content-[0-9a-f]{40}/);
    expect(world.lab.recorder.mutations()).toEqual([]);
    // Once deployed, the same plan finds everything in place.
    await deploy(world, config());
    const after = new MemoryLogger();
    await planRelease({ ...world.context(cfg), log: after }, newReport(cfg));
    expect(after.text()).toMatch(/image backend: .* is in ECR \(nothing to build\)/);
    expect(after.text()).toMatch(/service demo-api \(wave 1\) runs demo-api:2\n {2}unchanged/);
  });

  it('records a GitHub deployment for a deploy: in_progress then success, payload the release manifest', async () => {
    const api = await fakeGithub({ token: 'ghs_deploy' });
    try {
      const { world } = demoWorld();
      const cfg = config({
        githubDeployment: true,
        githubToken: 'ghs_deploy',
        github: { owner: 'acme', repo: 'shop', apiUrl: api.url },
      });
      const report = newReport(cfg);
      await runCommand(world.context(cfg), report, () => undefined);
      expect(report.result).toBe('deployed');
      const created = api.requests.find(
        (r) => r.method === 'POST' && r.path === '/repos/acme/shop/deployments',
      );
      expect(created?.body).toMatchObject({
        ref: COMMIT,
        environment: 'production',
        auto_merge: false,
        required_contexts: [],
      });
      expect(JSON.parse(String(created?.body.payload))).toMatchObject({
        release: COMMIT,
        environment: 'production',
      });
      expect(api.statuses(1000)).toEqual(['in_progress', 'success']);
      expect(world.masked).toContain('ghs_deploy');
      expect(world.log.text({ debug: true })).not.toContain('ghs_deploy');
    } finally {
      await api.close();
    }
  });

  it('a failed first wave: the second wave never moves and is reported unchanged on its previous revision', async () => {
    const { world, initial } = demoWorld();
    world.lab.ecs.behave(
      { family: DEMO.api.family, revision: 2 },
      { outcome: 'fail-to-start', reason: 'CannotPullContainerError: pull access denied' },
    );
    // No migration here: it would run the same failing revision and stop the release before the rollout.
    const { migration: _skipped, ...withoutMigration } = config();
    const run = await deploy(world, withoutMigration);
    expect(run.report.result).toBe('rolled-back');
    const web = run.report.services.find((s) => s.service === DEMO.web.service);
    expect(web).toMatchObject({ state: 'unchanged', previous: initial.web, current: initial.web });
    expect(updates(world).some((c) => c.input.service === DEMO.web.service)).toBe(false);
  });

  it('refuses before any mutation when a gate alarm is already in ALARM', async () => {
    const { world } = demoWorld();
    world.lab.cloudwatch.putAlarm({
      name: DEMO.alarm,
      type: 'metric',
      state: 'ALARM',
      reason: 'already firing',
    });
    world.lab.recorder.clear();
    const run = await deploy(world, config());
    expect(run.report.result).toBe('failed');
    expect(run.error).toMatch(/demo-alb-5xx.*ALARM|ALARM.*demo-alb-5xx/);
    expect(world.lab.recorder.mutations()).toEqual([]);
  });

  it('a migration that exits 3 stops the release before any service changes', async () => {
    const { world, initial } = demoWorld();
    world.lab.ecs.behave(
      { family: DEMO.api.family, revision: 2 },
      {
        outcome: 'exit',
        exitCode: 3,
        logLines: ['migrate: applying 003_bad', 'ERROR: relation "nowhere" does not exist'],
      },
    );
    const run = await deploy(
      world,
      config({ migration: { ...config().migration, always: true } as ReleaseConfig['migration'] & object }),
    );
    expect(run.report.result).toBe('failed');
    expect(run.error).toMatch(/code 3/);
    expect(run.error).toContain('relation "nowhere" does not exist');
    expect(updates(world)).toHaveLength(0);
    expect(await running(world)).toEqual({
      [DEMO.api.service]: initial.api,
      [DEMO.web.service]: initial.web,
    });
    expect(run.report.migration?.outcome).toBe('failed');
  });

  it('cancelled mid-rollout: the rollback UpdateService calls go out within 1 s and the post step sees one release', async () => {
    const { world, initial } = demoWorld();
    let cancelledAt = 0;
    // 10 s (virtual) into the rollout, the runner sends SIGINT.
    const logger = new (class extends MemoryLogger {
      override async group<T>(name: string, fn: () => Promise<T>): Promise<T> {
        if (name === STAGES.rollout) {
          void world.clock.sleep(10_000).then(() => {
            cancelledAt = world.clock.now();
            world.controller.abort(new Error('cancelled (SIGINT)'));
          });
        }
        return super.group(name, fn);
      }
    })();
    const cfg = config();
    const report = newReport(cfg);
    await deployRelease({ ...world.context(cfg), log: logger }, report, () => undefined).catch(
      () => undefined,
    );
    expect(cancelledAt).toBeGreaterThan(0);
    const back = updates(world).filter((c) => String(c.input.taskDefinition) === initial.api);
    expect(back).toHaveLength(1);
    expect((back[0]?.at ?? Number.POSITIVE_INFINITY) - cancelledAt).toBeLessThanOrEqual(1000);
    // Let ECS finish what was issued, then ask what the post step would say.
    world.clock.advance(5 * MIN);
    const out = await world.aws.ecs.send(
      new DescribeServicesCommand({ cluster: DEMO.cluster, services: [DEMO.api.service, DEMO.web.service] }),
    );
    const verdict = assess(
      progressOf(report, 'rollback'),
      (out.services ?? []).map((s) => ({
        service: s.serviceName ?? '',
        taskDefinition: s.deployments?.find((d) => d.status === 'PRIMARY')?.taskDefinition ?? '',
        deployments: s.deployments?.length ?? 0,
      })),
    );
    expect(verdict.consistent).toBe(true);
  });
});
