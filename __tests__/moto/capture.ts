/**
 * What the action sends to AWS, captured by the lab recorder while the REAL
 * pipeline runs (CAPTURE_SOURCE 'pipeline'): `deployRelease`, `planRelease` and
 * `rollbackRelease` in-process against the demo world (lab/scenarios/demo.ts)
 * on a virtual clock, with real image builds and the lab registry (lab/up).
 *
 * One world, one flow after another, so the lab's state (revisions, record
 * tags, images) is what a team's account would hold after those runs and the
 * replay against moto, made in the same order, meets the same resources:
 *   1. deploy: task-mode migration after a DB snapshot, rollout, an alarm fires
 *      two minutes into the bake → every service rolled back (builds once);
 *   2. deploy: the migration task outlives migration-timeout → StopTask, nothing deployed;
 *   3. deploy: task-mode migration, rollout, bake passes → deployed;
 *   4. runner-mode migration (GetSecretValue; the command is `true`), through its
 *      stage function `runMigrationOnRunner` on the system clock (a real process);
 *   5. deploy: the backend's content changes (a build argument), so it is built
 *      again with the running image as layer cache → deployed;
 *   6. plan;
 *   7. rollback --to previous (to release 3, whose images are checked in ECR).
 * No SDK call is hand-written here.
 */
import { randomBytes } from 'node:crypto';
import { BatchGetImageCommand, DescribeImagesCommand } from '@aws-sdk/client-ecr';
import type { PushedImage, ReplayInput } from '../../lab/moto/run';
import { mirrorLabWorld, SEED_ACCOUNT, type SeedStep } from '../../lab/moto/seed';
import { DEMO, seedDemo } from '../../lab/scenarios/demo';
import type { RecordedCall } from '../../lab/sim/recorder';
import type { Command, MigrationConfig, ReleaseConfig } from '../../src/config/types';
import { STAGES } from '../../src/engine/stage';
import { runMigrationOnRunner } from '../../src/migrate/runner-mode';
import { newReport, type Report } from '../../src/model/report';
import { deployRelease } from '../../src/pipeline/deploy';
import { planRelease } from '../../src/pipeline/plan';
import { rollbackRelease } from '../../src/pipeline/rollback';
import { systemClock } from '../../src/runtime/clock';
import type { StageContext } from '../../src/runtime/context';
import { MemoryLogger } from '../../src/runtime/log';
import { changedImage, testConfig } from '../support/config';
import { createWorld, labIsUp, type World } from '../support/world';

export const CAPTURE_SOURCE = 'pipeline' as const;

const MIN = 60_000;

/**
 * Operations the action's source sends that the flows do not reach, and why.
 * The replay test checks this list against src/ (every `new XCommand(`).
 */
export const NOT_REACHED: Readonly<Record<string, string>> = {
  DescribeDBClusters: 'Aurora only: the demo database is an RDS instance',
  CreateDBClusterSnapshot: 'Aurora only: the demo database is an RDS instance',
  DescribeDBClusterSnapshots: 'Aurora only: the demo database is an RDS instance',
  // The capture's demo world is all ROLLING services: preflight reads listener rules only for
  // services on a built-in strategy (BLUE_GREEN, LINEAR, CANARY; src/preflight/built-in.ts).
  DescribeRules: 'built-in strategy wiring check: the demo world has no built-in service',
  DescribeListeners: 'built-in strategy wiring check (NLB listeners): the demo world has no built-in service',
  // The built-in strategy module's calls (src/engine/built-in/). moto 5.2.1 implements none of
  // them (__tests__/moto/built-in-shapes.test.ts), so even a built-in flow could not be judged there.
  ListServiceDeployments: 'built-in strategies only; not implemented in moto 5.2.1',
  DescribeServiceDeployments: 'built-in strategies only; not implemented in moto 5.2.1',
  StopServiceDeployment: 'built-in strategies only; not implemented in moto 5.2.1',
  ContinueServiceDeployment: 'built-in strategies only (PAUSE hooks); not implemented in moto 5.2.1',
  // The ground checks (src/ground/) of what the capture's demo world does not have: an HTTPS
  // listener and its certificates, a hosted zone, secrets and parameters in its task definitions.
  // __tests__/moto/ground-shapes.test.ts judges these requests against moto on a world that has them.
  DescribeLoadBalancers:
    'ground checks of the load balancers in front of HTTPS hosts: the demo world serves HTTP only',
  DescribeListenerCertificates:
    'ground checks of HTTPS listeners: the demo world has none (ground-shapes.test.ts)',
  DescribeCertificate: 'ground checks of ACM certificates: the demo world has none (ground-shapes.test.ts)',
  GetServerCertificate: 'ground checks of IAM server certificates on listeners: the demo world has none',
  ListHostedZonesByName:
    'ground checks of DNS for declared hosts: the demo world declares none (ground-shapes.test.ts)',
  ListResourceRecordSets:
    'ground checks of DNS records: the demo world declares no host (ground-shapes.test.ts)',
  DescribeSecret:
    'ground checks of task secrets: the demo task definitions reference none (ground-shapes.test.ts)',
  DescribeParameters:
    'ground checks of SSM parameters: the demo task definitions reference none (ground-shapes.test.ts)',
};

