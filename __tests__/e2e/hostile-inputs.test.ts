/**
 * Hostile inputs over the whole process: `node dist/index.js` (npm run bundle first) in
 * plan mode against the lab over HTTP, with generated configurations and inputs
 * (the classes of docs/config.md "Bounds", unknown keys, wrong types, huge values,
 * unicode, control characters, YAML alias bombs, deep nesting, second documents, `__proto__` keys, keys set twice,
 * long environment names, NUL in the migration command, loader variables, link-local
 * and redirecting smoke URLs). Each run must end within 20 s, with either a clear
 * error naming the field or a passed validation; no stack trace; and the lab's recorder
 * must hold no mutating call at the end. The figures are printed.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMutation } from '../../lab/sim/recorder';
import { appCheckout, type E2eLab, type RunResult, runAction, startE2eLab } from './harness';

// 300 by default keeps the suite's CPU bounded on a shared CI machine; HOSTILE_RUNS=1000 (or more) for a deeper run.
const RUNS = Number(process.env.HOSTILE_RUNS ?? 300);
// Two cores: more processes at once only queue for them.
const PARALLEL = 3;
// A hang is a process that never ends: generous, so a loaded machine's slow start is not one.
const BOUND_MS = 60_000;

const BASE = `cluster: demo
images:
  frontend: { repository: demo/frontend, context: frontend, target: runtime }
  backend: { repository: demo/backend, context: backend }
services:
  - { service: demo-api, containers: { api: backend }, wave: 1 }
  - { service: demo-web, containers: { web: frontend }, wave: 2 }
migrations: { service: demo-api, container: api, command: [sh, /app/migrate], mode: task, timeout: 5m }
gate: { alarms: [demo-alb-5xx], bake-time: 20s }
`;

const unicode = fc.string({ unit: 'binary', maxLength: 40 });
const control = fc.string({
  unit: fc.constantFrom('\u0000', '\u0007', '\u001b[31m', '\r', '\n::error::x', '\t', '\u202e'),
  maxLength: 8,
});
// Under the 128 KiB a single environment variable may hold (inputs are variables).
const huge = fc.integer({ min: 10_000, max: 100_000 }).map((n) => 'x'.repeat(n));
const durations = fc.oneof(
  fc.constantFrom(
    '0s',
    '0',
    '-5m',
    '600h',
    '25h',
    '24h',
    '9s',
    '10s',
    '1ms',
    '1e309s',
    'NaN',
    '5 minutes',
    '99999999999999999999h',
  ),
  fc.integer().map((n) => `${n}s`),
);
const inherited = fc.constantFrom(
  'constructor',
  '__proto__',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'prototype',
);
const anyValue = fc.oneof(
  unicode,
  control,
  huge,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 3 }),
);
const quoted = (v: unknown) => JSON.stringify(v);

/** One hostile case: extra YAML appended or replacing the file, plus inputs. */
interface Case {
  file: string;
  inputs: Record<string, string>;
  special?: 'fifo' | 'dev-zero' | 'directory' | 'outside';
  /** smoke-url: the local server that answers every GET with a 302. */
  redirect?: true;
  /** A case of the further bounds (docs/config.md "Bounds"): it must be refused, never pass. */
  bound?: true;
}

const bound = (c: Case): Case => ({ ...c, bound: true });

const withInputs = (inputs: Record<string, string>): Case => ({ file: BASE, inputs });
const withFile = (file: string, inputs: Record<string, string> = {}): Case => ({ file, inputs });

