import { ConfigError } from '../../src/config/errors';
import type { LoadOptions, RawInputs } from '../../src/config/load';

/** Loader options over an in-memory workspace. */
export function options(
  inputs: RawInputs,
  files: Record<string, string> = {},
  env: Record<string, string> = { GITHUB_SHA: 'a'.repeat(40) },
): LoadOptions {
  return { inputs, env, readFile: (path) => files[path], gitHead: () => undefined };
}

export const BASE_INPUTS: RawInputs = {
  cluster: 'acme',
  'aws-region': 'eu-west-1',
  'frontend-service': 'acme-web',
  'backend-service': 'acme-api',
  'frontend-repository': 'acme/frontend',
  'backend-repository': 'acme/backend',
};

/** The problems a ConfigError lists, as `key: message`; anything else thrown, or nothing, fails. */
export function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${p.key}: ${p.message}`);
    throw error;
  }
  throw new Error('expected a ConfigError');
}
