import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabEnv } from '../../lab/env';
import { fargateTaskDefinition } from '../../lab/scenarios/task-definition';
import { realClock } from '../../lab/sim/clock';
import { createLab, type Lab } from '../../lab/sim/lab';
import { startLabServer } from '../../lab/sim/server';
import { TAGS } from '../../src/record/release-record';
import { BUNDLE, labProcessEnv, runAction, runNode } from './harness';

const RUN = `hist${Date.now().toString(36)}`;
const CLUSTER = `${RUN}-cluster`;
const API = `${RUN}-api`;
const WEB = `${RUN}-web`;
const RUN_URL = (n: number) => `https://github.com/acme/demo/actions/runs/${n}`;
const C1 = '1111111111111111111111111111111111111111';
const C2 = '2222222222222222222222222222222222222222';
const C3 = '3333333333333333333333333333333333333333';

const INPUTS = {
  command: 'history',
  cluster: CLUSTER,
  'backend-service': API,
  'frontend-service': WEB,
  'backend-repository': `${RUN}/backend`,
  'frontend-repository': `${RUN}/frontend`,
};

let lab: Lab;
let server: { url: string; close(): Promise<void> };
let workdir: string;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A revision as ecs-release registers it; a few ms apart so the real clock orders them. */
async function register(family: string, record: Record<string, string>): Promise<string> {
  await sleep(5);
  const td = lab.ecs.registerTaskDefinition(
    fargateTaskDefinition(
      family,
      { name: 'app', image: `registry.lab/${family}@sha256:${'a'.repeat(64)}` },
      { tags: Object.entries(record).map(([key, value]) => ({ key, value })) },
    ),
  );
  return td.arn;
}

const rec = (release: string, commit: string, outcome: string, run?: number) => ({
  [TAGS.release]: release,
  [TAGS.commit]: commit,
  [TAGS.environment]: 'production',
  [TAGS.outcome]: outcome,
  ...(run ? { [TAGS.run]: RUN_URL(run) } : {}),
});

beforeAll(async () => {
  lab = createLab({ clock: realClock });
  lab.ecs.createCluster(CLUSTER);
  await register(API, {
    [TAGS.release]: 'baseline',
    [TAGS.environment]: 'production',
    [TAGS.outcome]: 'succeeded',
  });
  await register(WEB, {
    [TAGS.release]: 'baseline',
    [TAGS.environment]: 'production',
    [TAGS.outcome]: 'succeeded',
  });
  await register(API, rec('r1', C1, 'succeeded', 1));
  await register(WEB, rec('r1', C1, 'succeeded', 1));
  await register(API, rec('r2', C2, 'rolled-back', 2));
  await register(API, rec('r3', C3, 'failed', 3));
  await register(WEB, rec('r3', C3, 'failed', 3));
  for (const [name, td] of [
    [API, `${API}:2`],
    [WEB, `${WEB}:2`],
  ] as const) {
    lab.ecs.createService({
      cluster: CLUSTER,
      serviceName: name,
      taskDefinition: td,
      desiredCount: 1,
      launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'] } },
    });
  }
  server = await startLabServer(lab, { port: 0 });
  workdir = mkdtempSync(join(tmpdir(), 'ecs-release-history-'));
  lab.recorder.clear();
});

afterAll(async () => {
  await server?.close();
});

/** The CLI: `node dist/index.js <args>` outside a runner; async, since this process answers the lab's HTTP. */
/** The CLI as a person runs it: no runner around it, no Docker engine (DOCKER_HOST points at nothing). */
function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runNode([BUNDLE, ...args], {
    cwd: workdir,
    env: labProcessEnv(server.url, 'unix:///nonexistent/docker.sock'),
  });
}

const flags = Object.entries(INPUTS)
  .filter(([name]) => name !== 'command')
  .flatMap(([name, value]) => [`--${name}`, value]);
const TIME = '\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC';

