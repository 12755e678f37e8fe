/**
 * A GitHub deployment per run (docs/rollback.md "GitHub deployments"): created with the release manifest as
 * payload, then statuses in_progress → success / failure. Recording is never worth
 * failing a production release over: a token without `deployments: write` gets a
 * notice, any other GitHub error a warning, and the run goes on.
 */
import type { getOctokit } from '@actions/github';
import type { StageContext } from '../runtime/context';
import type { ReleaseManifest } from './manifest';
import type { RunState } from './run-status';

export interface GithubTarget {
  token: string;
  owner: string;
  repo: string;
  /** `GITHUB_API_URL` (GHES has its own); passed in, never read here. */
  apiUrl: string;
  /** The commit SHA. */
  ref: string;
  environment: string;
  /** The smoke URL, shown as the deployment's link. */
  environmentUrl?: string;
  /** The workflow run URL. */
  logUrl?: string;
}

export type GithubFetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface GithubDeployment {
  id: number;
  target: GithubTarget;
  octokit: ReturnType<typeof getOctokit>;
}

export type DeploymentState = 'in_progress' | 'success' | 'failure';

/**
 * Creates the deployment and its in_progress status. Undefined when GitHub refused
 * (already explained in the log): later statuses are then skipped.
 * `fetch` defaults to @actions/github's own (which honours the runner's proxy).
 */
export async function startGithubDeployment(
  ctx: StageContext,
  target: GithubTarget,
  manifest: ReleaseManifest,
  options: { fetch?: GithubFetch } = {},
): Promise<GithubDeployment | undefined> {
  ctx.mask(target.token);
  // Loaded only for a run that records a GitHub deployment: Octokit and its HTTP client
  // (undici) are about 550 KB of bundle that a plan, or a deploy without one, never needs.
  const { getOctokit } = await import('@actions/github');
  const octokit = getOctokit(target.token, {
    baseUrl: target.apiUrl.replace(/\/+$/, ''),
    ...(options.fetch ? { request: { fetch: options.fetch } } : {}),
  });
  let id: number;
  try {
    const created = await octokit.rest.repos.createDeployment({
      owner: target.owner,
      repo: target.repo,
      ref: target.ref,
      environment: target.environment,
      payload: JSON.stringify(manifest),
      auto_merge: false,
      required_contexts: [],
      description: `ecs-release ${manifest.release}`.slice(0, 140),
    });
    if (created.status !== 201 || !('id' in created.data)) {
      ctx.log.warning(
        `GitHub did not create a deployment for ${target.owner}/${target.repo} (HTTP ${created.status}); the release goes on without one.`,
      );
      return undefined;
    }
    id = created.data.id;
  } catch (error) {
    explain(ctx, target, error, 'create a deployment');
    return undefined;
  }
  const deployment: GithubDeployment = { id, target, octokit };
  ctx.log.info(`GitHub deployment ${id} created for environment ${target.environment}`);
  await setGithubDeploymentStatus(ctx, deployment, 'in_progress', `Deploying ${manifest.release}`);
  return deployment;
}

/** Adds a status; a GitHub error is logged, never thrown. */
export async function setGithubDeploymentStatus(
  ctx: StageContext,
  deployment: GithubDeployment | undefined,
  state: DeploymentState,
  description: string,
): Promise<void> {
  if (!deployment) return;
  const { target, octokit, id } = deployment;
  try {
    await octokit.rest.repos.createDeploymentStatus({
      owner: target.owner,
      repo: target.repo,
      deployment_id: id,
      state,
      description: description.slice(0, 140),
      ...(target.environmentUrl ? { environment_url: target.environmentUrl } : {}),
      ...(target.logUrl ? { log_url: target.logUrl } : {}),
    });
    ctx.log.debug(`GitHub deployment ${id}: status ${state}`);
  } catch (error) {
    explain(ctx, target, error, `set deployment ${id}'s status to ${state}`);
  }
}

function explain(ctx: StageContext, target: GithubTarget, error: unknown, what: string): void {
  const status = (error as { status?: unknown }).status;
  const message = error instanceof Error ? error.message : String(error);
  const where = `${target.owner}/${target.repo}`;
  if (status === 403 || status === 404) {
    ctx.log.notice(
      `GitHub deployment not recorded: the token could not ${what} in ${where} (HTTP ${status}: ${message}). ` +
        'Give the job `permissions: deployments: write`, or set github-deployment: false. The release goes on.',
    );
    return;
  }
  ctx.log.warning(
    `GitHub deployment: could not ${what} in ${where} (${typeof status === 'number' ? `HTTP ${status}: ` : ''}${message}). The release goes on.`,
  );
}

/** Where to ask GitHub about a run of this repository (the run's own token; `actions: read`). */
export interface GithubRunsAccess {
  token: string;
  owner: string;
  repo: string;
  apiUrl: string;
}

/** GitHub answers in well under this; a run must not hang on a GitHub that does not answer. */
export const GITHUB_RUN_TIMEOUT_MS = 10_000;

/**
 * GET /repos/{owner}/{repo}/actions/runs/{run_id}: the run's status and latest attempt
 * (docs/rollout.md, "One release at a time"). Never throws: a 403 (no `actions: read`),
 * a 404, a network error or a time-out is `{ unknown }`, which never counts as completed.
 */
export async function githubRunState(
  ctx: StageContext,
  access: GithubRunsAccess,
  runId: string,
  options: { fetch?: GithubFetch } = {},
): Promise<RunState> {
  ctx.mask(access.token);
  try {
    const { getOctokit } = await import('@actions/github');
    const octokit = getOctokit(access.token, {
      baseUrl: access.apiUrl.replace(/\/+$/, ''),
      ...(options.fetch ? { request: { fetch: options.fetch } } : {}),
    });
    const out = await octokit.rest.actions.getWorkflowRun({
      owner: access.owner,
      repo: access.repo,
      run_id: Number(runId),
      request: { signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(GITHUB_RUN_TIMEOUT_MS)]) },
    });
    const { status, run_attempt: runAttempt } = out.data;
    if (!status) return { unknown: `GitHub gave no status for run ${runId}` };
    return { status, ...(typeof runAttempt === 'number' ? { runAttempt } : {}) };
  } catch (error) {
    const status = (error as { status?: unknown }).status;
    const message = error instanceof Error ? error.message : String(error);
    if (status === 403 || status === 404) {
      return {
        unknown: `GitHub answered HTTP ${status} for run ${runId} of ${access.owner}/${access.repo}; the job needs permissions: actions: read`,
      };
    }
    return { unknown: `asking GitHub about run ${runId} failed: ${message}` };
  }
}
