/**
 * The further bounds of docs/config.md "Bounds", each a named error before any AWS call, reported with
 * every other problem: the YAML's shape (one document, 32 levels, unique keys in
 * linear time, no `__proto__`), the environment name the claim's tag key must hold,
 * a NUL in the migration command, loader variables in `migrations.env`, and smoke URLs
 * that point at link-local or metadata addresses.
 */
import { describe, expect, it } from 'vitest';
import { forbiddenAddress } from '../../src/config/addresses';
import { CLAIM_TAG_PREFIX, ENVIRONMENT_MAX } from '../../src/config/bounds';
import { ConfigError, shownProblems } from '../../src/config/errors';
import { loadConfig } from '../../src/config/load';
import { migrationEnvironment } from '../../src/config/migration-env';
import { CLAIM_PREFIX } from '../../src/record/claim';
import { BASE_INPUTS, options, problemsOf } from './helpers';

const PATH = '.github/ecs-release.yml';
const BASE = `region: eu-west-1
cluster: acme
images:
  backend: { repository: acme/backend, build-args: { A: "1" } }
services:
  - { service: acme-api, containers: { api: backend } }
`;
const withFile = (text: string, inputs: Record<string, string> = {}) =>
  problemsOf(() => loadConfig(options(inputs, { [PATH]: text })));

