import type { Report } from '../model/report';
import { type GithubTarget, releaseManifest } from '../record';
import type { StageContext } from '../runtime/context';
import { withGithubDeployment } from './github-deployment';

/**
 * The command's pipeline. Each command's module loads only when it runs: history needs
 * neither the image builder nor the migration, and what is not loaded costs no memory.
 */
export async function runCommand(
  ctx: StageContext,
  report: Report,
  checkpoint: (phase: string) => void,
): Promise<void> {
  // Read-only commands first: they record no GitHub deployment.
  if (ctx.config.command === 'history') return (await import('./history')).listHistory(ctx, report);
  if (ctx.config.command === 'plan') return (await import('./plan')).planRelease(ctx, report);
  if (ctx.config.command === 'unlock') return (await import('./unlock')).unlock(ctx, report);
  if (ctx.config.command === 'check') return (await import('./check')).checkGround(ctx, report);
  const github = githubTarget(ctx);
  if (ctx.config.command === 'deploy') {
    const manifest = releaseManifest(report, ctx.config.commit);
    const { deployRelease } = await import('./deploy');
    await withGithubDeployment(ctx, report, { target: github, manifest }, () =>
      deployRelease(ctx, report, checkpoint),
    );
  } else {
    const { rollbackRelease } = await import('./rollback');
    await rollbackRelease(ctx, report, checkpoint, github ? { github } : {});
  }
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
