import type { Report } from '../model/report';
import {
  type GithubFetch,
  type GithubTarget,
  type ReleaseManifest,
  setGithubDeploymentStatus,
  startGithubDeployment,
} from '../record';
import type { StageContext } from '../runtime/context';

/**
 * A GitHub deployment around `fn` (docs/rollback.md "GitHub deployments"), for deploy and rollback alike:
 * in_progress now, then success or failure from the report's result, whatever
 * happened (it must never stay in_progress). No target: just `fn`.
 */
export async function withGithubDeployment(
  ctx: StageContext,
  report: Report,
  github: { target: GithubTarget | undefined; manifest: ReleaseManifest; fetch?: GithubFetch | undefined },
  fn: () => Promise<void>,
): Promise<void> {
  const { target, manifest, fetch } = github;
  const deployment = target
    ? await startGithubDeployment(ctx, target, manifest, fetch ? { fetch } : {})
    : undefined;
  try {
    await fn();
  } finally {
    const ok = report.result === 'deployed' || report.result === 'unchanged';
    const running = report.runningRelease ? `, running ${report.runningRelease}` : '';
    await setGithubDeploymentStatus(
      ctx,
      deployment,
      ok ? 'success' : 'failure',
      `${report.command} ${report.result ?? 'failed'}: ${report.release}${running}`,
    );
  }
}
