/**
 * `command: history`: the environment's releases, newest first, one log line each, a
 * table in the summary, the list in `--json`. Read-only: no claim, no tag, no update;
 * it needs only the ECS reads preflight and rollback already make.
 */

import { DescribeServicesCommand } from '@aws-sdk/client-ecs';
import { chunks } from '../aws/batch';
import { errorText } from '../aws/errors';
import { STAGES, stage } from '../engine';
import type { HistoryEntry, Report } from '../model/report';
import { newFindings } from '../preflight/findings';
import { checkIdentity } from '../preflight/identity';
import { primaryDeployment } from '../preflight/service-checks';
import { familyOf, findReleases, type ReleaseSource } from '../record/find-releases';
import { historyEntries, historyLine } from '../record/history';
import type { CurrentService, ReleaseHistory } from '../record/releases';
import type { StageContext } from '../runtime/context';

export async function listHistory(ctx: StageContext, report: Report): Promise<void> {
  const { entries } = await stage(ctx, report, STAGES.history, () => readHistory(ctx));
  report.history = entries;
  report.runningRelease = entries.find((e) => e.running)?.release;
  const env = ctx.config.environment;
  if (entries.length === 0) {
    ctx.log.info(
      `history: no release of environment ${env} in the task definitions' ecs-release tags (nothing deployed by ecs-release yet)`,
    );
  } else {
    ctx.log.info(
      `history: ${entries.length} release${entries.length === 1 ? '' : 's'} of environment ${env}, newest first (* = running now):`,
    );
    for (const entry of entries) ctx.log.info(historyLine(entry));
  }
  report.result = 'listed';
}

export interface ReadHistory {
  entries: HistoryEntry[];
  history: ReleaseHistory;
}

/** Reads what each configured service runs now and every release of the environment. */
export async function readHistory(ctx: StageContext): Promise<ReadHistory> {
  // An environment that pins its account must not show another account's releases as its own.
  const identity = newFindings();
  await checkIdentity(ctx, identity);
  if (identity.problems.length > 0) throw new Error(`history: ${identity.problems.join(' ')}`);
  const current = await currentRevisions(ctx);
  // current is in the configuration's order: each service's family is that of the revision it runs.
  const sources: ReleaseSource[] = ctx.config.services.map((config, i) => {
    const arn = current[i]?.taskDefinitionArn ?? '';
    return { config, taskDefinition: { family: familyOf(arn), taskDefinitionArn: arn } };
  });
  const history = await findReleases(ctx, sources);
  return { entries: historyEntries(history, current), history };
}

/** The revision each configured service runs now (its PRIMARY deployment's): one DescribeServices per 10. */
async function currentRevisions(ctx: StageContext): Promise<CurrentService[]> {
  const { cluster, region, services } = ctx.config;
  const found = new Map<string, string>();
  for (const batch of chunks(
    services.map((s) => s.service),
    10,
  )) {
    let out: Awaited<ReturnType<typeof describe>>;
    try {
      out = await describe(ctx, batch);
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      throw new Error(
        `history: ecs:DescribeServices for ${batch.join(', ')} in cluster ${cluster} (${region}) failed (${errorText(error)})`,
      );
    }
    for (const s of out.services ?? []) {
      const arn = primaryDeployment(s)?.taskDefinition ?? s.taskDefinition;
      if (s.serviceName && s.status !== 'INACTIVE' && arn) found.set(s.serviceName, arn);
    }
  }
  const missing = services.filter((s) => !found.has(s.service)).map((s) => s.service);
  if (missing.length > 0) {
    throw new Error(
      `history: service${missing.length === 1 ? '' : 's'} ${missing.join(', ')} not found in cluster ${cluster} (${region}); ` +
        `check the names (aws ecs list-services --region ${region} --cluster ${cluster}).`,
    );
  }
  return services.map((s) => ({ service: s.service, taskDefinitionArn: found.get(s.service) ?? '' }));
}

function describe(ctx: StageContext, services: string[]) {
  return ctx.aws.ecs.send(new DescribeServicesCommand({ cluster: ctx.config.cluster, services }), {
    abortSignal: ctx.signal,
  });
}
