import type { ReleaseConfig } from '../config/types';

/** The resolved configuration as `plan` prints it: the GitHub token never leaves memory. */
export function describeConfig(config: ReleaseConfig): string {
  const shown = { ...config, ...(config.githubToken ? { githubToken: '***' } : {}) };
  return JSON.stringify(shown, null, 2);
}
