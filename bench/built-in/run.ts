/**
 * Time from a failed gate to production traffic back on the previous revision, through the
 * engine (runTransaction) on the lab's timelines and a virtual clock:
 *
 * - blue/green: a BLUE_GREEN service held at its PAUSE hook at POST_PRODUCTION_TRAFFIC_SHIFT;
 *   the gate fails, the hook is answered ROLLBACK; done when the production rule forwards
 *   100 % to blue (its tasks never stopped).
 * - rolling: a ROLLING service behind a health-checked target group; the gate fails after
 *   its deployment COMPLETED, UpdateService goes back; done when that deployment is COMPLETED
 *   (new tasks of the previous revision healthy, the release's drained).
 *
 * Start: the instant the way back is issued (the gate's verdict issues it at once). Both
 * sampled every 100 ms of lab time. `npm run bench` imports builtInRollbackRow().
 *
 * tsx runs .ts as CommonJS here, and src/record imports @actions/github 9 (ESM only), so run
 * it as an ESM bundle (node_modules left external):
 *
 *   npx esbuild bench/built-in/run.ts --bundle --platform=node --format=esm --packages=external \
 *     --outfile=.lab/tmp/bench-built-in.mjs && node .lab/tmp/bench-built-in.mjs
 */
import { pathToFileURL } from 'node:url';
import { DescribeServicesCommand } from '@aws-sdk/client-ecs';
import { DescribeRulesCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { nextRevision, seedBuiltInService, seedRollingService } from '../../lab/scenarios/built-in';
import { createLab, type Lab } from '../../lab/sim/lab';
import { createClients } from '../../src/aws/clients';
import type { ReleaseConfig } from '../../src/config/types';
import { type Move, runTransaction } from '../../src/engine';
import { newReport } from '../../src/model/report';
import { claimEnvironment } from '../../src/record';
import { VirtualClock } from '../../src/runtime/clock';
import type { StageContext } from '../../src/runtime/context';
import { MemoryLogger } from '../../src/runtime/log';

const MIN = 60_000;
const ALARM = 'bench-5xx';
const SAMPLE_MS = 100;

function world() {
  const clock = new VirtualClock();
  const lab = createLab({ clock, sleep: (ms) => clock.sleep(ms), seed: 7 });
  const aws = createClients({
    region: lab.region,
    requestHandler: lab.handler,
    credentials: { accessKeyId: 'lab', secretAccessKey: 'lab' },
    maxAttempts: 3,
  });
  const config = {
    command: 'deploy',
    environment: 'production',
    region: lab.region,
    cluster: 'lab',
    release: 'r2',
    commit: 'r2',
    images: [],
    services: [],
    gate: { alarms: [ALARM], bakeTimeMs: 5 * MIN, autoRollback: true, waitTimeoutMs: 30 * MIN },
    to: 'previous',
    githubDeployment: false,
    createRepositories: false,
  } as ReleaseConfig;
  const ctx: StageContext = {
    config,
    aws,
    docker: undefined as never,
    clock,
    log: new MemoryLogger(),
    signal: new AbortController().signal,
    mask: () => undefined,
    workdir: process.cwd(),
  };
  lab.cloudwatch.putAlarm({ name: ALARM, type: 'metric', state: 'OK' });
  return { lab, ctx, clock };
}

/** Runs the release, fails its gate 30 s into the bake, and returns lab ms from the way back to `back()`. */
async function measure(
  w: ReturnType<typeof world>,
  move: Move,
  back: () => Promise<boolean>,
  /** When the way back went out (lab ms), once it has. */
  wayBack: () => number | undefined,
): Promise<number> {
  const report = newReport(w.ctx.config);
  const claim = await claimEnvironment(w.ctx, 'bench', 60 * MIN);
  const log = w.ctx.log as MemoryLogger;
  const running = runTransaction(w.ctx, report, {
    kind: 'deploy',
    moves: [move],
    alarms: [ALARM],
    claim,
    release: 'r2',
    running: 'r1',
    registered: [],
    checkpoint: () => undefined,
  });
  while (!log.lines.some((l) => l.message === 'Gate')) await w.clock.sleep(SAMPLE_MS);
  w.lab.cloudwatch.schedule(ALARM, new Date(w.clock.now() + 30_000), 'ALARM', 'bench');
  let issuedAt: number | undefined;
  let doneAt: number | undefined;
  const deadline = w.clock.now() + 60 * MIN;
  while (doneAt === undefined && w.clock.now() < deadline) {
    issuedAt ??= wayBack();
    if (issuedAt !== undefined && (await back())) doneAt = w.clock.now();
    else await w.clock.sleep(SAMPLE_MS);
  }
  await running;
  if (report.result !== 'rolled-back' || issuedAt === undefined || doneAt === undefined)
    throw new Error(`bench: expected a rolled-back release, got ${report.result}: ${report.error ?? ''}`);
  return doneAt - issuedAt;
}

async function blueGreen(): Promise<number> {
  const w = world();
  const s = seedBuiltInService(w.lab, {
    service: 'bg',
    strategy: 'BLUE_GREEN',
    bakeTimeInMinutes: 30,
    hooks: [{ stage: 'POST_PRODUCTION_TRAFFIC_SHIFT' }],
  });
  const target = nextRevision(w.lab, s);
  const onBlue = async () => {
    const out = await w.ctx.aws.elbv2.send(new DescribeRulesCommand({ RuleArns: [s.productionRuleArn] }));
    const tgs = out.Rules?.[0]?.Actions?.[0]?.ForwardConfig?.TargetGroups ?? [];
    return tgs.find((t) => t.TargetGroupArn === s.blueTargetGroupArn)?.Weight === 100;
  };
  const move: Move = {
    service: 'bg',
    taskDefinitionArn: target,
    wave: 1,
    previousArn: s.taskDefinitionArn,
    strategy: 'BLUE_GREEN',
  };
  const answered = () =>
    w.lab.recorder
      .calls('ecs', 'ContinueServiceDeployment')
      .find((c) => !c.error && c.input.action === 'ROLLBACK')?.at;
  return measure(w, move, onBlue, answered);
}

async function rolling(): Promise<number> {
  const w = world();
  const s = seedRollingService(w.lab, { service: 'roll', targetGroup: true });
  const target = nextRevision(w.lab, s);
  const completedBack = async () => {
    const out = await w.ctx.aws.ecs.send(new DescribeServicesCommand({ cluster: 'lab', services: ['roll'] }));
    const ds = out.services?.[0]?.deployments ?? [];
    return (
      ds.length === 1 && ds[0]?.taskDefinition === s.taskDefinitionArn && ds[0]?.rolloutState === 'COMPLETED'
    );
  };
  const move: Move = {
    service: 'roll',
    taskDefinitionArn: target,
    wave: 1,
    previousArn: s.taskDefinitionArn,
    strategy: 'ROLLING',
  };
  // The way back is the second UpdateService (the first moved the service forward).
  const updatedBack = () => w.lab.recorder.calls('ecs', 'UpdateService').filter((c) => !c.error)[1]?.at;
  return measure(w, move, completedBack, updatedBack);
}

function model(lab: Lab): string {
  const t = lab.ecs.timing;
  return (
    `lab ECS timing model: task PROVISIONING ${t.provisioningMs / 1000} s, PENDING ${t.pendingMs / 1000} s, ` +
    `SIGTERM→STOPPED ${t.stopMs / 1000} s; a new target healthy after one passing check (every ` +
    `${lab.elbv2.labHealthCheckIntervalSeconds} s), deregistration delay ${lab.elbv2.labDeregistrationDelaySeconds} s; built-in traffic shift ` +
    `${t.trafficShiftMs / 1000} s per rule rewrite, one lab minute = ${t.minuteMs / 1000} s; 2 tasks per service; ` +
    'the engine polls ECS about once a second'
  );
}

export async function builtInRollbackRow(): Promise<{
  blueGreenMs: number;
  rollingMs: number;
  model: string;
}> {
  const blueGreenMs = await blueGreen();
  const rollingMs = await rolling();
  return { blueGreenMs, rollingMs, model: model(world().lab) };
}

async function main(): Promise<void> {
  const row = await builtInRollbackRow();
  process.stdout.write(
    [
      '| way back after a failed gate | to production on the previous revision |',
      '| --- | --- |',
      `| BLUE_GREEN held at its PAUSE hook (answer ROLLBACK → production rule 100 % blue) | ${(row.blueGreenMs / 1000).toFixed(1)} s |`,
      `| ROLLING (UpdateService back → deployment COMPLETED) | ${(row.rollingMs / 1000).toFixed(1)} s |`,
      '',
      row.model,
      '',
    ].join('\n'),
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
