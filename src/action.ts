import type { ReleaseConfig } from './config/types';
import { run } from './main';
import { actionRuntime } from './runtime/action-runtime';
import { Secrets } from './runtime/secrets';
import { inertJson, issueCommand } from './runtime/workflow-commands';

/**
 * The action for a validated configuration: loaded only once the configuration passed.
 * `printJson` (the CLI's `history --json`) gets the list once it was read.
 */
export async function runAction(
  config: ReleaseConfig,
  signal: AbortSignal,
  workdir: string,
  printJson?: (text: string) => void,
): Promise<void> {
  const secrets = new Secrets();
  const outcome = await run(actionRuntime(signal, workdir, secrets), config);
  if (printJson && outcome.report?.result === 'listed') {
    printJson(`${inertJson(secrets.redact(JSON.stringify(outcome.report.history ?? [], null, 2)))}\n`);
  }
  if (outcome.exitCode === 0) return;
  // core.setFailed: the error annotation and a failing exit code.
  issueCommand('error', secrets.redact(outcome.error ?? 'ecs-release failed'));
  process.exitCode = 1;
}
