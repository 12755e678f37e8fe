/**
 * Words of an AWS CLI command line printed for a person to paste into a shell (the
 * command that finishes a rollback, the post step's "confirm with"). Region, cluster,
 * service names and ARNs come from the config, from AWS or from saved state: each is
 * quoted, so no value can add a shell command of its own.
 */
export function shellWord(value: string): string {
  // Plain words (every valid region, ECS name and ARN) stay readable as they are.
  if (/^[A-Za-z0-9_./:@=+-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
