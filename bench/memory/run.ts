/**
 * Memory (docs/targets.md): peak RSS of a process streaming 100,000 migration log lines (the
 * migrate stage's log follower, task mode) against the lab over HTTP.
 *
 * The stage runs in a child as the action runs it: its fixture
 * (__tests__/migrate/fixtures/stream-lines.ts) bundled the way scripts/bundle.mjs builds
 * dist/ (ncc, then esbuild's minify with names kept) and started with plain `node`, so the
 * figure is the shipped code's, without tsx's loader thread (about 33 MB on its own).
 * `--bundler esbuild` bundles it with esbuild alone instead, as this bench did before: that
 * figure is about 8 MB higher, though the code is the same. esbuild wraps each bundled
 * CommonJS module in a function passed as an argument, which V8 compiles eagerly at load
 * (the bundle's SDK clients a task-mode migration never uses included); ncc's webpack
 * runtime keeps modules as object properties, compiled when first required.
 * The lab and its copy of the lines live in this process, not in the measured one.
 *
 *   npx tsx bench/memory/run.ts [--runs 3] [--bundler esbuild]   a markdown table (median peak of the runs)
 *   import { benchMemoryMedian, MEMORY_HEADER, memoryMarkdown } from './bench/memory/run'
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { build, transform } from 'esbuild';
import { startStreamWorld } from '../../__tests__/migrate/stream-world';

const ROOT = resolve(__dirname, '../..');
const FIXTURE = join(ROOT, '__tests__/migrate/fixtures/stream-lines.ts');

export interface MemoryResult {
  lines: number;
  ms: number;
  /** RSS of the measured process when the stage starts. */
  rssBeforeMB: number;
  /** Peak RSS of the measured process (its own high-water mark: VmHWM on Linux). */
  maxRssMB: number;
  peakHeapMB: number;
  outcome: string;
  last: string;
}

export type Bundler = 'ncc' | 'esbuild';

/** The fixture as one CommonJS file, bundled by esbuild alone (minified, names kept). */
async function esbuildFixture(dir: string): Promise<string> {
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

type Ncc = (
  entry: string,
  options: object,
) => Promise<{ code: string; assets: Record<string, { source: Buffer | string }> }>;

/** The fixture bundled as scripts/bundle.mjs bundles dist/: ncc, its chunks beside it, each minified. */
async function nccFixture(dir: string): Promise<string> {
  const ncc = require('@vercel/ncc') as Ncc;
  const minify = async (code: string) =>
    (
      await transform(code, {
        minify: true,
        keepNames: true,
        legalComments: 'none',
        target: 'es2022',
        format: 'cjs',
        platform: 'node',
      })
    ).code;
  const { code, assets } = await ncc(FIXTURE, {
    minify: false,
    sourceMap: false,
    quiet: true,
    target: 'es2022',
  });
  const outfile = join(dir, 'index.js');
  writeFileSync(outfile, await minify(code));
  for (const [name, asset] of Object.entries(assets)) {
    const file = join(dir, name);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, name.endsWith('.js') ? await minify(asset.source.toString()) : asset.source);
  }
  return outfile;
}

export function bundleFixture(dir: string, bundler: Bundler = 'ncc'): Promise<string> {
  return bundler === 'ncc' ? nccFixture(dir) : esbuildFixture(dir);
}

/** One run: 100,000 lines (or `lines`) of 71 characters through the follower. */
export async function benchMemory(
  options: { lines?: number; bundler?: Bundler /** An already bundled fixture. */; script?: string } = {},
): Promise<MemoryResult> {
  const count = options.lines ?? 100_000;
  const dir = mkdtempSync(join(tmpdir(), 'ecs-release-memory-'));
  const world = await startStreamWorld(dir, count);
  try {
    const script = options.script ?? (await bundleFixture(dir, options.bundler));
    const { stdout } = await promisify(execFile)(process.execPath, [script, world.handoff], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/root',
        AWS_ENDPOINT_URL: world.url,
        AWS_ACCESS_KEY_ID: 'lab',
        AWS_SECRET_ACCESS_KEY: 'lab',
        AWS_REGION: world.region,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
      maxBuffer: 1024 * 1024,
    });
    return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as MemoryResult;
  } finally {
    await world.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `runs` runs one after another (each its own lab and child): the one with the median peak. */
export async function benchMemoryMedian(
  runs = 3,
  bundler: Bundler = 'ncc',
): Promise<MemoryResult & { peaksMB: number[] }> {
  const results: MemoryResult[] = [];
  // Bundled once: ncc's webpack leaves this process some 500 MB bigger per build.
  const dir = mkdtempSync(join(tmpdir(), 'ecs-release-memory-bundle-'));
  try {
    const script = await bundleFixture(dir, bundler);
    for (let i = 0; i < runs; i++) {
      const r = await benchMemory({ script });
      if (r.outcome !== 'succeeded' || r.lines !== 100_000) throw new Error(`bad run: ${JSON.stringify(r)}`);
      results.push(r);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const sorted = [...results].sort((a, b) => a.maxRssMB - b.maxRssMB);
  const median = sorted[Math.floor((sorted.length - 1) / 2)] as MemoryResult;
  return { ...median, peaksMB: results.map((r) => r.maxRssMB) };
}

export const MEMORY_HEADER = [
  '| 100,000 log lines streamed (docs/targets.md: under 100 MB) | peak RSS (median) | peaks of all runs | RSS before the stage | peak heap | time |',
  '| --- | --- | --- | --- | --- | --- |',
].join('\n');

export function memoryMarkdown(r: MemoryResult & { peaksMB?: number[] }, bundler: Bundler = 'ncc'): string {
  const peaks = (r.peaksMB ?? [r.maxRssMB]).map((p) => `${p}`).join(', ');
  return `| migrate stage (task mode), bundled ${bundler === 'ncc' ? 'like dist/ (ncc)' : 'by esbuild alone'}, plain node | ${r.maxRssMB} MB | ${peaks} MB | ${r.rssBeforeMB} MB | ${r.peakHeapMB} MB | ${(r.ms / 1000).toFixed(1)} s |`;
}

if (require.main === module) {
  const at = process.argv.indexOf('--runs');
  const bundler = process.argv.includes('--bundler')
    ? (process.argv[process.argv.indexOf('--bundler') + 1] as Bundler)
    : 'ncc';
  benchMemoryMedian(at > 0 ? Number(process.argv[at + 1]) : 3, bundler)
    .then((r) => {
      console.log(MEMORY_HEADER);
      console.log(memoryMarkdown(r, bundler));
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
