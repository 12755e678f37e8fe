import * as core from '@actions/core';
import type { Runtime } from '../main';
import { actionsLogger } from './actions-logger';
import { systemClock } from './clock';

/** The runtime of a real action run: @actions/core, process env, the SDK and the Docker engine. */
export function actionRuntime(signal: AbortSignal, workdir: string): Runtime {
  return {
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
