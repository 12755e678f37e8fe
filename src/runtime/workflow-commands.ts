/**
 * The runner's workflow commands (`::error::message` on stdout, `name<<delimiter`
 * blocks in GITHUB_OUTPUT / GITHUB_STATE), with the runner's escaping, as
 * @actions/core writes them. The main step uses these instead of @actions/core:
 * core's module graph pulls in its HTTP client (undici, ~470 KB of bundle) at load,
 * and the first log line must not wait for that (SPEC 5: under 100 ms).
 * https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync } from 'node:fs';

function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export type Command = 'error' | 'warning' | 'notice' | 'debug' | 'group' | 'endgroup' | 'add-mask';

export function issueCommand(command: Command, message = ''): void {
  process.stdout.write(`::${command}::${escapeData(message)}\n`);
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
  const delimiter = `ghadelimiter_${randomUUID()}`;
  if (name.includes(delimiter) || value.includes(delimiter))
    throw new Error(`Unexpected input: ${name} contains the delimiter "${delimiter}"`);
  appendFileSync(path, `${name}<<${delimiter}\n${value}\n${delimiter}\n`, { encoding: 'utf8' });
}

/**
 * A message as the lines the job log gets. The runner reads any stdout line that
 * starts with `::` (or the legacy `##[`) as a workflow command, so a service event or a
 * migration's output holding a newline and `::add-mask::` or `::stop-commands::` could
 * steer the run. Each line is split out and such a line gets a zero-width space in
 * front: it reads the same, and the runner no longer parses it.
 */
export function inertLines(message: string): string[] {
  return message.split(/\r\n|\r|\n/).map((line) => (/^\s*(::|##\[)/.test(line) ? `\u200b${line}` : line));
}
