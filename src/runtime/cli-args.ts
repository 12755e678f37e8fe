/**
 * Local use: `node dist/index.js deploy --cluster acme --config .github/ecs-release.yml`.
 * Flags are the action's input names, turned into the INPUT_* variables the runner
 * would set, so the CLI and the action read inputs in one place.
 */
export function cliInputs(argv: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  const set = (name: string, value: string) => {
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  };
  const rest = [...argv];
  const first = rest[0];
  if (first && !first.startsWith('-')) set('command', rest.shift() ?? '');
  while (rest.length > 0) {
    const flag = rest.shift() ?? '';
    if (!flag.startsWith('--'))
      throw new Error(`unexpected argument "${flag}": flags are --<input-name> <value>`);
    const eq = flag.indexOf('=');
    const name = eq > 0 ? flag.slice(2, eq) : flag.slice(2);
    const value = eq > 0 ? flag.slice(eq + 1) : rest.shift();
    if (!name || value === undefined) throw new Error(`flag ${flag} needs a value`);
    set(name, value);
  }
  return env;
}

export const CLI_USAGE = `usage: node dist/index.js [deploy|rollback|plan] [--<input-name> <value>]...
Inputs are those of action.yml, e.g. --cluster acme --config .github/ecs-release.yml --to previous.
`;
