/** Who and where this run is: the release id and commit, the GitHub run, the region and cluster, the credentials' expiry. */

import type { Sections } from './environment';
import type { Problem } from './errors';
import type { InputReader } from './inputs-parse';
import type { LoadOptions } from './load-options';
import { INPUTS } from './names';
import type { Command } from './types';

export const RELEASE_ID = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$/;

/** The release id and commit, and where this run's GitHub deployment goes. */
export function runIdentity(
  reader: InputReader,
  options: LoadOptions,
  problems: Problem[],
  command: Command,
) {
  const commit = options.env.GITHUB_SHA?.trim() || options.gitHead();
  const release = reader.string(INPUTS.release) ?? commit;
  // history lists releases and makes none: it runs outside a checkout too.
  if (!release) {
    if (command !== 'history') {
      problems.push({
        key: `input "${INPUTS.release}"`,
        message: 'no release id: set the input, GITHUB_SHA, or run inside a git checkout',
      });
    }
  } else if (!RELEASE_ID.test(release)) {
    problems.push({
      key: `input "${INPUTS.release}"`,
      message: `"${release}" must be 1-128 letters, digits, or . _ + -`,
    });
  }
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: runId } = options.env;
  const [owner, repoName] = (repo ?? '').split('/');
  return {
    release: release ?? '',
    commit: commit ?? release ?? '',
    ...(server && repo && runId ? { runUrl: `${server}/${repo}/actions/runs/${runId}` } : {}),
    ...(owner && repoName
      ? { github: { owner, repo: repoName, apiUrl: options.env.GITHUB_API_URL || 'https://api.github.com' } }
      : {}),
  };
}

/** Where the release goes: region and cluster, each required. */
export function target(
  reader: InputReader,
  sections: Sections,
  env: LoadOptions['env'],
  problems: Problem[],
) {
  const region =
    reader.string(INPUTS.awsRegion) ?? sections.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!region) {
    problems.push({
      key: `input "${INPUTS.awsRegion}"`,
      message: 'no region: set the input, "region" in the config file, or AWS_REGION',
    });
  }
  const cluster = reader.ecsName(INPUTS.cluster) ?? sections.cluster;
  if (!cluster) {
    problems.push({
      key: `input "${INPUTS.cluster}"`,
      message: 'required: the ECS cluster name or ARN (input or "cluster" in the config file)',
    });
  }
  return { region: region ?? '', cluster: cluster ?? '' };
}

/** AWS_CREDENTIAL_EXPIRATION as epoch ms; a value that is not a date means "unknown". */
export function credentialExpiry(env: LoadOptions['env']): { credentialExpiresAt?: number } {
  const text = env.AWS_CREDENTIAL_EXPIRATION?.trim();
  const at = text ? Date.parse(text) : Number.NaN;
  return Number.isFinite(at) ? { credentialExpiresAt: at } : {};
}
