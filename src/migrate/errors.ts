export type MigrationFailure =
  | 'config'
  | 'run-failed'
  | 'not-started'
  | 'exit'
  | 'stopped'
  | 'timeout'
  | 'lost';

/** A migration that did not succeed: the release stops before any service changes. */
export class MigrationError extends Error {
  constructor(
    message: string,
    readonly kind: MigrationFailure,
    readonly details: { taskArn?: string; exitCode?: number; lastLines?: string[] } = {},
  ) {
    super(message);
    this.name = 'MigrationError';
  }
}

/** The tail of the output, indented under the error's first line. */
export function tail(lines: readonly string[]): string {
  if (lines.length === 0) return '\n(no output)';
  return `\nlast ${lines.length} line${lines.length === 1 ? '' : 's'} of output:\n${lines.map((l) => `  ${l}`).join('\n')}`;
}