const cases: fc.Arbitrary<Case> = fc.oneof(
  fc
    .record({ key: fc.constantFrom('bake-time', 'wait-timeout', 'migration-timeout'), value: durations })
    .map(({ key, value }) => withInputs({ [key]: value })),
  durations.map((d) => withFile(BASE.replace('bake-time: 20s', `bake-time: ${quoted(d)}`))),
  fc.oneof(inherited, unicode, control).map((e) => withInputs({ environment: e })),
  inherited.map((e) => withFile(`${BASE}environments:\n  production: {}\n`, { environment: e })),
  fc
    .constantFrom('__proto__', 'constructor', 'toString')
    .map((k) => withFile(`${BASE}${k}: { cluster: evil }\n`)),
  fc
    .constantFrom<NonNullable<Case['special']>>('fifo', 'dev-zero', 'directory', 'outside')
    .map((special): Case => ({ file: BASE, inputs: {}, special })),
  fc
    .constantFrom('../../../etc', '/etc', '../..', 'frontend/../../..')
    .map((c) => withFile(BASE.replace('context: backend', `context: ${quoted(c)}`))),
  fc
    .constantFrom('/etc/hostname', '../../../etc/passwd')
    .map((d) => withFile(BASE.replace('context: backend', `context: backend, dockerfile: ${quoted(d)}`))),
  fc
    .constantFrom(
      'https://user:pass@app.example/healthz',
      'https://tok@app.example',
      'javascript:alert(1)',
      'http://[::1',
      'ftp://x',
    )
    .map((u) => withInputs({ 'smoke-url': u })),
  fc
    .oneof(unicode, fc.constantFrom('linux', 'linux/amd64/v9/x', 'windows/../../x', ''))
    .map((p) => withInputs({ platform: p })),
  fc
    .constantFrom('[""]', '[]', '[" "]', '["node", 3]', '{}', '"', '\u0000')
    .map((c) => withInputs({ 'migration-command': c })),
  fc
    .record({
      key: fc.constantFrom('cluster', 'images', 'services', 'gate', 'migrations', 'region', 'environments'),
      value: anyValue,
    })
    .map(({ key, value }) =>
      withFile(`${BASE}${key}: ${quoted(value)}\n`.replace(new RegExp(`^${key}:.*\n`, 'm'), '')),
    ),
  fc
    .record({ key: fc.oneof(unicode, fc.constantFrom('servics', 'clustr', 'gates')), value: anyValue })
    .map(({ key, value }) => withFile(`${BASE}${quoted(key)}: ${quoted(value)}\n`)),
  fc
    .record({
      name: fc.constantFrom(
        'cluster',
        'aws-region',
        'frontend-service',
        'backend-repository',
        'wave',
        'create-repositories',
        'rollback-on-failure',
        'backend-build-args',
      ),
      value: fc.oneof(unicode, control, huge),
    })
    .map(({ name, value }) => withInputs({ [name]: value })),
  fc.integer({ min: 5, max: 12 }).map((n) => {
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < n; i++)
      lines.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(',')}]`,
      );
    return withFile(`${BASE}bomb:\n${lines.map((l) => `  ${l}`).join('\n')}\n`);
  }),
  fc
    .integer({ min: 100, max: 5000 })
    .map((depth) =>
      withFile(`${BASE}gate: ${'['.repeat(depth)}${']'.repeat(depth)}\n`.replace(/^gate: \{.*\n/m, '')),
    ),
  fc
    .integer({ min: 100, max: 3000 })
    .map((depth) =>
      withFile(
        `${BASE.replace(/^gate:.*\n/m, '')}gate:${Array.from({ length: depth }, (_, i) => `\n${' '.repeat(i + 2)}k:`).join('')} 1\n`,
      ),
    ),
  // The further bounds (docs/config.md "Bounds"): each a named error before any AWS call.
  fc
    .constantFrom(
      `${BASE}---\ncluster: other\n`,
      `${BASE}__proto__: { cluster: evil }\n`,
      BASE.replace('  backend:', '  __proto__: { repository: x }\n  backend:'),
      BASE.replace('context: backend }', 'context: backend, build-args: { __proto__: "1" } }'),
      BASE.replace('{ api: backend }', '{ __proto__: backend }'),
      BASE.replace('cluster: demo', 'cluster: demo\ncluster: other'),
      `${BASE}x: &a { y: [*a] }\n`,
      `${BASE}x: &a ${'['.repeat(20)}${']'.repeat(20)}\ny: ${'['.repeat(20)}*a${']'.repeat(20)}\n`,
      `${BASE}? [a, b]\n: 1\n`,
      BASE.replace('command: [sh, /app/migrate]', 'command: [sh, "/app/migrate\\0"]'),
      BASE.replace('command: [sh, /app/migrate]', 'command: "migrate\\0now"'),
      BASE.replace('mode: task,', 'mode: task, env: [NODE_OPTIONS, LD_PRELOAD, BASH_ENV, PYTHONSTARTUP],'),
      `${BASE}environments:\n  ${'e'.repeat(120)}: {}\n`,
    )
    .map((file) => bound(withFile(file))),
  fc.integer({ min: 111, max: 256 }).map((n) => bound(withInputs({ environment: 'e'.repeat(n) }))),
  fc
    .constantFrom(
      'http://169.254.169.254/latest/meta-data/',
      'http://[fe80::1]/',
      'http://[::ffff:169.254.169.254]/',
      'http://[::ffff:a9fe:a9fe]/',
      'http://[fd00:ec2::254]/',
      'http://2852039166/',
      'https://app.example/\u202egp',
    )
    .map((u) => bound(withInputs({ 'smoke-url': u }))),
  fc.constant<Case>({ file: BASE, inputs: {}, redirect: true, bound: true }),
  fc
    .oneof(
      unicode,
      control,
      fc.constantFrom(
        'cluster: [',
        '\t- x',
        'a: b: c',
        '{{{',
        '*undefined_alias',
        '!!js/function "x"',
        '---\n---\n',
      ),
    )
    .map((text) => withFile(`${BASE}${text}\n`)),
);

let lab: E2eLab;
let workspace = '';
/** Answers every GET with a 302 to a page that would answer 200: the smoke check must not follow it. */
let redirecting: Server | undefined;
let redirectUrl = '';
const results: { case: Case; result: RunResult; killed: boolean }[] = [];

beforeAll(async () => {
  lab = await startE2eLab();
  const app = appCheckout();
  workspace = app.dir;
  mkdirSync(join(workspace, 'fuzz'));
  mkdirSync(join(workspace, 'fuzz/a-directory.yml'));
  execFileSync('mkfifo', [join(workspace, 'fuzz/fifo.yml')]);
  app.commit('hostile inputs');
  redirecting = createServer((req, res) => {
    req.resume();
    if (req.url === '/healthz') res.writeHead(302, { location: '/healthz/' }).end();
    else res.writeHead(200).end('ok');
  });
  await new Promise<void>((resolve) => redirecting?.listen(0, '127.0.0.1', resolve));
  redirectUrl = `http://127.0.0.1:${(redirecting.address() as AddressInfo).port}/healthz`;
}, 60_000);

