/**
 * Runs the built action the way the GitHub runner does: `node dist/index.js` with
 * INPUT_* variables and GITHUB_OUTPUT / GITHUB_STATE / GITHUB_STEP_SUMMARY files,
 * pointed at the lab with AWS_ENDPOINT_URL. Shared by the demo and the e2e tests.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { LabEnv } from './env';

const ROOT = resolve(__dirname, '..');
export const BUNDLE = join(ROOT, 'dist/index.js');
export const POST_BUNDLE = join(ROOT, 'dist/post/index.js');

/** A git checkout of examples/app in a temp dir, so releases have real commits. */
export function appCheckout(): {
  dir: string;
  commit(message: string, edit?: (dir: string) => void): string;
} {
  const dir = mkdtempSync(join(tmpdir(), 'ecs-release-app-'));
  cpSync(join(ROOT, 'examples/app'), dir, { recursive: true });
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: dir,
      encoding: 'utf8',
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'e2e',
        GIT_AUTHOR_EMAIL: 'e2e@lab',
        GIT_COMMITTER_NAME: 'e2e',
        GIT_COMMITTER_EMAIL: 'e2e@lab',
      },
    }).trim();
  git('init', '-q', '-b', 'main');
  const commit = (message: string, edit?: (d: string) => void) => {
    edit?.(dir);
    git('add', '-A');
    git('commit', '-q', '--allow-empty', '-m', message);
    return git('rev-parse', 'HEAD');
  };
  return { dir, commit };
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  state: Record<string, string>;
  summary: string;
  ms: number;
}

/** GITHUB_OUTPUT / GITHUB_STATE use `name<<delimiter` blocks (and `name=value` lines). */
function parseFileCommands(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name = '', delimiter] = heredoc;
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i] ?? '');
      out[name] = value.join('\n');
    } else if (line.includes('=')) {
      out[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return out;
}

export interface RunOptions {
  bundle?: string;
  inputs: Record<string, string>;
  cwd: string;
  url: string;
  labEnv: LabEnv;
  sha?: string;
  extraEnv?: Record<string, string>;
  /** Command-line arguments: the CLI (`ecs-release unlock --run …`) instead of the runner's INPUT_* only. */
  args?: string[];
  /** Called with the child once it started (to send signals). */
  onSpawn?: (child: ChildProcess) => void;
}

export function runAction(options: RunOptions): Promise<RunResult> {
  const files = mkdtempSync(join(tmpdir(), 'ecs-release-runner-'));
  const output = join(files, 'output');
  const state = join(files, 'state');
  const summary = join(files, 'summary');
  for (const f of [output, state, summary]) writeFileSync(f, '');
  const env: Record<string, string> = {
    ...labProcessEnv(options.url, options.labEnv.dockerHost),
    GITHUB_WORKSPACE: options.cwd,
    GITHUB_OUTPUT: output,
    GITHUB_STATE: state,
    GITHUB_STEP_SUMMARY: summary,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: 'acme/demo',
    GITHUB_RUN_ID: '4242',
    GITHUB_ACTIONS: 'true',
    ...(options.sha ? { GITHUB_SHA: options.sha } : {}),
    ...options.extraEnv,
  };
  for (const [name, value] of Object.entries(options.inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  const started = performance.now();
  const args = [options.bundle ?? BUNDLE, ...(options.args ?? [])];
  return runNode(args, {
    cwd: options.cwd,
    env,
    ...(options.onSpawn ? { onSpawn: options.onSpawn } : {}),
  }).then((ran) => ({
    ...ran,
    outputs: parseFileCommands(readFileSync(output, 'utf8')),
    state: parseFileCommands(readFileSync(state, 'utf8')),
    summary: readFileSync(summary, 'utf8'),
    ms: performance.now() - started,
  }));
}

/**
 * What a process needs to reach the lab over HTTP (`url`) with the SDK's own endpoint
 * setting and the lab's credentials, and the Docker engine at `dockerHost`.
 */
export function labProcessEnv(url: string, dockerHost: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/root',
    AWS_ENDPOINT_URL: url,
    AWS_ACCESS_KEY_ID: 'lab',
    AWS_SECRET_ACCESS_KEY: 'lab',
    AWS_REGION: 'eu-west-1',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    DOCKER_HOST: dockerHost,
  };
}

/** Runs `node ...args` and collects what it writes; `onSpawn` gets the child once it started (to send signals). */
export function runNode(
  args: string[],
  options: { cwd: string; env: Record<string, string>; onSpawn?: (child: ChildProcess) => void },
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, args, { cwd: options.cwd, env: options.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
    options.onSpawn?.(child);
  });
}

/** The post step as the runner runs it: saved state comes back as STATE_<name> variables. */
export function runPost(options: Omit<RunOptions, 'inputs' | 'bundle'> & { state: Record<string, string> }) {
  const extraEnv: Record<string, string> = { ...options.extraEnv };
  for (const [name, value] of Object.entries(options.state)) extraEnv[`STATE_${name}`] = value;
  return runAction({ ...options, inputs: {}, bundle: POST_BUNDLE, extraEnv });
}
