/**
 * The CLI as a user installs it: `npm pack`, `npm install -g --prefix <tmp>` of the
 * tarball, then the installed `ecs-release` binary (through PATH, from the app's own
 * directory, no runner variables) runs --help and a plan against the lab over HTTP.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appCheckout, type E2eLab, startE2eLab } from './harness';

const ROOT = resolve(__dirname, '../..');
const RUN = `cli${Date.now().toString(36)}`;
let lab: E2eLab;
let prefix: string;

/** Async: the lab answers HTTP from this process, so the CLI must not block it. */
function ecsRelease(
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<{ code: number | null; out: string }> {
  const child = spawn('ecs-release', args, {
    cwd,
    timeout: 120_000,
    env: {
      // the CLI's `#!/usr/bin/env node` finds the Node these tests run on (24 in lab/test)
      PATH: `${join(prefix, 'bin')}:${dirname(process.execPath)}:${process.env.PATH ?? ''}`,
      HOME: process.env.HOME ?? '/root',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...env,
    },
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    out += d.toString();
  });
  return new Promise((done, fail) => {
    child.on('error', fail);
    child.on('close', (code) => done({ code, out }));
  });
}

beforeAll(async () => {
  lab = await startE2eLab();
  const work = mkdtempSync(join(tmpdir(), 'ecs-release-pack-'));
  execFileSync('npm', ['pack', '--silent', '--pack-destination', work], { cwd: ROOT });
  const tarball = readdirSync(work).find((f) => f.endsWith('.tgz')) ?? '';
  prefix = join(work, 'prefix');
  execFileSync(
    'npm',
    ['install', '-g', '--prefix', prefix, join(work, tarball), '--no-audit', '--no-fund', '--prefer-offline'],
    { cwd: work, stdio: 'ignore' },
  );
});

afterAll(async () => {
  await lab?.close();
  if (prefix) rmSync(resolve(prefix, '..'), { recursive: true, force: true });
});

describe('the installed ecs-release', () => {
  it('--help lists every command and flag from any directory; a typo is a clear error', async () => {
    const help = await ecsRelease(['--help'], tmpdir());
    expect(help.code).toBe(0);
    expect(help.out).toContain('usage: ecs-release [deploy|rollback|plan|history|check|unlock]');
    expect(help.out).toMatch(/--cluster +ECS cluster name or ARN\./);
    const rollback = await ecsRelease(['rollback', '--help'], tmpdir());
    expect(rollback.out).toMatch(/--to +Rollback target/);
    const typo = await ecsRelease(['plan', '--clustr', 'acme'], tmpdir());
    expect(typo.code).toBe(2);
    expect(typo.out).toContain('unknown flag --clustr; did you mean --cluster?');
    expect(typo.out).not.toMatch(/\n\s+at /);
  });

  it('plan against the lab: exit 0, the plan printed, nothing changed in AWS', async () => {
    const app = appCheckout();
    app.commit('first');
    const before = lab.lab.recorder.mutations().length;
    const result = await ecsRelease(
      ['plan', '--frontend-repository', `${RUN}/frontend`, '--backend-repository', `${RUN}/backend`],
      app.dir,
      {
        AWS_ENDPOINT_URL: lab.url,
        AWS_ACCESS_KEY_ID: 'lab',
        AWS_SECRET_ACCESS_KEY: 'lab',
        AWS_REGION: 'eu-west-1',
        DOCKER_HOST: lab.env.dockerHost,
      },
    );
    expect(result.code).toBe(0);
    expect(result.out).toContain('::set-output name=result::planned');
    expect(result.out).toMatch(
      /service demo-api \(wave 1\) runs demo-api:1\n {2}would register a new revision/,
    );
    expect(lab.lab.recorder.mutations().length).toBe(before);
  });
});
