import * as core from '@actions/core';
import type { Logger } from './log';
import type { Secrets } from './secrets';
import { inertLines } from './workflow-commands';

/** The Logger of a real run, redacting known secrets; kept apart so the Logger interface loads without @actions/core (ESM-only). */
export function actionsLogger(secrets: Secrets): Logger {
  const r = (m: string) => secrets.redact(m);
  return {
    // Annotations, debug lines and group names are escaped by `core`; plain lines are not.
    info: (m) => {
      for (const line of inertLines(r(m))) core.info(line);
    },
    debug: (m) => core.debug(r(m)),
    notice: (m) => core.notice(r(m)),
    warning: (m) => core.warning(r(m)),
    error: (m) => core.error(r(m)),
    group: (name, fn) => core.group(r(name), fn),
  };
}
