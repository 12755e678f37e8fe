import { relative, resolve, sep } from 'node:path';
import { ConfigError, type Problem, SHOWN_PROBLEMS, shownProblems } from './config/errors';
import { loadConfig } from './config/load';
import { CliUsageError, cliArgs, cliUsage } from './runtime/cli-args';
import { type CommandProperties, issueCommand } from './runtime/workflow-commands';
import { workspaceLoadOptions } from './runtime/workspace';

const controller = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => controller.abort(new Error(`cancelled (${signal})`)));
}

function fail(message: string, exitCode = 1): void {
  issueCommand('error', message);
  process.exitCode = exitCode;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === 'init') return (await import('./init')).runInit(args.slice(1), controller.signal);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(cliUsage(args));
    return;
  }
  // Arguments are the CLI; the runner passes none and sets INPUT_* itself.
  let printJson: ((text: string) => void) | undefined;
  try {
    const parsed = cliArgs(args);
    Object.assign(process.env, parsed.inputs);
    if (parsed.json) printJson = stdoutForJsonOnly();
  } catch (error) {
    if (!(error instanceof CliUsageError)) throw error;
    fail(`${error.message}; nothing was changed in AWS.`, 2);
    return;
  }
  const workdir = process.env.GITHUB_WORKSPACE || process.cwd();
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(workspaceLoadOptions(process.env, workdir));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const p of shownProblems(error.problems))
      issueCommand('error', `${p.key}: ${p.message}`, place(p, workdir));
    const count = error.problems.length;
    const listed = count > SHOWN_PROBLEMS ? `the first ${SHOWN_PROBLEMS} listed above` : 'listed above';
    fail(
      `The configuration has ${count} problem${count === 1 ? '' : 's'} (${listed}); nothing was changed in AWS.`,
    );
    return;
  }
  // The rest of the action (the SDK, Docker, @actions/core) loads only for a valid configuration.
  const { runAction } = await import('./action');
  await runAction(config, controller.signal, workdir, printJson);
}

/** A problem found in the config file, as an annotation on the file's line. */
function place(problem: Problem, workdir: string): CommandProperties {
  if (problem.file === undefined) return {};
  const file = relative(workdir, resolve(workdir, problem.file)).split(sep).join('/');
  return problem.line === undefined ? { file } : { file, line: problem.line };
}

/**
 * `--json`: stdout carries the JSON and nothing else, so `ecs-release history --json | jq`
 * works. Everything else the run writes there (log lines, workflow commands, outputs,
 * the summary) goes to stderr instead. Returns the way to write to the real stdout.
 */
function stdoutForJsonOnly(): (text: string) => void {
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
  return (text) => {
    write(text);
  };
}

// Only what no check above anticipated gets here: an internal bug, where the stack is
// what a bug report needs. The user's mistakes (arguments, configuration) are messages.
main().catch((error: unknown) =>
  fail(error instanceof Error ? (error.stack ?? error.message) : String(error)),
);
