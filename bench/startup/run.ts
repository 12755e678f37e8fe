/**
 * Cold start (docs/targets.md): from process start to the first log line (first stdout bytes) of
 * `node dist/index.js` with a valid configuration, side by side in one run with the
 * AWS deploy action v2.6.3 (aws-actions/amazon-ecs-deploy-task-definition, read from
 * ../shared/anchors, never copied into the project) and `node -e`.
 *
 * - ecs-release: a `plan` of examples/app (copied to a temp dir), inputs as INPUT_*
 *   variables as the runner sets them (lab/runner.ts), AWS endpoint unreachable.
 * - the AWS action: a valid task definition file, service and cluster inputs, the same
 *   unreachable endpoint; its first line is `::debug::Registering the task definition`.
 * - `node -e "console.log(1)"`: what starting Node costs at all.
 * One warm-up round, then `runs` rounds (default 9), the three interleaved in each
 * round so machine load hits them alike; the median of each is reported.
 *
 *   npx tsx bench/startup/run.ts [--runs 9]     prints a markdown table
 *   import { benchStartup, startupMarkdown } from './bench/startup/run'
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
export const ANCHOR = resolve(
  ROOT,
  '../shared/anchors/amazon-ecs-deploy-task-definition-v2.6.3/dist/index.js',
);
const UNREACHABLE = 'http://127.0.0.1:9';

interface Subject {
  name: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
}

export interface StartupRow {
  name: string;
  /** Median ms from spawn to the first stdout bytes. */
  medianMs: number;
  runsMs: number[];
  /** The first line it printed (to check it is the line meant). */
  firstLine: string;
}

export interface StartupResult {
  runs: number;
  rows: StartupRow[];
  /** ecs-release's median over the AWS action's, when the anchor is there. */
  ratio?: number;
  notices: string[];
}

const baseEnv = (): Record<string, string> => ({
  PATH: process.env.PATH ?? '',
  HOME: process.env.HOME ?? '/root',
  AWS_ENDPOINT_URL: UNREACHABLE,
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  AWS_REGION: 'eu-west-1',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
});

/** Spawn to first stdout bytes; the process is then killed (what follows is not measured). */
function firstLine(s: Subject): Promise<{ ms: number; line: string }> {
  return new Promise((done, fail) => {
    const started = performance.now();
    const child = spawn(process.execPath, s.args, {
      cwd: s.cwd,
      env: s.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let ms: number | undefined;
    child.stdout.on('data', (d: Buffer) => {
      ms ??= performance.now() - started;
      out += d.toString();
      if (out.includes('\n')) child.kill('SIGKILL');
    });
    child.stderr.resume();
    child.on('error', fail);
    child.on('close', () => {
      if (ms === undefined) fail(new Error(`${s.name} printed nothing on stdout`));
      else done({ ms, line: out.split('\n')[0] ?? '' });
    });
  });
}

function subjects(dir: string, notices: string[]): Subject[] {
  const app = join(dir, 'app');
  cpSync(join(ROOT, 'examples/app'), app, { recursive: true });
  const list: Subject[] = [
    {
      name: 'ecs-release (dist/index.js, plan)',
      args: [join(ROOT, 'dist/index.js')],
      cwd: app,
      env: {
        ...baseEnv(),
        GITHUB_WORKSPACE: app,
        GITHUB_SHA: 'a'.repeat(40),
        INPUT_COMMAND: 'plan',
        INPUT_ENVIRONMENT: 'production',
      },
    },
  ];
  if (existsSync(ANCHOR)) {
    writeFileSync(
      join(dir, 'task-definition.json'),
      JSON.stringify({
        family: 'web',
        containerDefinitions: [{ name: 'web', image: 'acme/web:1', memory: 512, essential: true }],
      }),
    );
    list.push({
      name: 'AWS deploy action v2.6.3',
      args: [ANCHOR],
      cwd: dir,
      env: {
        ...baseEnv(),
        GITHUB_WORKSPACE: dir,
        'INPUT_TASK-DEFINITION': 'task-definition.json',
        INPUT_SERVICE: 'web',
        INPUT_CLUSTER: 'acme',
      },
    });
  } else {
    notices.push(
      `the AWS deploy action is not at ${ANCHOR} (no ../shared/anchors): its row and the ratio are skipped`,
    );
  }
  list.push({ name: 'node -e', args: ['-e', 'console.log(1)'], cwd: dir, env: baseEnv() });
  return list;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};

export async function benchStartup(options: { runs?: number } = {}): Promise<StartupResult> {
  const runs = options.runs ?? 9;
  const notices: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'ecs-release-startup-'));
  try {
    if (!existsSync(join(ROOT, 'dist/index.js')))
      throw new Error('dist/index.js is missing: run npm run bundle');
    const list = subjects(dir, notices);
    for (const s of list) await firstLine(s); // warm-up: the file cache, not a compile cache
    const times = list.map(() => [] as number[]);
    const lines = list.map(() => '');
    for (let round = 0; round < runs; round++) {
      for (const [i, s] of list.entries()) {
        const { ms, line } = await firstLine(s);
        times[i]?.push(ms);
        lines[i] = line;
      }
    }
    const rows = list.map((s, i) => ({
      name: s.name,
      medianMs: median(times[i] ?? []),
      runsMs: times[i] ?? [],
      firstLine: lines[i] ?? '',
    }));
    const ours = rows[0];
    const anchor = rows.find((r) => r.name.startsWith('AWS'));
    return { runs, rows, ...(ours && anchor && { ratio: ours.medianMs / anchor.medianMs }), notices };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const STARTUP_HEADER = [
  '| cold start to the first log line | median | runs (min–max) | first line |',
  '| --- | --- | --- | --- |',
].join('\n');

const clipLine = (line: string) => (line.length > 60 ? `${line.slice(0, 57)}…` : line);

/** One markdown row per subject, then the ratio row. */
export function startupMarkdown(r: StartupResult): string {
  const rows = r.rows.map(
    (row) =>
      `| ${row.name} | ${row.medianMs.toFixed(0)} ms | ${r.runs} (${Math.min(...row.runsMs).toFixed(0)}–${Math.max(...row.runsMs).toFixed(0)} ms) | \`${clipLine(row.firstLine).replace(/\|/g, '\\|')}\` |`,
  );
  if (r.ratio !== undefined)
    rows.push(`| ratio ecs-release / AWS action (target < 0.67) | ${r.ratio.toFixed(2)} | | |`);
  return rows.join('\n');
}

if (require.main === module) {
  const at = process.argv.indexOf('--runs');
  const runs = at > 0 ? Number(process.argv[at + 1]) : 9;
  benchStartup({ runs })
    .then((r) => {
      for (const n of r.notices) console.log(`notice: ${n}`);
      console.log(STARTUP_HEADER);
      console.log(startupMarkdown(r));
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
