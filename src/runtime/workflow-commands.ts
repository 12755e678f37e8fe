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
