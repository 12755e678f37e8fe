import { execFileSync } from 'node:child_process';
import type { LoadOptions, RawInputs } from '../config/load';
import { INPUT_NAMES } from '../config/names';
import { readConfigText } from '../config/workspace-path';

/**
 * The one place that reads action inputs: `INPUT_<NAME>` as the runner sets them
 * (name upper-cased, spaces as underscores), trimmed, as core.getInput reads them.
 */
export function readInputs(env: Readonly<Record<string, string | undefined>>): RawInputs {
  const inputs: RawInputs = {};
  for (const name of INPUT_NAMES)
    inputs[name] = (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
  return inputs;
}

function gitHead(cwd: string): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return undefined;
  }
}

/** What the config loader needs from the runner's workspace and environment. */
export function workspaceLoadOptions(env: NodeJS.ProcessEnv, workdir: string): LoadOptions {
  return {
    inputs: readInputs(env),
    env,
    readFile: (path) => readConfigText(workdir, path),
    gitHead: () => gitHead(workdir),
  };
}