afterAll(async () => {
  await lab?.close();
  await new Promise((resolve) => redirecting?.close(resolve));
});

function configPath(c: Case, index: number): string {
  switch (c.special) {
    case 'fifo':
      return 'fuzz/fifo.yml';
    case 'dev-zero':
      return '/dev/zero';
    case 'directory':
      return 'fuzz/a-directory.yml';
    case 'outside':
      return '../../../../etc/passwd';
    default: {
      const path = `fuzz/case-${index}.yml`;
      writeFileSync(join(workspace, path), c.file);
      return path;
    }
  }
}

async function run(c: Case, index: number): Promise<void> {
  let killed = false;
  let timer: NodeJS.Timeout | undefined;
  const result = await runAction({
    // An environment variable cannot hold NUL, on a runner either: NUL goes into files only.
    inputs: {
      command: 'plan',
      'aws-region': 'eu-west-1',
      config: configPath(c, index),
      ...Object.fromEntries(Object.entries(c.inputs).map(([k, v]) => [k, v.replace(/\0/g, '')])),
      ...(c.redirect && { 'smoke-url': redirectUrl }),
    },
    cwd: workspace,
    url: lab.url,
    labEnv: lab.env,
    sha: 'f'.repeat(40),
    onSpawn: (child) => {
      timer = setTimeout(() => {
        killed = true;
        child.kill('SIGKILL');
      }, BOUND_MS);
    },
  });
  clearTimeout(timer);
  results.push({ case: c, result, killed });
}

