/**
 * The runner's stdout workflow commands (`::error::message`), with the runner's
 * escaping. Used where @actions/core must not be loaded yet: reporting a broken
 * configuration happens before the rest of the action (and its HTTP client) is
 * even parsed, which keeps that path inside its 300 ms budget.
 */
function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function issueCommand(command: 'error' | 'warning' | 'notice', message: string): void {
  process.stdout.write(`::${command}::${escapeData(message)}\n`);
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
