import type { Report } from '../model/report';
import {
  type GithubTarget,
  releaseManifest,
  setGithubDeploymentStatus,
  startGithubDeployment,
} from '../record';
import type { StageContext } from '../runtime/context';
import { deployRelease } from './deploy';
import { listHistory } from './history';
import { planRelease } from './plan-release';
import { rollbackRelease } from './rollback-release';

/** The command's pipeline. */
export async function runCommand(
  ctx: StageContext,
  report: Report,
  checkpoint: (phase: string) => void,
): Promise<void> {
  // Read-only commands first: they record no GitHub deployment.
  if (ctx.config.command === 'history') return listHistory(ctx, report);
  if (ctx.config.command === 'plan') return planRelease(ctx, report);
  const github = githubTarget(ctx);
  if (ctx.config.command === 'deploy') {
    await withGithubDeployment(ctx, report, github, () => deployRelease(ctx, report, checkpoint));
  } else await rollbackRelease(ctx, report, checkpoint, github ? { github } : {});
}

/** The GitHub deployment target, when asked for and possible; otherwise a notice says why not. */
function githubTarget(ctx: StageContext): GithubTarget | undefined {
  const { config } = ctx;
  if (!config.githubDeployment) return undefined;
  if (!config.githubToken || !config.github) {
    ctx.log.notice(
      'github-deployment: no token or repository (not running in GitHub Actions?): no GitHub deployment is recorded',
    );
    return undefined;
  }
  return {
    token: config.githubToken,
    ...config.github,
    ref: config.commit,
    environment: config.environment,
    ...(config.gate.smokeUrl ? { environmentUrl: config.gate.smokeUrl } : {}),
    ...(config.runUrl ? { logUrl: config.runUrl } : {}),
  };
}

async function withGithubDeployment(
  ctx: StageContext,
  report: Report,
  target: GithubTarget | undefined,
  release: () => Promise<void>,
): Promise<void> {
  const deployment = target
    ? await startGithubDeployment(ctx, target, releaseManifest(report, ctx.config.commit))
    : undefined;
  try {
    await release();
  } finally {
    const ok = report.result === 'deployed' || report.result === 'unchanged';
    await setGithubDeploymentStatus(
      ctx,
      deployment,
      ok ? 'success' : 'failure',
      `${report.result ?? 'failed'}: ${report.release}`,
    );
  }
}