describe('history, the built bundle as a whole process (lab over HTTP)', () => {
  it('as the runner runs it: one line per release newest first, the summary table, outputs, exit 0, nothing changed', async () => {
    // No Docker engine: history must not need one (DOCKER_HOST points at nothing).
    const labEnv = { dockerHost: 'unix:///nonexistent/docker.sock' } as LabEnv;
    const result = await runAction({ inputs: INPUTS, cwd: workdir, url: server.url, labEnv });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const lines = result.stdout.split('\n').filter((l) => /^[-*] (r\d|baseline) /.test(l));
    const expected = [
      `- r3  commit 333333333333  failed  ${TIME}  ${WEB} ${WEB}:3, ${API} ${API}:4  run ${RUN_URL(3)}`,
      `- r2  commit 222222222222  rolled-back  ${TIME}  ${WEB} ${WEB}:2 \\(kept from r1\\), ${API} ${API}:3  run ${RUN_URL(2)}`,
      `\\* r1  commit 111111111111  succeeded  ${TIME}  ${WEB} ${WEB}:2, ${API} ${API}:2  run ${RUN_URL(1)}  \\(running now\\)`,
      `- baseline  succeeded  ${TIME}  ${WEB} ${WEB}:1, ${API} ${API}:1`,
    ];
    expect(lines).toHaveLength(expected.length);
    lines.forEach((line, i) => {
      expect(line).toMatch(new RegExp(`^${expected[i]}$`));
    });
    expect(result.outputs).toMatchObject({ result: 'listed', release: 'r1' });
    expect(result.summary).toContain('## ecs-release history: :scroll: listed (nothing changed)');
    expect(result.summary).toContain('| now | release | commit | outcome | when | services | run |');
    expect(result.summary).toMatch(/\n\| :arrow_forward: \| `r1` \| `111111111111` \| succeeded \| /);
    // Nothing for the post step, no claim, no tag: history only reads.
    expect(result.state).toEqual({});
    expect(lab.recorder.mutations()).toEqual([]);
  });

  it('the CLI with --json: the list alone on stdout, the log on stderr, exit 0', async () => {
    const result = await cli(['history', '--json', ...flags]);
    expect(result.code, result.stderr).toBe(0);
    const list = JSON.parse(result.stdout) as {
      release: string;
      outcome: string | null;
      running: boolean;
      runUrl: string | null;
      commit: string;
      registeredAt: string;
      services: { service: string; taskDefinition: string | null; fromRelease: string | null }[];
    }[];
    expect(list.map((r) => [r.release, r.outcome, r.running, r.runUrl])).toEqual([
      ['r3', 'failed', false, RUN_URL(3)],
      ['r2', 'rolled-back', false, RUN_URL(2)],
      ['r1', 'succeeded', true, RUN_URL(1)],
      ['baseline', 'succeeded', false, null],
    ]);
    expect(list[1]?.services).toEqual([
      {
        service: WEB,
        taskDefinition: expect.stringMatching(new RegExp(`:task-definition/${WEB}:2$`)),
        fromRelease: 'r1',
      },
      {
        service: API,
        taskDefinition: expect.stringMatching(new RegExp(`:task-definition/${API}:3$`)),
        fromRelease: 'r2',
      },
    ]);
    expect(list[0]?.commit).toBe(C3);
    expect(Number.isNaN(Date.parse(list[0]?.registeredAt ?? ''))).toBe(false);
    expect(result.stderr).toMatch(/\* r1 {2}commit 111111111111 {2}succeeded .*\(running now\)/);
    expect(lab.recorder.mutations()).toEqual([]);
  });

  it('--json with another command is a wrong command line: exit 2, nothing read', async () => {
    lab.recorder.clear();
    const result = await cli(['plan', '--json', ...flags]);
    expect(result.code).toBe(2);
    expect(result.stdout + result.stderr).toContain(
      '--json prints the releases that `ecs-release history` lists; the other commands have no JSON output',
    );
    expect(lab.recorder.calls()).toEqual([]);
  });
});
