/**
 * SPEC 5 memory: peak RSS of a process streaming 100,000 migration log lines (the
 * migrate stage's log follower, task mode) against the lab over HTTP.
 *
 * The stage runs in a child as the action runs it: its fixture
 * (__tests__/migrate/fixtures/stream-lines.ts) bundled by esbuild with the settings
 * of dist/ (CommonJS, minified, names kept) and started with plain `node`, so the
 * figure is the shipped code's, without tsx's loader thread (about 33 MB on its own).
 * The lab and its copy of the lines live in this process, not in the measured one.
 *
 *   npx tsx bench/memory/run.ts [--runs 3]    prints a markdown table (median peak of the runs)
 *   import { benchMemoryMedian, MEMORY_HEADER, memoryMarkdown } from './bench/memory/run'
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { CLUSTER, CONTAINER, FAMILY, seedMigrationService } from '../../__tests__/migrate/seed';
import { testConfig } from '../../__tests__/support/config';
import { realClock } from '../../lab/sim/clock';
import { createLab } from '../../lab/sim/lab';
import { startLabServer } from '../../lab/sim/server';
import { createClients } from '../../src/aws/clients';

const ROOT = resolve(__dirname, '../..');
const FIXTURE = join(ROOT, '__tests__/migrate/fixtures/stream-lines.ts');

export interface MemoryResult {
  lines: number;
  ms: number;
  /** RSS of the measured process when the stage starts. */
  rssBeforeMB: number;
  /** Peak RSS of the measured process (getrusage maxrss). */
  maxRssMB: number;
  peakHeapMB: number;
  outcome: string;
  last: string;
}

/** The fixture as one CommonJS file, bundled like dist/ (scripts/bundle.mjs: minified, names kept). */
export async function bundleFixture(dir: string): Promise<string> {
  const outfile = join(dir, 'stream-lines.cjs');
  await build({
    entryPoints: [FIXTURE],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'es2022',
    minify: true,
    keepNames: true,
    legalComments: 'none',
    logLevel: 'error',
  });
  return outfile;
}

/** One run: 100,000 lines (or `lines`) of 71 characters through the follower. */
export async function benchMemory(options: { lines?: number } = {}): Promise<MemoryResult> {
  const count = options.lines ?? 100_000;
  const dir = mkdtempSync(join(tmpdir(), 'ecs-release-memory-'));
  const lab = createLab({ clock: realClock });
  const aws = createClients({
    region: lab.region,
    requestHandler: lab.handler,
    credentials: { accessKeyId: 'lab', secretAccessKey: 'lab' },
  });
  const { preflight, render } = await seedMigrationService({ lab, aws });
  const lines = Array.from(
    { length: count },
    (_, i) => `row ${String(i).padStart(6, '0')} ${'y'.repeat(60)}`,
  );
  lab.ecs.timings({ provisioningMs: 0, pendingMs: 0 });
  lab.ecs.behave(
    { family: FAMILY, revision: 2 },
    { outcome: 'exit', exitCode: 0, logLines: lines, after: 1000 },
  );
  const server = await startLabServer(lab, { port: 0 });
  try {
    const config = testConfig({
      cluster: CLUSTER,
      migration: {
        service: 'demo-api',
        container: CONTAINER,
        command: ['migrate'],
        mode: 'task',
        timeoutMs: 120_000,
        always: false,
      },
    });
    const handoff = join(dir, 'handoff.json');
    writeFileSync(handoff, JSON.stringify({ config, preflight, render }));
    const script = await bundleFixture(dir);
    const { stdout } = await promisify(execFile)(process.execPath, [script, handoff], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/root',
        AWS_ENDPOINT_URL: server.url,
        AWS_ACCESS_KEY_ID: 'lab',
        AWS_SECRET_ACCESS_KEY: 'lab',
        AWS_REGION: lab.region,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
      maxBuffer: 1024 * 1024,
    });
    return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as MemoryResult;
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `runs` runs one after another (each its own lab and child): the one with the median peak. */
export async function benchMemoryMedian(runs = 3): Promise<MemoryResult & { peaksMB: number[] }> {
  const results: MemoryResult[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await benchMemory();
    if (r.outcome !== 'succeeded' || r.lines !== 100_000) throw new Error(`bad run: ${JSON.stringify(r)}`);
    results.push(r);
  }
  const sorted = [...results].sort((a, b) => a.maxRssMB - b.maxRssMB);
  const median = sorted[Math.floor((sorted.length - 1) / 2)] as MemoryResult;
  return { ...median, peaksMB: results.map((r) => r.maxRssMB) };
}

export const MEMORY_HEADER = [
  '| 100,000 log lines streamed (SPEC 5: under 100 MB) | peak RSS (median) | peaks of all runs | RSS before the stage | peak heap | time |',
  '| --- | --- | --- | --- | --- | --- |',
].join('\n');

export function memoryMarkdown(r: MemoryResult & { peaksMB?: number[] }): string {
  const peaks = (r.peaksMB ?? [r.maxRssMB]).map((p) => `${p}`).join(', ');
  return `| migrate stage (task mode), bundled like dist/, plain node | ${r.maxRssMB} MB | ${peaks} MB | ${r.rssBeforeMB} MB | ${r.peakHeapMB} MB | ${(r.ms / 1000).toFixed(1)} s |`;
}

if (require.main === module) {
  const at = process.argv.indexOf('--runs');
  benchMemoryMedian(at > 0 ? Number(process.argv[at + 1]) : 3)
    .then((r) => {
      console.log(MEMORY_HEADER);
      console.log(memoryMarkdown(r));
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
