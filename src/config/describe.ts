import type { ReleaseConfig } from './types';

/**
 * The resolved configuration as `plan` prints it. The GitHub token never leaves
 * memory, and of the runner-mode migration's environment (the allowlist and the
 * names in `migrations.env`, which are there to carry tokens such as a
 * SENTRY_AUTH_TOKEN) only the names are shown.
 */
export function describeConfig(config: ReleaseConfig): string {
  const environment = config.migration?.environment;
  const shown = {
    ...config,
    ...(config.githubToken ? { githubToken: '***' } : {}),
    ...(config.migration && environment
      ? { migration: { ...config.migration, environment: Object.keys(environment).sort() } }
      : {}),
  };
  return JSON.stringify(shown, null, 2);
}
