/**
 * The runner protocol, in one place, for both steps: what the GitHub runner hands a step
 * (inputs as `INPUT_<NAME>`, saved state as `STATE_<name>`) and what a step hands back
 * (outputs and state in the GITHUB_OUTPUT / GITHUB_STATE files, the job summary file,
 * workflow commands: annotations, groups, debug lines, masks). The escaping and the
 * neutralising of untrusted lines are runtime/workflow-commands.ts's. No @actions/core:
 * what it would do here is a stdout line or a file append, and its module graph loads
 * an HTTP client at import (docs/architecture.md "Budgets").
 * https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands
 */
import { accessSync, appendFileSync, constants } from 'node:fs';
import type { RawInputs } from '../config/load';
import { INPUT_NAMES } from '../config/names';
import type { Logger } from '../runtime/log';
import type { Secrets } from '../runtime/secrets';
import {
  type CommandProperties,
  inertLines,
  issueCommand,
  issueFileCommand,
} from '../runtime/workflow-commands';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The action's inputs: `INPUT_<NAME>` as the runner sets them (name upper-cased, spaces
 * as underscores), trimmed, as core.getInput reads them.
 */
export function readInputs(env: Env): RawInputs {
  const inputs: RawInputs = {};
  for (const name of INPUT_NAMES)
    inputs[name] = (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
  return inputs;
}

/** An error annotation (at a file's line when given) and a failing exit code: core.setFailed. */
export function fail(message: string, exitCode = 1, place: CommandProperties = {}): void {
  issueCommand('error', message, place);
  process.exitCode = exitCode;
}

/** An error annotation at a file's line, the step not failed by it alone. */
export function annotateError(message: string, place: CommandProperties): void {
  issueCommand('error', message, place);
}

/** The Logger of a real run, redacting known secrets; it writes the runner's commands itself. */
export function actionsLogger(secrets: Secrets): Logger {
  const r = (m: string) => secrets.redact(m);
  return {
    // Annotations, debug lines and group names are escaped as commands; plain lines are made inert.
    info: (m) => {
      for (const line of inertLines(r(m))) process.stdout.write(`${line}\n`);
    },
    debug: (m) => issueCommand('debug', r(m)),
    notice: (m) => issueCommand('notice', r(m)),
    warning: (m) => issueCommand('warning', r(m)),
    error: (m) => issueCommand('error', r(m)),
    group: async (name, fn) => {
      issueCommand('group', r(name));
      try {
        return await fn();
      } finally {
        issueCommand('endgroup');
      }
    },
  };
}

/** What a step says to the runner, every value redacted of the secrets the run has seen. */
export interface Runner {
  log: Logger;
  /** core.setSecret: the runner hides it (on a runner); our own output redacts it everywhere. */
  mask(secret: string): void;
  setOutput(name: string, value: string): void;
  /** core.saveState: the post step reads it back with getState. */
  saveState(name: string, value: string): void;
  /** core.getState: what the main step saved ('' when nothing). */
  getState(name: string): string;
  /** Appended to the step's summary file; outside a runner (the CLI), printed, inert like any log line. */
  writeSummary(markdown: string): Promise<void>;
}

export function runner(secrets: Secrets, env: Env = process.env): Runner {
  const onRunner = env.GITHUB_ACTIONS === 'true';
  return {
    log: actionsLogger(secrets),
    mask: (secret) => {
      if (secrets.add(secret) && onRunner) issueCommand('add-mask', secret);
    },
    setOutput: (name, value) => issueFileCommand('OUTPUT', name, secrets.redact(value), env),
    saveState: (name, value) => issueFileCommand('STATE', name, secrets.redact(value), env),
    getState: (name) => env[`STATE_${name}`] ?? '',
    writeSummary: async (markdown) => {
      const file = env.GITHUB_STEP_SUMMARY;
      if (!file) {
        for (const line of inertLines(secrets.redact(markdown))) process.stdout.write(`${line}\n`);
        return;
      }
      // As core.summary.write(): the file must exist and be writable; the step's summary is
      // appended to. node:fs, not node:fs/promises, which would load before the first line.
      accessSync(file, constants.R_OK | constants.W_OK);
      appendFileSync(file, secrets.redact(markdown), { encoding: 'utf8' });
    },
  };
}
