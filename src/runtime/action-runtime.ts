import * as core from '@actions/core';
import { actionsLogger } from './actions-logger';
import { systemClock } from './clock';
import type { Runtime } from './runtime';
import type { Secrets } from './secrets';

/** The runtime of a real action run: @actions/core, process env, the SDK and the Docker engine. */
export function actionRuntime(signal: AbortSignal, workdir: string, secrets: Secrets): Runtime {
  const onRunner = process.env.GITHUB_ACTIONS === 'true';
  return {
    log: actionsLogger(secrets),
    clock: systemClock,
    signal,
    mask: (secret) => {
      if (secrets.add(secret) && onRunner) core.setSecret(secret);
    },
    setOutput: (name, value) => core.setOutput(name, secrets.redact(value)),
    saveState: (name, value) => core.saveState(name, secrets.redact(value)),
    writeSummary: async (markdown) => {
      // Outside a runner (the CLI, the demo) there is no summary file: print it instead.
      if (!process.env.GITHUB_STEP_SUMMARY) {
        core.info(secrets.redact(markdown));
        return;
      }
      await core.summary.addRaw(secrets.redact(markdown)).write();
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
