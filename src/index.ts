import * as core from '@actions/core';
import { run } from './main';
import { actionRuntime } from './runtime/action-runtime';
import { CLI_USAGE, cliInputs } from './runtime/cli-args';

const controller = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => controller.abort(new Error(`cancelled (${signal})`)));
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(CLI_USAGE);
    return;
  }
  // Arguments are the CLI; the runner passes none and sets INPUT_* itself.
  Object.assign(process.env, cliInputs(args));
  const outcome = await run(actionRuntime(controller.signal));
  if (outcome.exitCode !== 0) core.setFailed(outcome.error ?? 'ecs-release failed');
}

main().catch((error: unknown) => {
  core.setFailed(error instanceof Error ? (error.stack ?? error.message) : String(error));
});
