import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as core from '@actions/core';
import type { RawInputs } from '../config/load';
import { INPUT_NAMES } from '../config/names';
import type { Runtime } from '../main';
import { actionsLogger } from './actions-logger';
import { systemClock } from './clock';

/** The one place that reads action inputs. */
export function readInputs(): RawInputs {
  const inputs: RawInputs = {};
  for (const name of INPUT_NAMES) inputs[name] = core.getInput(name);
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

/** The runtime of a real action run: @actions/core, process env, the SDK and the Docker engine. */
export function actionRuntime(signal: AbortSignal): Runtime {
  const workdir = process.env.GITHUB_WORKSPACE || process.cwd();
  return {
    inputs: readInputs(),
    env: process.env,
    readFile: (path) => {
      const full = resolve(workdir, path);
      return existsSync(full) ? readFileSync(full, 'utf8') : undefined;
    },
    gitHead: () => gitHead(workdir),
    log: actionsLogger,
    clock: systemClock,
    signal,
    mask: (secret) => core.setSecret(secret),
    setOutput: (name, value) => core.setOutput(name, value),
    saveState: (name, value) => core.saveState(name, value),
    writeSummary: async (markdown) => {
      // Outside a runner (the CLI, the demo) there is no summary file: print it instead.
      if (!process.env.GITHUB_STEP_SUMMARY) {
        core.info(markdown);
        return;
      }
      await core.summary.addRaw(markdown).write();
    },
    // Loaded on first use so a configuration error is reported before the SDK is even parsed.
    aws: async (region) => (await import('../aws/clients')).createClients({ region }),
    docker: async () => {
      const { default: Docker } = await import('dockerode');
      return new Docker();
    },
    workdir,
  };
}
