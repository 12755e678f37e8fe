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
