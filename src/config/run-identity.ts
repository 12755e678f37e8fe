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
  // history lists releases and unlock clears a claim; neither makes one: they run outside a checkout too.
  if (!release) {
    if (command !== 'history' && command !== 'unlock') {
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
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo } = options.env;
  const [owner, repoName] = (repo ?? '').split('/');
  const run = githubRun(options.env);
  return {
    release: release ?? '',
    commit: commit ?? release ?? '',
    ...(run ? { githubRun: run } : {}),
    ...(server && repo && run
      ? { runUrl: `${server}/${repo}/actions/runs/${run.id}/attempts/${run.attempt}` }
      : {}),
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

/**
 * The workflow run and its attempt (GITHUB_RUN_ID, GITHUB_RUN_ATTEMPT): a re-run keeps the
 * run id and raises the attempt (docs/rollout.md, "One release at a time"), so the attempt is part of
 * the run's identity in its claim and its record tags. The runner always sets both; an
 * attempt missing or not a number counts as the first.
 */
export function githubRun(env: LoadOptions['env']): { id: string; attempt: number } | undefined {
  const id = env.GITHUB_RUN_ID?.trim();
  if (!id || !/^\d{1,20}$/.test(id)) return undefined;
  const attempt = Number(env.GITHUB_RUN_ATTEMPT?.trim());
  return { id, attempt: Number.isInteger(attempt) && attempt >= 1 ? attempt : 1 };
}

/** A claim's run id as a refusal prints it: `<run id>-<attempt>`, a run id, or `local-<hex>`. */
const RUN_ID = /^(?:\d{1,20}(?:-\d{1,6})?|local-[0-9a-f]{8})$/;

/** `command: unlock`'s `run` input: required there, and only ever a run id (it goes into log lines and a tag match). */
export function unlockRunOf(reader: InputReader, command: Command, problems: Problem[]): string | undefined {
  const run = reader.string(INPUTS.run);
  if (command !== 'unlock') return undefined;
  if (!run) {
    problems.push({
      key: `input "${INPUTS.run}"`,
      message: 'required for unlock: the run id the refusal named (e.g. 123456789-1)',
    });
    return undefined;
  }
  if (!RUN_ID.test(run)) {
    problems.push({
      key: `input "${INPUTS.run}"`,
      message: `"${run.slice(0, 60)}" is not a run id: <run id>-<attempt> (e.g. 123456789-1), a run id, or local-<8 hex digits>`,
    });
    return undefined;
  }
  return run;
}
