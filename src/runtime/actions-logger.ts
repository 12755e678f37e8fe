import * as core from '@actions/core';
import type { Logger } from './log';

/** The Logger of a real run; kept apart so the logger's interface loads without @actions/core (ESM-only). */
export const actionsLogger: Logger = {
  info: (m) => core.info(m),
  debug: (m) => core.debug(m),
  notice: (m) => core.notice(m),
  warning: (m) => core.warning(m),
  error: (m) => core.error(m),
  group: (name, fn) => core.group(name, fn),
};
