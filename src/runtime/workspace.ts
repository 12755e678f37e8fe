import type { LoadOptions, RawInputs } from '../config/load';
import { readConfigText } from '../config/workspace-path';

function gitHead(cwd: string): string | undefined {
  try {
    // Required here, not at the top: most runs name their commit (GITHUB_SHA), and
    // child_process (with net and dgram) would load before the first line for nothing.
    const { execFileSync } = require('node:child_process') as typeof import('node:child_process');
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
export function workspaceLoadOptions(
  inputs: RawInputs,
  env: NodeJS.ProcessEnv,
  workdir: string,
): LoadOptions {
  return {
    inputs,
    env,
    readFile: (path) => readConfigText(workdir, path),
    gitHead: () => gitHead(workdir),
  };
}
