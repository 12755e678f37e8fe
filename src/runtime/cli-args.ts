import { parseArgs } from 'node:util';
import { closest } from '../config/suggest';
import type { Command } from '../config/types';
import ACTION_INPUTS from './action-inputs.json';

/**
 * Local use: `ecs-release deploy --cluster acme --config .github/ecs-release.yml`.
 * Flags are the action's input names (action-inputs.json, generated from action.yml at
 * bundle time), turned into the INPUT_* variables the runner would set, so the CLI and
 * the action read inputs in one place.
 */
const COMMANDS: readonly Command[] = ['deploy', 'rollback', 'plan', 'history', 'check', 'unlock'];
const FLAGS = ACTION_INPUTS.map((input) => input.name);

/** A wrong command line: the user's mistake, printed as one message (exit code 2). */
export class CliUsageError extends Error {
  override name = 'CliUsageError';
}

function unknown(kind: string, word: string, known: readonly string[], prefix: string): CliUsageError {
  const near = closest(word, known);
  const hint = near ? `; did you mean ${prefix}${near}?` : '';
  return new CliUsageError(`unknown ${kind} ${prefix}${word}${hint} (ecs-release --help lists them)`);
}

/** A flag of the CLI alone (no action input): `history --json` prints the list as JSON on stdout. */
const JSON_FLAG = '--json';

export interface CliArgs {
  /** INPUT_* variables, as the runner would set them. */
  inputs: Record<string, string>;
  json: boolean;
}

export function cliInputs(argv: readonly string[]): Record<string, string> {
  return cliArgs(argv).inputs;
}