describe('the config file YAML', () => {
  it('refuses 85,000 keys set twice each at once, with one line per problem up to 20 and a count', () => {
    const keys = Array.from({ length: 42_500 }, (_, i) => `k${i}: 1`);
    const text = `${[...keys, ...keys].join('\n')}\n`;
    let error: unknown;
    try {
      loadConfig(options(BASE_INPUTS, { [PATH]: text }));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(42_500);
    expect(problems[0]).toEqual({
      key: `${PATH}: k0`,
      message: 'is set twice (line 1 and line 42501): each key once per mapping',
      file: PATH,
      line: 42501,
    });
    const shown = shownProblems(problems);
    expect(shown).toHaveLength(21);
    expect(shown[20]).toEqual({
      key: '(and more)',
      message: '42480 more problems not listed: fix these first',
    });
    // The message printed: the count, 20 problems and the line that counts the rest.
    expect((error as ConfigError).message.split('\n')).toHaveLength(22);
  });

  it('finds a key set twice anywhere, and keys JavaScript would merge (1 and "1")', () => {
    expect(withFile(`${BASE}gate: { bake-time: 1m, bake-time: 2m }\n`)).toEqual([
      `${PATH}: gate.bake-time: is set twice (line 7, column 9 and line 7, column 24): each key once per mapping`,
    ]);
    expect(withFile(`${BASE}environments:\n  1: {}\n  "1": {}\n`, { environment: '1' })).toEqual([
      `${PATH}: environments.1: is set twice (line 8 and line 9): each key once per mapping`,
    ]);
  });

  it('places each problem found in the file on its line; problems from inputs have no file', () => {
    const text = `${BASE}servics: []\ngate:\n  bake-time: 5 minutes\nenvironments:\n  prod: { clustr: x }\n`;
    let error: unknown;
    try {
      loadConfig(options({ 'backend-build-args': 'nope' }, { [PATH]: text }));
    } catch (caught) {
      error = caught;
    }
    const placed = (error as ConfigError).problems.map((p) => [p.key, p.file, p.line]);
    expect(placed).toEqual(
      expect.arrayContaining([
        [`${PATH}: servics`, PATH, 7],
        [`${PATH}: gate.bake-time`, PATH, 9],
        [`${PATH}: environments.prod.clustr`, PATH, 11],
        ['input "backend-build-args"', undefined, undefined],
      ]),
    );
    const yaml = (text: string) => {
      try {
        loadConfig(options(BASE_INPUTS, { [PATH]: text }));
      } catch (caught) {
        return (caught as ConfigError).problems.map((p) => [p.file, p.line]);
      }
    };
    expect(yaml(`${BASE}---\ncluster: other\n`)).toEqual([[PATH, 7]]);
    expect(yaml(`${BASE}gate: { bake-time: 1m, bake-time: 2m }\n`)).toEqual([[PATH, 7]]);
    expect(yaml(`${BASE}gate: [\n`)).toEqual([[PATH, 8]]);
  });

  it('refuses a second YAML document instead of ignoring it', () => {
    expect(withFile(`${BASE}---\ncluster: other\n`)).toEqual([
      `${PATH}: holds 2 YAML documents (the second starts at line 7, column 1): a config file is one document; remove the "---" that starts the second`,
    ]);
  });

  it('refuses __proto__ as a key wherever it is, naming where', () => {
    const at = (yaml: string) => withFile(yaml);
    expect(at(`${BASE}__proto__: { cluster: evil }\n`)).toEqual([
      `${PATH}: __proto__: is a key JavaScript does not keep as data ("__proto__"): rename it`,
    ]);
    expect(at(BASE.replace('  backend:', '  __proto__: { repository: x }\n  backend:'))).toEqual([
      `${PATH}: images.__proto__: is a key JavaScript does not keep as data ("__proto__"): rename it`,
    ]);
    expect(at(BASE.replace('{ A: "1" }', '{ __proto__: "1" }'))).toEqual([
      `${PATH}: images.backend.build-args.__proto__: is a key JavaScript does not keep as data ("__proto__"): rename it`,
    ]);
    expect(at(BASE.replace('{ api: backend }', '{ __proto__: backend }'))).toEqual([
      `${PATH}: services[0].containers.__proto__: is a key JavaScript does not keep as data ("__proto__"): rename it`,
    ]);
  });

  it('refuses nesting deeper than 32 levels with one error: no stack overflow, no "required"', () => {
    expect(withFile(`cluster: acme\ngate: ${'['.repeat(1000)}${']'.repeat(1000)}\n`)).toEqual([
      `${PATH}: nests deeper than 32 levels (at line 2, column 38)`,
    ]);
    const block = Array.from({ length: 1000 }, (_, i) => `\n${' '.repeat(i + 2)}k:`).join('');
    expect(withFile(`gate:${block} 1\n`)).toEqual([
      `${PATH}: nests deeper than 32 levels (at line 33, column 34)`,
    ]);
    // 32 levels is fine as YAML (the schema then says what it thinks of it).
    const ok = withFile(`${BASE}x: ${'['.repeat(31)}${']'.repeat(31)}\n`);
    expect(ok).toEqual([expect.stringMatching(/^\.github\/ecs-release\.yml: x: unknown key/)]);
  });

  it('counts nesting through aliases, and refuses an alias inside the node it names', () => {
    const twenty = `${'['.repeat(20)}${']'.repeat(20)}`;
    const deep = `${BASE}x: &a ${twenty}\ny: ${'['.repeat(20)}*a${']'.repeat(20)}\n`;
    expect(withFile(deep)).toEqual([`${PATH}: nests deeper than 32 levels through its aliases (41 levels)`]);
    expect(withFile(`${BASE}gate: &g { alarms: [*g] }\n`)).toEqual([
      `${PATH}: gate.alarms[0]: the alias *g is inside the node it names`,
    ]);
  });

  it('refuses a key that is a mapping or a list', () => {
    expect(withFile(`${BASE}? [a, b]\n: 1\n`)).toEqual([
      `${PATH}: (document): has a key at line 7, column 3 that is a mapping or a list: keys are plain names`,
    ]);
  });
});

describe('the environment name', () => {
  it('fits the claim tag key: ecs-release:claim:<environment> within 128 characters', () => {
    expect(CLAIM_TAG_PREFIX).toBe(CLAIM_PREFIX);
    expect(ENVIRONMENT_MAX).toBe(110);
    expect(loadConfig(options({ ...BASE_INPUTS, environment: 'e'.repeat(110) })).environment).toHaveLength(
      110,
    );
    expect(problemsOf(() => loadConfig(options({ ...BASE_INPUTS, environment: 'e'.repeat(111) })))).toEqual([
      `input "environment": is 111 characters long; at most 110 fit the claim's tag key "ecs-release:claim:<environment>" (an ECS tag key holds at most 128)`,
    ]);
    const long = 'p'.repeat(200);
    expect(withFile(`${BASE}environments:\n  ${long}: {}\n`, { environment: long })).toEqual([
      `${PATH}: environments: environment "${'p'.repeat(60)}…": name is 200 characters long; at most 110 fit the claim's tag key "ecs-release:claim:<environment>" (an ECS tag key holds at most 128)`,
      `input "environment": is 200 characters long; at most 110 fit the claim's tag key "ecs-release:claim:<environment>" (an ECS tag key holds at most 128)`,
    ]);
  });
});

describe('the environment as an ECS tag value', () => {
  it('takes letters of any script, digits, spaces and _ . : / = + - @, and refuses anything else', () => {
    for (const name of ['prod-eu_1', 'team a/b:c=d+e@f.g', 'préprod', '本番', 'prod\u3000two'])
      expect(loadConfig(options({ ...BASE_INPUTS, environment: name })).environment).toBe(name);
    for (const name of ['prod!', 'prod🚀'])
      expect(problemsOf(() => loadConfig(options({ ...BASE_INPUTS, environment: name })))).toEqual([
        `input "environment": ${JSON.stringify(name)} is not a valid ECS tag value: use letters, digits, spaces and _ . : / = + - @`,
      ]);
  });
});

describe('the migration', () => {
  it('refuses a command with a NUL byte, from the file or the input', () => {
    const migrations = (command: string) =>
      `${BASE}migrations: { service: acme-api, container: api, command: ${command} }\n`;
    expect(withFile(migrations('[node, "a\\0b"]'))).toEqual([
      `${PATH}: migrations.command: has a NUL byte (element 2): no program argument can hold one`,
    ]);
    expect(withFile(migrations('"migrate \\0 now"'))).toEqual([
      `${PATH}: migrations.command: has a NUL byte: no program argument can hold one`,
    ]);
    const input = { ...BASE_INPUTS, 'migration-command': '["node", "\\u0000"]' };
    expect(problemsOf(() => loadConfig(options(input)))).toEqual([
      'input "migration-command": has a NUL byte (element 2): no program argument can hold one',
    ]);
  });

  it('refuses loader and shell start-up variables in migrations.env, and never passes them', () => {
    const names = [
      'NODE_OPTIONS',
      'LD_PRELOAD',
      'LD_LIBRARY_PATH',
      'BASH_ENV',
      'ENV',
      'PYTHONSTARTUP',
      'PERL5OPT',
    ];
    const more = ['DYLD_INSERT_LIBRARIES', 'RUBYOPT', 'JAVA_TOOL_OPTIONS', 'PYTHONPATH', 'BASH_FUNC_x'];
    const env = [...names, ...more, 'DJANGO_SETTINGS_MODULE'];
    const problems = withFile(
      `${BASE}migrations: { service: acme-api, container: api, command: [m], env: [${env.join(', ')}] }\n`,
    );
    expect(problems).toEqual(
      [...names, ...more].map(
        (name, index) =>
          `${PATH}: migrations.env[${index}]: "${name}" is never passed to a migration: it makes a program load other code (a preloaded library, a start-up file, a module path); set it in migrations.command if the migration needs it`,
      ),
    );
    const runner = {
      PATH: '/bin',
      LD_PRELOAD: '/tmp/evil.so',
      NODE_OPTIONS: '-r /tmp/x',
      DJANGO_SETTINGS_MODULE: 's',
    };
    expect(migrationEnvironment(runner, env)).toEqual({ PATH: '/bin', DJANGO_SETTINGS_MODULE: 's' });
  });
});

describe('smoke URLs', () => {
  const refused = [
    [
      'http://169.254.169.254/latest/meta-data/',
      '169.254.169.254, the instance metadata service (169.254.169.254)',
    ],
    ['http://169.254.10.1/', '169.254.10.1, a link-local address (169.254.0.0/16)'],
    ['http://2852039166/', '169.254.169.254, the instance metadata service (169.254.169.254)'],
    ['http://[fe80::1]/', '[fe80::1], a link-local address (fe80::/10)'],
    ['http://[febf::1]:8080/', '[febf::1], a link-local address (fe80::/10)'],
    ['http://[fd00:ec2::254]/', '[fd00:ec2::254], the instance metadata service (fd00:ec2::254)'],
    [
      'http://[::ffff:169.254.169.254]/',
      '[::ffff:a9fe:a9fe], the instance metadata service (169.254.169.254), written as IPv6',
    ],
    ['http://[::ffff:a9fe:1]/', '[::ffff:a9fe:1], a link-local address (169.254.0.0/16), written as IPv6'],
    [
      'http://[64:ff9b::a9fe:a9fe]/',
      '[64:ff9b::a9fe:a9fe], the instance metadata service (169.254.169.254), written as IPv6',
    ],
  ];

  it.each(refused)('refuses %s at config time, as an input and in the file', (url, what) => {
    const message = `points at ${what}: a smoke check never goes there`;
    expect(problemsOf(() => loadConfig(options({ ...BASE_INPUTS, 'smoke-url': url as string })))).toEqual([
      `input "smoke-url": ${message}`,
    ]);
    expect(withFile(`${BASE}gate: { smoke-test-url: "${url}" }\n`)).toEqual([
      `${PATH}: gate.smoke-test-url: ${message}`,
    ]);
  });

  it('keeps loopback and ordinary addresses, and refuses control and bidirectional characters', () => {
    for (const url of [
      'http://127.0.0.1:8080/healthz',
      'http://localhost/',
      'http://[::1]/',
      'https://10.0.0.5/',
    ]) {
      expect(loadConfig(options({ ...BASE_INPUTS, 'smoke-url': url })).gate.smokeUrl).toBe(url);
    }
    expect(
      problemsOf(() => loadConfig(options({ ...BASE_INPUTS, 'smoke-url': 'https://app.example/\u202egp' }))),
    ).toEqual(['input "smoke-url": has a control or bidirectional character (U+202E) at position 21']);
    expect(withFile(`${BASE}gate: { smoke-url: "https://app.example/a\\tb" }\n`)).toEqual([
      `${PATH}: gate.smoke-url: has a control or bidirectional character (U+0009) at position 22`,
    ]);
  });

  it('names every spelling of a link-local or metadata address', () => {
    expect(forbiddenAddress('169.254.169.254')).toBe('the instance metadata service (169.254.169.254)');
    expect(forbiddenAddress('fe80::1%eth0')).toBe('a link-local address (fe80::/10)');
    expect(forbiddenAddress('FD00:EC2:0:0:0:0:0:254')).toBe('the instance metadata service (fd00:ec2::254)');
    expect(forbiddenAddress('::ffff:169.254.0.1')).toBe(
      'a link-local address (169.254.0.0/16), written as IPv6',
    );
    expect(forbiddenAddress('::169.254.169.254')).toBe(
      'the instance metadata service (169.254.169.254), written as IPv6',
    );
    for (const fine of [
      '127.0.0.1',
      '::1',
      '::',
      '10.0.0.1',
      '::ffff:10.0.0.1',
      'fec0::1',
      'fd00:ec2::253',
      'x',
    ]) {
      expect(forbiddenAddress(fine)).toBeUndefined();
    }
  });
});
