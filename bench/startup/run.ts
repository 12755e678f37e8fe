/**
 * Cold start to the first log line, whole process: `node dist/index.js` with a
 * valid `plan` configuration (the demo app's) and an unreachable AWS endpoint,
 * against the AWS deploy action's released bundle (v2.6.3, read in place from
 * ../shared/anchors, never copied) with a valid task definition, and bare `node`
 * printing one line (the floor both pay). Inputs go in as INPUT_* variables, the
 * way the runner (and lab/runner.ts) passes them. Time = spawn → first stdout
 * line; the child is killed there (what it does next is another figure).
 * One warm-up round, then the median of 9, the three interleaved so load hits
 * all alike.
 *
 *   npx tsx bench/startup/run.ts
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { median } from '../lib/stats';

const ROOT = resolve(__dirname, '../..');
export const BUNDLE = join(ROOT, 'dist/index.js');
export const ANCHOR = resolve(
  ROOT,
  '../shared/anchors/amazon-ecs-deploy-task-definition-v2.6.3/dist/index.js',
);
const ROUNDS = 9;

/** Nothing listens on port 9 (discard): every AWS call fails fast, after the first line. */
const BASE_ENV = {
  PATH: process.env.PATH ?? '',
  HOME: process.env.HOME ?? '/root',
  AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  AWS_REGION: 'eu-west-1',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  GITHUB_ACTIONS: 'true',
};

/** ms from spawn to the first complete line on stdout. */
export function firstLine(args: string[], env: Record<string, string>, cwd: string): Promise<number> {
  return new Promise((done, fail) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'ignore'] });
    let seen = false;
    child.stdout.on('data', (d: Buffer) => {
      if (seen || !d.includes('\n')) return;
      seen = true;
      const ms = performance.now() - started;
      child.kill('SIGKILL');
      done(ms);
    });
    child.on('error', fail);
    child.on('close', (code) => {
      if (!seen) fail(new Error(`${args.join(' ')} exited ${code} without a line on stdout`));
    });
  });
}

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ecs-release-bench-startup-'));
  mkdirSync(join(dir, '.github'));
  cpSync(join(ROOT, 'examples/app/.github/ecs-release.yml'), join(dir, '.github/ecs-release.yml'));
  writeFileSync(
    join(dir, 'td.json'),
    JSON.stringify({
      family: 'web',
      containerDefinitions: [{ name: 'web', image: 'nginx', essential: true }],
    }),
  );
  return dir;
}

export async function coldStart(): Promise<{ ours: number; anchor?: number; node: number }> {
  const dir = workspace();
  const hasAnchor = existsSync(ANCHOR);
  const oursEnv = {
    ...BASE_ENV,
    GITHUB_WORKSPACE: dir,
    GITHUB_SHA: 'f'.repeat(40),
    INPUT_COMMAND: 'plan',
    'INPUT_AWS-REGION': 'eu-west-1',
  };
  const anchorEnv = {
    ...BASE_ENV,
    GITHUB_WORKSPACE: dir,
    'INPUT_TASK-DEFINITION': 'td.json',
    INPUT_SERVICE: 'web',
    INPUT_CLUSTER: 'acme',
  };
  const samples = { ours: [] as number[], anchor: [] as number[], node: [] as number[] };
  try {
    for (let round = 0; round <= ROUNDS; round += 1) {
      const ours = await firstLine([BUNDLE], oursEnv, dir);
      const anchor = hasAnchor ? await firstLine([ANCHOR], anchorEnv, dir) : Number.NaN;
      const node = await firstLine(['-e', 'console.log("ready")'], BASE_ENV, dir);
      if (round === 0) continue; // warm-up: the page cache, not the code, would be measured
      samples.ours.push(ours);
      samples.anchor.push(anchor);
      samples.node.push(node);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    ours: median(samples.ours),
    ...(hasAnchor && { anchor: median(samples.anchor) }),
    node: median(samples.node),
  };
}

if (require.main === module) {
  coldStart().then(
    (r) => console.log(JSON.stringify(r)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
