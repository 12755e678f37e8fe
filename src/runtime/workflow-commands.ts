/**
 * The runner's workflow commands (`::error::message` on stdout, `name<<delimiter`
 * blocks in GITHUB_OUTPUT / GITHUB_STATE), with the runner's escaping, as
 * @actions/core writes them. The main step uses these instead of @actions/core:
 * core's module graph pulls in its HTTP client (undici, ~470 KB of bundle) at load,
 * and the first log line must not wait for that (docs/architecture.md "Budgets").
 * https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands
 */
import { appendFileSync, existsSync } from 'node:fs';

/**
 * The white space .NET's `String.TrimStart()` removes (`Char.IsWhiteSpace`), which the
 * runner applies before it looks for `::` (docs/security.md, "Untrusted text in the
 * log"): ASCII tab to carriage return, space, U+0085, U+00A0 and the Unicode space and
 * line/paragraph separators. Not U+FEFF, not U+200B. U+001C-U+001F and U+180E are
 * added for safety (white space in other runtimes and older Unicode): neutralising a
 * line that was not a command costs a zero-width space.
 */
const RUNNER_SPACE =
  '\\t\\n\\v\\f\\r\\x1c-\\x1f \\u0085\\u00a0\\u1680\\u180e\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const COMMAND_AT_START = new RegExp(`^[${RUNNER_SPACE}]*::`);
const ZERO_WIDTH_SPACE = '\u200b';

function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export type Command = 'error' | 'warning' | 'notice' | 'debug' | 'group' | 'endgroup' | 'add-mask';

/** An annotation's place: `file` relative to the workspace, `line` 1-based. */
export interface CommandProperties {
  file?: string;
  line?: number;
}

export function issueCommand(command: Command, message = '', properties: CommandProperties = {}): void {
  // The runner reads this line as our command; `##[` in the data is made inert all the same.
  const data = command === 'add-mask' ? message : inertLegacy(message);
  const props = Object.entries(properties)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `${name}=${escapeProperty(String(value))}`)
    .join(',');
  process.stdout.write(`::${command}${props ? ` ${props}` : ''}::${escapeData(data)}\n`);
}

/**
 * core.setOutput / core.saveState: a `name<<delimiter` block appended to the
 * runner's file, or the legacy stdout command where there is no such file.
 */
export function issueFileCommand(
  file: 'OUTPUT' | 'STATE',
  name: string,
  value: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): void {
  const path = env[`GITHUB_${file}`];
  if (!path) {
    const command = file === 'OUTPUT' ? 'set-output' : 'save-state';
    process.stdout.write(`::${command} name=${escapeProperty(name)}::${escapeData(value)}\n`);
    return;
  }
  if (!existsSync(path)) throw new Error(`Missing file at path: ${path}`);
  // A random delimiter, so a value cannot end its own block and add another output.
  // node:crypto is required only now: loading it costs the first log line some 10 ms.
  const { randomUUID } = require('node:crypto') as typeof import('node:crypto');
  const delimiter = `ghadelimiter_${randomUUID()}`;
  if (name.includes(delimiter) || value.includes(delimiter))
    throw new Error(`Unexpected input: ${name} contains the delimiter "${delimiter}"`);
  appendFileSync(path, `${name}<<${delimiter}\n${value}\n${delimiter}\n`, { encoding: 'utf8' });
}

/** The legacy `##[command]`, which the runner recognises anywhere in a line, made inert. */
function inertLegacy(text: string): string {
  return text.replace(/##\[/g, `##${ZERO_WIDTH_SPACE}[`);
}

/** The runner's line breaks (.NET `ReadLine`): `\r\n`, `\n`, and a lone `\r`. */
export const RUNNER_LINE_BREAK = /\r\n|\r|\n/;

/**
 * One line of untrusted text as the runner cannot take it for a workflow command:
 * the legacy `##[` is recognised anywhere in a line, so each one gets a zero-width
 * space before its `[`; `::` only where it starts the line after the runner's
 * trimming, so such a line gets a zero-width space in front (which .NET does not
 * trim). `::` elsewhere (an IPv6 address, `std::io`) is left as it is. The text reads
 * the same in the log.
 */
export function inertLine(line: string): string {
  const out = inertLegacy(line);
  return COMMAND_AT_START.test(out) ? `${ZERO_WIDTH_SPACE}${out}` : out;
}

/**
 * A message as the lines the job log gets. A service event or a migration's output
 * holding a line break and `::add-mask::`, `::stop-commands::` or `##[...]` could steer
 * the run: each line is split out as the runner splits them and made inert.
 */
export function inertLines(message: string): string[] {
  return message.split(RUNNER_LINE_BREAK).map(inertLine);
}

/**
 * JSON for stdout (`history --json`): a string may hold the legacy `##[`, which the
 * runner would act on anywhere in a line; written `##\u005b` instead, which every JSON
 * reader turns back into `##[`. Outside strings JSON has no `#`. Line breaks inside
 * strings are already escaped by JSON.stringify, and each line starts with a quote or
 * a bracket, so `::` never starts one.
 */
export function inertJson(json: string): string {
  return json.replace(/##\[/g, '##\\u005b');
}