const STACK = /^\s+at .+(:\d+:\d+\)?|\(native\))$/m;
/** An error line that names what is wrong: `key: message`, `input "x": message`, a path, or preflight's "service X was not found". */
const NAMED =
  /^::error(?: [^:\n]*)?::(?:[^\n]*?%0A\s+- )?(?:(?:input "[^"]+"|[^\s:%][^:\n%]{0,200}): \S|service [^\n]+ was not found in cluster )/m;

describe('node dist/index.js with hostile inputs', () => {
  it(`${RUNS} generated inputs: a clear error naming the field or a pass, no stack trace, no hang, no mutation`, async () => {
    const sample = fc.sample(cases, { numRuns: RUNS, seed: 11 });
    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: PARALLEL }, async () => {
        while (next < sample.length) {
          const index = next++;
          await run(sample[index] as Case, index);
        }
      }),
    );
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const hangs = results.filter((r) => r.killed);
    const stacks = results.filter((r) => STACK.test(r.result.stdout) || STACK.test(r.result.stderr));
    const failed = results.filter((r) => !r.killed && r.result.code !== 0);
    const unclear = failed.filter((r) => !NAMED.test(r.result.stdout));
    const passed = results.filter((r) => r.result.code === 0);
    const mutations = lab.lab.recorder.calls().filter((c) => isMutation(c.operation));
    const slowest = Math.max(...results.map((r) => r.result.ms));
    const bounds = results.filter((r) => r.case.bound);
    const boundsPassed = bounds.filter((r) => r.result.code === 0);
    const redirects = results.filter((r) => r.case.redirect);
    const redirectNamed = redirects.filter((r) =>
      r.result.stdout.includes(`redirects (HTTP 302) to ${redirectUrl}/: `),
    );
    console.log(
      `hostile inputs: ${results.length} runs in ${seconds}s (${PARALLEL} at a time, slowest ${(slowest / 1000).toFixed(1)}s): ` +
        `${failed.length} refused with a named error, ${passed.length} passed validation, ${unclear.length} unclear, ` +
        `${stacks.length} stack traces, ${hangs.length} hangs, ${mutations.length} mutating AWS calls; ` +
        `further bounds: ${bounds.length} runs, ${bounds.length - boundsPassed.length} refused, ` +
        `${redirectNamed.length} of ${redirects.length} redirecting smoke URLs refused naming the Location`,
    );
    const show = (r: (typeof results)[number]) =>
      `${JSON.stringify(r.case).slice(0, 300)}\n${r.result.stdout.replace(/x{100,}/g, 'x…').slice(-1500)}${r.result.stderr.slice(-800)}`;
    expect(hangs.map(show)).toEqual([]);
    expect(stacks.map(show)).toEqual([]);
    expect(unclear.map(show)).toEqual([]);
    expect(mutations.map((m) => `${m.service}:${m.operation}`)).toEqual([]);
    expect(boundsPassed.map(show)).toEqual([]);
    expect(redirectNamed).toHaveLength(redirects.length);
    expect(results).toHaveLength(RUNS);
    // A safety net for the whole run, not a speed limit (the bench measures time).
  }, 1_200_000);

  it('refuses a file of 85,000 keys, each set twice, with 20 problems and a count, not 42,500 lines', async () => {
    const keys = Array.from({ length: 42_500 }, (_, i) => `k${i}: 1`);
    const path = 'fuzz/duplicate-keys.yml';
    writeFileSync(join(workspace, path), `${[...keys, ...keys].join('\n')}\n`);
    const result = await runAction({
      inputs: { command: 'plan', 'aws-region': 'eu-west-1', config: path },
      cwd: workspace,
      url: lab.url,
      labEnv: lab.env,
      sha: 'f'.repeat(40),
    });
    const errors = result.stdout.split('\n').filter((line) => line.startsWith('::error'));
    const lines = `${result.stdout}${result.stderr}`.split('\n').filter((line) => line.trim()).length;
    console.log(
      `85,000 keys set twice (${(keys.join('\n').length * 2) / 1000} KB): exit ${result.code} after ${(result.ms / 1000).toFixed(1)}s, ` +
        `${errors.length} error lines, ${lines} lines of output`,
    );
    expect(result.code).not.toBe(0);
    expect(errors[0]).toBe(
      '::error file=fuzz/duplicate-keys.yml,line=42501::fuzz/duplicate-keys.yml: k0: is set twice (line 1 and line 42501): each key once per mapping',
    );
    expect(errors.slice(20)).toEqual([
      '::error::(and more): 42480 more problems not listed: fix these first',
      '::error::The configuration has 42500 problems (the first 20 listed above); nothing was changed in AWS.',
    ]);
    expect(STACK.test(result.stdout) || STACK.test(result.stderr)).toBe(false);
  }, 120_000);
});
