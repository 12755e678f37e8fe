import * as core from '@actions/core';
import type { Logger } from './log';
import type { Secrets } from './secrets';

/** The Logger of a real run, redacting known secrets; kept apart so the Logger interface loads without @actions/core (ESM-only). */
export function actionsLogger(secrets: Secrets): Logger {
  const r = (m: string) => secrets.redact(m);
  return {
    info: (m) => core.info(r(m)),
    debug: (m) => core.debug(r(m)),
    notice: (m) => core.notice(r(m)),
    warning: (m) => core.warning(r(m)),
    error: (m) => core.error(r(m)),
    group: (name, fn) => core.group(r(name), fn),
  };
}
