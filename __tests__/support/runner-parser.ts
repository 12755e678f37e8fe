/**
 * A model of how the GitHub runner reads a step's stdout (docs/security.md, "Untrusted
 * text in the log"), written apart from src/ so a test does not check the neutraliser
 * against itself:
 * - lines are split as .NET's `StreamReader.ReadLine` splits them: `\r\n`, `\n`, a lone `\r`;
 * - `ActionCommand.TryParseV2`: the line after .NET's `TrimStart()` (Char.IsWhiteSpace,
 *   which includes U+0085 and the Unicode spaces but not U+FEFF or U+200B) starts with
 *   `::` and has a second `::`; the command is the text between, up to a space;
 * - otherwise `ActionCommand.TryParse`: `##[` anywhere in the line, then `]`;
 * - `::stop-commands::<token>` suspends processing (an `::add-mask::` is then ignored)
 *   until a line `::<token>::`.
 */

/** .NET Char.IsWhiteSpace, listed from the Unicode tables rather than from src/. */
const DOTNET_WHITE_SPACE = new Set([
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005,
  0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
]);

export function dotnetTrimStart(line: string): string {
  let i = 0;
  while (i < line.length && DOTNET_WHITE_SPACE.has(line.charCodeAt(i))) i += 1;
  return line.slice(i);
}

export function runnerLines(stdout: string): string[] {
  return stdout.split(/\r\n|\r|\n/);
}

export interface RunnerCommand {
  /** `v2` (`::name::data`) or `legacy` (`##[name]data`). */
  form: 'v2' | 'legacy';
  name: string;
  /** The text between the command name and the data (`file=x,line=1`). */
  properties: string;
  data: string;
  line: string;
  /** False when a stop-commands block was open: the runner ignored it. */
  processed: boolean;
}

function parseV2(line: string): Omit<RunnerCommand, 'processed'> | undefined {
  const trimmed = dotnetTrimStart(line);
  if (!trimmed.startsWith('::')) return undefined;
  const end = trimmed.indexOf('::', 2);
  if (end < 0) return undefined;
  const info = trimmed.slice(2, end);
  const space = info.indexOf(' ');
  return {
    form: 'v2',
    name: space < 0 ? info : info.slice(0, space),
    properties: space < 0 ? '' : info.slice(space + 1),
    data: trimmed.slice(end + 2),
    line,
  };
}

function parseLegacy(line: string): Omit<RunnerCommand, 'processed'> | undefined {
  const start = line.indexOf('##[');
  if (start < 0) return undefined;
  const close = line.indexOf(']', start);
  if (close < 0) return undefined;
  const info = line.slice(start + 3, close);
  const space = info.indexOf(' ');
  return {
    form: 'legacy',
    name: space < 0 ? info : info.slice(0, space),
    properties: space < 0 ? '' : info.slice(space + 1),
    data: line.slice(close + 1),
    line,
  };
}

/**
 * Every command the runner could take from `stdout`, in order (whether or not the
 * command exists). Stricter than the runner: a line that parses both ways counts twice
 * (the runner tries `##[` only when `::` gave no known command).
 */
export function runnerCommands(stdout: string): RunnerCommand[] {
  const commands: RunnerCommand[] = [];
  let stopToken: string | undefined;
  for (const line of runnerLines(stdout)) {
    for (const command of [parseV2(line), parseLegacy(line)]) {
      if (!command) continue;
      if (stopToken !== undefined) {
        const resumes = command.name === stopToken;
        commands.push({ ...command, processed: resumes });
        if (resumes) stopToken = undefined;
        continue;
      }
      if (command.name === 'stop-commands') stopToken = command.data;
      commands.push({ ...command, processed: true });
    }
  }
  return commands;
}

/** The commands the action itself writes: annotations, groups, masks of its own secrets. */
export const OWN_COMMANDS = new Set(['error', 'warning', 'notice', 'debug', 'group', 'endgroup', 'add-mask']);

/**
 * The commands in `stdout` that are not the action's own: a legacy command, a command
 * name the action never writes, an `add-mask` (or any command) whose name or
 * properties hold `marker`, or any command the runner ignored (a block was open).
 * Empty when untrusted text commanded nothing.
 */
export function foreignCommands(stdout: string, marker: string): RunnerCommand[] {
  return runnerCommands(stdout).filter(
    (c) =>
      c.form === 'legacy' ||
      !OWN_COMMANDS.has(c.name) ||
      !c.processed ||
      c.properties.includes(marker) ||
      (c.name === 'add-mask' && c.data.includes(marker)),
  );
}
