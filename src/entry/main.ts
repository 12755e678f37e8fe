/**
 * The main step's entry (action.yml `main:`, and the `ecs-release` CLI): reads the
 * arguments and inputs, refuses an invalid configuration, runs the command
 * (commands/run.ts) over the runner protocol (entry/runner.ts), and writes its exit code.
 */
import { relative, resolve, sep } from 'node:path';
import { ConfigError, type Problem, SHOWN_PROBLEMS, shownProblems } from '../config/errors';
import { loadConfig } from '../config/load';
import type { ReleaseConfig } from '../config/types';
import { CliUsageError, cliArgs, cliUsage } from '../runtime/cli-args';
import { systemClock } from '../runtime/clock';
import type { Runtime } from '../runtime/runtime';
import { Secrets } from '../runtime/secrets';
import { type CommandProperties, inertJson } from '../runtime/workflow-commands';
import { workspaceLoadOptions } from '../runtime/workspace';
import { annotateError, fail, readInputs, runner } from './runner';

const DOCKER_OVER_SSH =
  'Docker over SSH is not supported (DOCKER_HOST is ssh://...): point DOCKER_HOST at a unix:// socket or a tcp:// address';

const controller = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => controller.abort(new Error(`cancelled (${signal})`)));
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  // `ecs-release init` is the CLI's alone: it reads an account and writes files, no config.
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
  const config = readConfig(workdir);
  if (!config) return;
  await runStep(config, workdir, printJson);
}

/** The validated configuration, or undefined once its problems were annotated and the step failed. */
function readConfig(workdir: string): ReleaseConfig | undefined {
  try {
    return loadConfig(workspaceLoadOptions(readInputs(process.env), process.env, workdir));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const p of shownProblems(error.problems)) annotateError(`${p.key}: ${p.message}`, place(p, workdir));
    const count = error.problems.length;
    const listed = count > SHOWN_PROBLEMS ? `the first ${SHOWN_PROBLEMS} listed above` : 'listed above';
    fail(
      `The configuration has ${count} problem${count === 1 ? '' : 's'} (${listed}); nothing was changed in AWS.`,
    );
    return undefined;
  }
}

/**
 * The command for a valid configuration, loaded only now: a refused configuration never
 * parses the stages, the SDK or Docker. `printJson` (the CLI's `history --json`) gets the
 * list once it was read.
 */
async function runStep(
  config: ReleaseConfig,
  workdir: string,
  printJson?: (text: string) => void,
): Promise<void> {
  const { run } = await import('../commands/run');
  const secrets = new Secrets();
  const rt: Runtime = {
    ...runner(secrets),
    ...clients(),
    clock: systemClock,
    signal: controller.signal,
    workdir,
  };
  const outcome = await run(rt, config);
  if (printJson && outcome.report?.result === 'listed') {
    printJson(`${inertJson(secrets.redact(JSON.stringify(outcome.report.history ?? [], null, 2)))}\n`);
  }
  if (outcome.exitCode !== 0) fail(secrets.redact(outcome.error ?? 'ecs-release failed'));
}

/**
 * The SDK and the Docker engine, loaded on first use, after the first log line: the
 * clients module, and dockerode only when a stage asks for the engine (images; a plan
 * or a rollback never does).
 */
function clients(): Pick<Runtime, 'aws' | 'docker'> {
  return {
    aws: async (region) => (await import('../aws/clients')).createClients({ region }),
    docker: async () => {
      // dist/ leaves out docker-modem's SSH transport (scripts/bundle.mjs): say so here,
      // before the first engine call could fail as something else (a refused login).
      if (/^ssh:/i.test(process.env.DOCKER_HOST ?? '')) throw new Error(DOCKER_OVER_SSH);
      const { default: Docker } = await import('dockerode');
      return new Docker();
    },
  };
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
