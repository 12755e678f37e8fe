import type { Logger } from './log';
import type { Secrets } from './secrets';
import { inertLines, issueCommand } from './workflow-commands';

/** The Logger of a real run, redacting known secrets; it writes the runner's commands itself (no @actions/core). */
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
