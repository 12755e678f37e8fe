import type { Report } from '../model/report';
import { type GithubTarget, releaseManifest } from '../record';
import type { StageContext } from '../runtime/context';
import { deployRelease } from './deploy';
import { withGithubDeployment } from './github-deployment';
import { planRelease } from './plan-release';
import { rollbackRelease } from './rollback-release';

/** The command's pipeline. */
export async function runCommand(
  ctx: StageContext,
  report: Report,
  checkpoint: (phase: string) => void,
): Promise<void> {
  const github = githubTarget(ctx);
  if (ctx.config.command === 'plan') await planRelease(ctx, report);
  else if (ctx.config.command === 'deploy') {
    const manifest = releaseManifest(report, ctx.config.commit);
    await withGithubDeployment(ctx, report, { target: github, manifest }, () =>
      deployRelease(ctx, report, checkpoint),
    );
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
