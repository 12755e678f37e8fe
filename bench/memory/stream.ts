/**
 * Peak memory while the migrate stage streams 100,000 log lines: the stage runs
 * in a child process against the lab over HTTP (the lab's copy of the lines lives
 * in this process, not the measured one), the child reports its peak RSS
 * (getrusage maxRSS). The child is the memory test's fixture bundled with
 * esbuild and run by plain `node`, the way dist/ runs: no tsx loader in the figure.
 * Baseline in the same run: a bare `node` process's RSS.
 *
 *   npx tsx bench/memory/stream.ts
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
const run = promisify(execFile);

export interface MemoryResult {
  lines: number;
  ms: number;
  rssBeforeMB: number;
  maxRssMB: number;
  peakHeapMB: number;
  /** A bare `node -e` process's peak RSS. */
  nodeMB: number;
}

async function bundleFixture(dir: string): Promise<string> {
  const out = join(dir, 'stream-lines.js');
  await build({
    entryPoints: [FIXTURE],
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'error',
  });
  return out;
}

async function seed(lineCount: number) {
  const lab = createLab({ clock: realClock });
  const aws = createClients({
    region: lab.region,
    requestHandler: lab.handler,
    credentials: { accessKeyId: 'lab', secretAccessKey: 'lab' },
  });
  const handoff = await seedMigrationService({ lab, aws });
  const lines = Array.from(
    { length: lineCount },
    (_, i) => `row ${String(i).padStart(6, '0')} ${'y'.repeat(60)}`,
  );
  lab.ecs.timings({ provisioningMs: 0, pendingMs: 0 });
  lab.ecs.behave(
    { family: FAMILY, revision: 2 },
    { outcome: 'exit', exitCode: 0, logLines: lines, after: 1000 },
  );
  const config = testConfig({
    cluster: CLUSTER,
    migration: {
      service: 'demo-api',
      container: CONTAINER,
      command: ['migrate'],
      mode: 'task',
      timeoutMs: 300_000,
      always: false,
    },
  });
  return { lab, handoff: { config, preflight: handoff.preflight, render: handoff.render } };
}

export async function streamMemory(lineCount = 100_000): Promise<MemoryResult> {
  const dir = mkdtempSync(join(tmpdir(), 'ecs-release-bench-memory-'));
  const { lab, handoff } = await seed(lineCount);
  const server = await startLabServer(lab, { port: 0 });
  try {
    const script = await bundleFixture(dir);
    const file = join(dir, 'handoff.json');
    writeFileSync(file, JSON.stringify(handoff));
    const { stdout } = await run(process.execPath, [script, file], {
      env: {
        PATH: process.env.PATH ?? '',
        AWS_ENDPOINT_URL: server.url,
        AWS_ACCESS_KEY_ID: 'lab',
        AWS_SECRET_ACCESS_KEY: 'lab',
        AWS_REGION: lab.region,
        NODE_NO_WARNINGS: '1',
      },
      maxBuffer: 1024 * 1024,
    });
    const report = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Omit<MemoryResult, 'nodeMB'> & {
      outcome: string;
    };
    if (report.outcome !== 'succeeded' || report.lines !== lineCount)
      throw new Error(`migration ${report.outcome}, ${report.lines} of ${lineCount} lines`);
    const bare = await run(process.execPath, ['-e', 'console.log(process.resourceUsage().maxRSS)']);
    return { ...report, nodeMB: Math.round(Number(bare.stdout.trim()) / 1024) };
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  streamMemory().then(
    (r) => console.log(JSON.stringify(r)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