/** Why the capture cannot run here, or undefined when it can. */
export function captureSkipReason(): string | undefined {
  return labIsUp()
    ? undefined
    : 'the lab is not up (no .lab/env): run `lab/up`. The capture runs the real pipeline, whose images stage builds with the lab Docker engine and pushes to the lab registry';
}

export interface FlowRun {
  name: string;
  command: Command;
  result: string;
  error?: string;
  /** AWS calls this flow sent. */
  calls: number;
  /** Wall-clock milliseconds (the lab's clock is virtual). */
  ms: number;
}

export interface Capture extends ReplayInput {
  /** The flows' calls, in order, as the lab recorder saw them (seeding and mirroring excluded). */
  calls: RecordedCall[];
  seed: SeedStep[];
  images: PushedImage[];
  flows: FlowRun[];
  source: typeof CAPTURE_SOURCE;
}

/** Calls `onGroup` as each stage starts: the flows script the world by stage, whatever the virtual time. */
class StageHooks extends MemoryLogger {
  constructor(private readonly onGroup: (stage: string) => void) {
    super();
  }
  override async group<T>(name: string, fn: () => Promise<T>): Promise<T> {
    this.onGroup(name);
    return super.group(name, fn);
  }
}

interface Flow {
  name: string;
  config: ReleaseConfig;
  expect: (report: Report) => boolean;
  before?: (world: World) => void;
  onStage?: (world: World, stage: string) => void;
  /** A stage function on its own, instead of the command's pipeline. */
  run?: (ctx: StageContext, report: Report) => Promise<void>;
}

function flows(run: string): Flow[] {
  const release = () => randomBytes(20).toString('hex');
  const base = testConfig();
  const common = (command: Command, rel: string, overrides: Partial<ReleaseConfig> = {}): ReleaseConfig =>
    testConfig({
      command,
      cluster: DEMO.cluster,
      release: rel,
      commit: rel,
      // Repositories of this run: the first release builds and pushes, the later ones reuse the content tags.
      images: base.images.map((i) => ({ ...i, repository: `moto${run}/${i.key}` })),
      gate: { alarms: [DEMO.alarm], bakeTimeMs: 5 * MIN, autoRollback: true, waitTimeoutMs: 30 * MIN },
      database: { instance: DEMO.db, snapshot: true },
      migration: {
        service: DEMO.api.service,
        container: DEMO.api.container,
        command: ['sh', '/app/migrate'],
        mode: 'task',
        timeoutMs: 5 * MIN,
        always: false,
      },
      ...overrides,
    });
  const first = release();
  const runnerMigration: MigrationConfig = {
    service: DEMO.api.service,
    command: ['true'],
    mode: 'runner',
    timeoutMs: MIN,
    always: true,
    dbSecret: DEMO.secret,
  };
  return [
    {
      name: 'deploy: migration task, rollout, alarm in the bake → rolled back',
      config: common('deploy', first),
      expect: (r) => r.result === 'rolled-back',
      onStage: (world, stage) => {
        if (stage !== STAGES.gate) return;
        world.lab.cloudwatch.schedule(
          DEMO.alarm,
          new Date(world.clock.now() + 2 * MIN),
          'ALARM',
          'Threshold Crossed: 5xx > 10',
        );
      },
    },
    {
      name: 'deploy: migration task over its time-out → stopped, nothing deployed',
      config: common('deploy', release()),
      before: (world) => {
        // The alarm has recovered; this release registers demo-api:3 (flow 1 registered :2).
        world.lab.cloudwatch.putAlarm({
          name: DEMO.alarm,
          type: 'metric',
          period: 60,
          evaluationPeriods: 1,
          state: 'OK',
        });
        world.lab.ecs.behave(
          { family: DEMO.api.family, revision: 3 },
          { outcome: 'hang', logLines: ['waiting for lock'] },
        );
      },
      expect: (r) => r.result === 'failed' && /migration timed out/.test(r.error ?? ''),
    },
    {
      name: 'deploy: migration task, rollout, bake passes → deployed',
      config: common('deploy', release()),
      expect: (r) => r.result === 'deployed',
    },
    {
      // A real process runs in real time, so on the virtual clock its time-out would win:
      // runner mode runs through its own stage function, on the system clock.
      name: 'migrate, runner mode (`true`, credentials from the secret)',
      config: common('deploy', release(), { migration: runnerMigration }),
      run: async (ctx) => {
        await runMigrationOnRunner({ ...ctx, clock: systemClock }, runnerMigration);
      },
      expect: (r) => r.error === undefined,
    },
    {
      // The backend really changes (a LABEL in its Dockerfile): it is built again, with the
      // running image of its own repository as layer cache (DescribeImages of its digest).
      name: 'deploy: backend rebuilt with layer cache from the running image → deployed',
      config: common('deploy', release(), {
        images: common('deploy', first).images.map((i) => (i.key === 'backend' ? changedImage(i, run) : i)),
      }),
      expect: (r) => r.result === 'deployed',
    },
    { name: 'plan', config: common('plan', release()), expect: (r) => r.result === 'planned' },
    {
      name: 'rollback --to previous',
      config: common('rollback', first, { to: 'previous' }),
      expect: (r) => r.error === undefined && r.result !== 'failed',
    },
  ];
}

