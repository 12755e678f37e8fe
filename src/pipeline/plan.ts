import { describeConfig } from '../config/describe';
import { STAGES, stage } from '../engine/stage';
import { computeContentKeys } from '../images';
import { findImage } from '../images/ecr';
import { checkPromotion } from '../images/promote';
import type { PreflightResult } from '../model/contracts';
import type { Report } from '../model/report';
import { runPreflight } from '../preflight';
import { previewServices, releaseRecord } from '../render';
import type { StageContext } from '../runtime/context';
import { groundInto } from './ground';

/**
 * Per image key, what deploy would put in the task definitions: `repo@digest`
 * when ECR already holds the content tag (nothing to build), else
 * `repo:content-…` for an image deploy would build first.
 */
async function imageReferences(
  ctx: StageContext,
  preflight: PreflightResult,
): Promise<Record<string, string>> {
  const tags = await computeContentKeys(ctx);
  const references: Record<string, string> = {};
  for (const [key, tag] of Object.entries(tags)) {
    const repo = preflight.repositories[key];
    if (!repo) continue;
    const promoted = ctx.config.promote?.[key];
    if (promoted) {
      references[key] = `${repo.uri}@${promoted.digest}`;
      ctx.log.info(`image ${key}: would promote ${promoted.uri}@${promoted.digest} (nothing to build)`);
      continue;
    }
    const existing = repo.exists ? await findImage(ctx, repo.name, tag) : undefined;
    references[key] = existing ? `${repo.uri}@${existing.digest}` : `${repo.uri}:${tag}`;
    ctx.log.info(
      `image ${key}: ${existing ? `${repo.uri}:${tag} is in ECR (nothing to build)` : `would build ${repo.uri}:${tag}`}`,
    );
  }
  return references;
}

/** plan: the resolved configuration, preflight, and the diff deploy would register. Changes nothing. */
export async function planRelease(ctx: StageContext, report: Report): Promise<void> {
  await stage(ctx, report, STAGES.configuration, async () => {
    ctx.log.info(describeConfig(ctx.config));
  });
  const preflight = await stage(ctx, report, STAGES.preflight, () =>
    // With `images`, the promotion's read-only check (hosts allowed, every digest found) as deploy runs it.
    runPreflight(ctx, { checks: ctx.config.promote ? [checkPromotion] : [], ground: groundInto(report) }),
  );
  await stage(ctx, report, STAGES.render, async () => {
    const references = await imageReferences(ctx, preflight);
    ctx.log.info(previewServices(preflight, references, releaseRecord(ctx.config)));
  });
  report.result = 'planned';
}