export function cliArgs(argv: readonly string[]): CliArgs {
  const { values, command } = parseFlags(argv);
  const inputs: Record<string, string> = {};
  const set = (name: string, value: string) => {
    inputs[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  };
  if (command !== undefined) set('command', command);
  for (const name of FLAGS) {
    const value = values[name];
    if (typeof value === 'string') set(name, value);
  }
  const json = values[JSON_NAME] === true;
  if (json && inputs.INPUT_COMMAND !== 'history') {
    throw new CliUsageError(
      `${JSON_FLAG} prints the releases that \`ecs-release history\` lists; the other commands have no JSON output`,
    );
  }
  return { inputs, json };
}

const JSON_NAME = JSON_FLAG.slice(2);
const OPTIONS: Record<string, { type: 'string' | 'boolean' }> = Object.fromEntries([
  ...FLAGS.map((name) => [name, { type: 'string' as const }]),
  [JSON_NAME, { type: 'boolean' as const }],
]);

/**
 * node:util's parseArgs, strict, over the flags action.yml lists. Its own errors do not
 * name the flag in our words, so one tokens pass first turns the user's usual mistakes
 * into named ones: an unknown flag (with the closest one), a flag without its value
 * (`--cluster --backend-service x` is --cluster missing its value, not --cluster set to
 * "--backend-service"), a stray word.
 */
function parseFlags(argv: readonly string[]): {
  values: Record<string, unknown>;
  command: string | undefined;
} {
  const args = [...argv];
  const { tokens } = parseArgs({
    args,
    options: OPTIONS,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  let command: string | undefined;
  for (const token of tokens) {
    if (token.kind === 'positional' && token.index === 0) {
      if (!(COMMANDS as readonly string[]).includes(token.value))
        throw unknown('command', token.value, COMMANDS, '');
      command = token.value;
    } else if (token.kind !== 'option') {
      const word = token.kind === 'positional' ? token.value : '--';
      throw new CliUsageError(`unexpected argument "${word}": flags are --<input-name> <value>`);
    } else if (!Object.hasOwn(OPTIONS, token.name)) {
      throw unknown('flag', token.name, FLAGS, token.rawName.slice(0, -token.name.length));
    } else if (OPTIONS[token.name]?.type === 'string' && missingValue(token)) {
      throw new CliUsageError(`flag ${token.rawName} needs a value`);
    }
  }
  try {
    const { values } = parseArgs({ args, options: OPTIONS, strict: true, allowPositionals: true });
    return { values, command };
  } catch (error) {
    throw new CliUsageError(error instanceof Error ? error.message : String(error));
  }
}

/** No value, or the next flag taken for one: a value that starts with `-` must be written `--flag=-x`. */
function missingValue(token: { value?: string | undefined; inlineValue?: boolean | undefined }): boolean {
  return token.value === undefined || (!token.inlineValue && token.value.startsWith('-'));
}

function indent(text: string, width: number): string {
  return text.replace(/\n/g, `\n${' '.repeat(width)}`);
}

/**
 * Which commands read an input (the rest ignore it). `history` reads only where to
 * look; `rollback` moves to recorded revisions, so it builds and migrates nothing.
 */
const TARGET = ['config', 'environment', 'aws-region', 'cluster', 'frontend-service', 'backend-service'];
const GATE = [
  'alarms',
  'alarm-prefix',
  'bake-time',
  'smoke-url',
  'smoke-test-url',
  'wait-timeout',
  'auto-rollback',
];
const GITHUB = ['github-token', 'github-deployment'];
/** The ground checks' inputs (docs/ground.md); `check` reads the smoke URLs only for their hosts. */
const GROUND = ['hosts', 'certificate-min-days', 'ground'];
const CHECK = [...TARGET, 'hosts', 'certificate-min-days', 'smoke-url', 'smoke-test-url'];
const ROLLBACK = [
  ...TARGET,
  'frontend-repository',
  'backend-repository',
  ...GATE,
  ...GITHUB,
  ...GROUND,
  'to',
];
/** unlock: where the claim is, the run it names, and the token that asks GitHub whether that run still runs. */
const UNLOCK = [...TARGET, 'run', 'github-token'];

function readsInput(command: string | undefined, input: string): boolean {
  if (command === 'history') return TARGET.includes(input);
  if (command === 'check') return CHECK.includes(input);
  if (command === 'unlock') return UNLOCK.includes(input);
  if (command === 'rollback') return ROLLBACK.includes(input);
  if (command === 'plan' || command === 'deploy') return input !== 'to' && input !== 'run';
  return true;
}

/** `ecs-release [command] --help`: the command's flags with action.yml's own words. */
export function cliUsage(argv: readonly string[]): string {
  const first = argv[0];
  const command = first && (COMMANDS as readonly string[]).includes(first) ? first : undefined;
  const about = ACTION_INPUTS.find((input) => input.name === 'command')?.description ?? '';
  const lines = [
    `usage: ecs-release ${command ?? `[${COMMANDS.join('|')}]`} [--<flag> <value> | --<flag>=<value>]...`,
    '',
    command ? `Runs \`${command}\`. Commands: ${about}` : `Commands: ${about} Default \`deploy\`.`,
    'Flags are the inputs of action.yml (with a command: the ones it reads); the config file (--config) can set most of them.',
    '',
    'Flags:',
  ];
  const flags = ACTION_INPUTS.filter((input) => input.name !== 'command' && readsInput(command, input.name));
  const width = Math.max(...flags.map((input) => input.name.length)) + 4;
  for (const input of flags) {
    const fallback = input.default && !input.default.includes('${{') ? ` Default \`${input.default}\`.` : '';
    const text = input.description.includes('Default') ? input.description : input.description + fallback;
    lines.push(`  --${input.name.padEnd(width - 2)}${indent(text, width + 2)}`);
  }
  if (!command || command === 'history') {
    lines.push(
      `  ${JSON_FLAG.padEnd(width - 2)}history only: print the releases as a JSON array on stdout (the log goes to stderr).`,
    );
  }
  lines.push('', '`ecs-release init --help`: write a first config from what a cluster runs (docs/init.md).');
  lines.push(
    '',
    'Exit codes: 0 success, 1 the release failed or the configuration is invalid, 2 a wrong command line.',
  );
  return `${lines.join('\n')}\n`;
}