async function runFlow(world: World, flow: Flow): Promise<Report> {
  const log = new StageHooks((stage) => flow.onStage?.(world, stage));
  const ctx = { ...world.context(flow.config), log };
  const report = newReport(flow.config);
  flow.before?.(world);
  try {
    if (flow.run) await flow.run(ctx, report);
    else if (flow.config.command === 'deploy') await deployRelease(ctx, report, () => undefined);
    else if (flow.config.command === 'plan') await planRelease(ctx, report);
    else await rollbackRelease(ctx, report);
  } catch (error) {
    // As main.ts does: a thrown error is the run's error.
    report.error = error instanceof Error ? error.message : String(error);
    report.result ??= 'failed';
  }
  if (!flow.expect(report)) {
    throw new Error(
      `capture: the flow "${flow.name}" ended ${report.result ?? 'without a result'}${report.error ? `: ${report.error}` : ''}; its log:\n${log.text().slice(-3000)}`,
    );
  }
  return report;
}

/** The images the flows pushed (docker, outside the AWS API), read back from the lab's ECR after the capture. */
async function pushedImages(world: World, repositories: string[]): Promise<PushedImage[]> {
  const out: PushedImage[] = [];
  for (const repositoryName of repositories) {
    const described = await world.aws.ecr.send(new DescribeImagesCommand({ repositoryName }));
    const imageIds = (described.imageDetails ?? []).flatMap((d) =>
      d.imageDigest ? [{ imageDigest: d.imageDigest }] : [],
    );
    if (imageIds.length === 0) continue;
    const got = await world.aws.ecr.send(new BatchGetImageCommand({ repositoryName, imageIds }));
    for (const image of got.images ?? []) {
      const imageDigest = image.imageId?.imageDigest;
      if (!imageDigest || !image.imageManifest) continue;
      if (out.some((i) => i.repositoryName === repositoryName && i.imageDigest === imageDigest)) continue;
      out.push({
        repositoryName,
        imageDigest,
        imageManifest: image.imageManifest,
        imageManifestMediaType:
          image.imageManifestMediaType ?? 'application/vnd.docker.distribution.manifest.v2+json',
      });
    }
  }
  return out;
}

/**
 * moto 5.2.1's RunTask sums the containers' own `memory` to place a task and
 * crashes (TypeError) when a Fargate definition sets memory at task level
 * only, as AWS allows. Many teams' definitions set it per container too; the
 * demo's get it here, before anything reads them, so RunTask is judged.
 */
function withContainerMemory(world: World, arns: string[]): void {
  for (const arn of arns) {
    const containers = world.lab.ecs.taskDefinitions.get(arn).body.containerDefinitions;
    if (!Array.isArray(containers)) continue;
    for (const c of containers) if (c !== null && typeof c === 'object') Object.assign(c, { memory: 512 });
  }
}

/** Seeds the demo world in a fresh lab, mirrors it for moto, runs the flows, returns what they sent. */
export async function captureRelease(): Promise<Capture> {
  const reason = captureSkipReason();
  if (reason) throw new Error(`capture: ${reason}`);
  const world = createWorld({ account: SEED_ACCOUNT, maxAttempts: 1 });
  // No labEnv: the task definitions then carry no database password (tasks are scripted here).
  const initial = seedDemo(world.lab);
  withContainerMemory(world, Object.values(initial));
  const { steps, network } = await mirrorLabWorld(world.aws, {
    cluster: DEMO.cluster,
    services: [DEMO.api.service, DEMO.web.service],
    alarms: [DEMO.alarm],
    dbInstance: DEMO.db,
    secret: DEMO.secret,
  });
  world.lab.recorder.clear();

  const run = randomBytes(4).toString('hex');
  const ran: FlowRun[] = [];
  const list = flows(run);
  for (const flow of list) {
    const before = world.lab.recorder.calls().length;
    const started = Date.now();
    const report = await runFlow(world, flow);
    ran.push({
      name: flow.name,
      command: flow.config.command,
      result: report.result ?? (report.error ? 'failed' : 'ran'),
      ...(report.error ? { error: report.error.split('\n')[0] ?? '' } : {}),
      calls: world.lab.recorder.calls().length - before,
      ms: Date.now() - started,
    });
  }
  const calls = world.lab.recorder.calls();
  const repositories = list[0]?.config.images.map((i) => i.repository) ?? [];
  const images = await pushedImages(world, repositories);
  return { calls, seed: steps, network, images, flows: ran, source: CAPTURE_SOURCE };
}
