/**
 * docs/targets.md: the first log line comes before anything only later stages need. The built
 * bundle runs a valid plan (AWS endpoint unreachable) with a preload that records, in
 * order, each chunk it loads and its first stdout write: no chunk holding the AWS SDK,
 * the Docker client, gRPC or @actions/core's HTTP client may load before that line.
 * Order, not timing: a loaded machine cannot make it flaky.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const DIST = resolve('dist');
const TRACER = resolve('__tests__/e2e/fixtures/trace-first-line.cjs');

/** What a chunk holds, by names the minified bundle keeps (esbuild keepNames). */
const HEAVY: Record<string, RegExp> = {
  'the AWS SDK':
    /"(ECS|ECR|RDS|STS|CloudWatch|CloudWatchLogs|SecretsManager|ElasticLoadBalancingV2)Client"|"SignatureV4"/,
  dockerode: /"Docker"|ssh2/,
  gRPC: /"ServerCredentials"/,
  'undici (@actions/core, @actions/github)': /undici/,
  '@actions/github': /"Octokit"/,
};

function heavyParts(chunk: string): string[] {
  const code = readFileSync(join(DIST, chunk), 'utf8');
  return Object.entries(HEAVY)
    .filter(([, marker]) => marker.test(code))
    .map(([name]) => name);
}

function runPlan(): { status: number | null; stdout: string; trace: string[] } {
  const workspace = mkdtempSync(join(tmpdir(), 'ecs-release-first-line-'));
  cpSync(resolve('examples/app'), workspace, { recursive: true });
  const trace = join(workspace, 'trace');
  writeFileSync(trace, '');
  const child = spawnSync(process.execPath, ['--require', TRACER, join(DIST, 'index.js')], {
    cwd: workspace,
    encoding: 'utf8',
    timeout: 120_000,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/root',
      GITHUB_WORKSPACE: workspace,
      GITHUB_SHA: 'a'.repeat(40),
      INPUT_COMMAND: 'plan',
      INPUT_ENVIRONMENT: 'production',
      FIRST_LINE_TRACE: trace,
      // Nothing listens on port 9: every AWS call fails, after the SDK has loaded.
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
      AWS_ACCESS_KEY_ID: 'first-line',
      AWS_SECRET_ACCESS_KEY: 'first-line',
      AWS_REGION: 'eu-west-1',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
  });
  return {
    status: child.status,
    stdout: child.stdout,
    trace: readFileSync(trace, 'utf8').split('\n').filter(Boolean),
  };
}

describe('node dist/index.js with a valid configuration', () => {
  it('prints its first line before loading the SDK, Docker or HTTP clients, from small chunks', () => {
    const { status, stdout, trace } = runPlan();
    const firstLine = trace.findIndex((e) => e.startsWith('stdout '));
    expect(firstLine, trace.join('\n')).toBeGreaterThan(0);
    const chunk = (e: string) => e.slice('chunk '.length);
    const before = trace
      .slice(0, firstLine)
      .filter((e) => e.startsWith('chunk '))
      .map(chunk);
    const after = trace
      .slice(firstLine)
      .filter((e) => e.startsWith('chunk '))
      .map(chunk);

    expect(before.map((c) => [c, heavyParts(c)])).toEqual(before.map((c) => [c, []]));
    const bytes = ['index.js', ...before].reduce((sum, c) => sum + statSync(join(DIST, c)).size, 0);
    expect(bytes).toBeLessThan(400 * 1024);
    // That first line says what runs.
    expect(trace[firstLine]).toMatch(
      /^stdout ecs-release \S+: plan of release a{40} in production \(cluster demo, eu-west-1, 2 services\)$/,
    );

    // The run went on to load the SDK and fail on the unreachable endpoint: the
    // markers above do find the SDK, so their absence before the first line means something.
    expect(after.flatMap(heavyParts)).toContain('the AWS SDK');
    expect(stdout).toContain('::group::Preflight');
    expect(status).toBe(1);
  });
});
