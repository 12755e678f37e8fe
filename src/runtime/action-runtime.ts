import { access, appendFile, constants } from 'node:fs/promises';
import { actionsLogger } from './actions-logger';
import { systemClock } from './clock';
import type { Runtime } from './runtime';
import type { Secrets } from './secrets';
import { inertLines, issueCommand, issueFileCommand } from './workflow-commands';

const DOCKER_OVER_SSH =
  'Docker over SSH is not supported (DOCKER_HOST is ssh://...): point DOCKER_HOST at a unix:// socket or a tcp:// address';

/**
 * The runtime of a real run: the runner's workflow commands, process env, the SDK and
 * the Docker engine. No @actions/core: what core would do here is a stdout line or a
 * file append (workflow-commands.ts), and loading it would delay the first log line.
 */
export function actionRuntime(signal: AbortSignal, workdir: string, secrets: Secrets): Runtime {
  const onRunner = process.env.GITHUB_ACTIONS === 'true';
  return {
    log: actionsLogger(secrets),
    clock: systemClock,
    signal,
    mask: (secret) => {
      if (secrets.add(secret) && onRunner) issueCommand('add-mask', secret);
    },
    setOutput: (name, value) => issueFileCommand('OUTPUT', name, secrets.redact(value)),
    saveState: (name, value) => issueFileCommand('STATE', name, secrets.redact(value)),
    writeSummary: async (markdown) => {
      const file = process.env.GITHUB_STEP_SUMMARY;
      // Outside a runner (the CLI, the demo) there is no summary file: print it instead, inert like any log line.
      if (!file) {
        for (const line of inertLines(secrets.redact(markdown))) process.stdout.write(`${line}\n`);
        return;
      }
      // As core.summary.write(): the file must exist and be writable; the step's summary is appended to.
      await access(file, constants.R_OK | constants.W_OK);
      await appendFile(file, secrets.redact(markdown), { encoding: 'utf8' });
    },
    // Loaded on first use, after the first log line: the clients module, and dockerode
    // only when a stage asks for the engine (images; a plan or a rollback never does).
    aws: async (region) => (await import('../aws/clients')).createClients({ region }),
    docker: async () => {
      // dist/ leaves out docker-modem's SSH transport (scripts/bundle.mjs): say so here,
      // before the first engine call could fail as something else (a refused login).
      if (/^ssh:/i.test(process.env.DOCKER_HOST ?? '')) throw new Error(DOCKER_OVER_SSH);
      const { default: Docker } = await import('dockerode');
      return new Docker();
    },
    workdir,
  };
}
