/**
 * `command: history` (docs/history.md): the environment's releases, newest first, as the
 * record tags describe them. Read-only: the same reader and choices as rollback, so
 * the list shows exactly what `to:` would find.
 */
import { DescribeServicesCommand } from '@aws-sdk/client-ecs';
import { shortArn } from '../aws/arn';
import { chunks } from '../aws/batch';
import { errorText } from '../aws/errors';
import type { HistoryEntry } from '../model/report';
import { newFindings } from '../preflight/findings';
import { checkIdentity } from '../preflight/identity';
import { primaryDeployment } from '../preflight/service-checks';
import type { StageContext } from '../runtime/context';
import { familyOf, findReleases, type ReleaseSource } from './find-releases';
import type { ReleaseHistory } from './releases';
import { type CurrentService, releaseTime, revisionIn, runningRelease } from './resolve';

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

/** Pure: the list history prints, newest first, each service's revision chosen as rollback would. */
export function historyEntries(history: ReleaseHistory, current: CurrentService[]): HistoryEntry[] {
  const running = runningRelease(history, current);
  return history.releases.map((r) => ({
    release: r.id,
    commit: r.commit,
    outcome: r.outcome ?? null,
    registeredAt: new Date(r.registeredAt).toISOString(),
    runUrl: r.runUrl ?? null,
    running: r.id === running?.id,
    services: current.map((c) => {
      const revision = revisionIn(history, r, c.service);
      return {
        service: c.service,
        taskDefinition: revision?.arn ?? null,
        fromRelease: revision?.release ?? null,
      };
    }),
  }));
}

/**
 * One log line per release:
 * `* r4  commit a1a1a1a9a9a9  succeeded  2026-11-27 12:50 UTC  demo-api demo-api:5, demo-web demo-web:3 (kept from r2)  run <url>  (running now)`.
 */
export function historyLine(entry: HistoryEntry): string {
  const services = entry.services
    .map((s) => {
      if (!s.taskDefinition) return `${s.service} unknown`;
      const kept = s.fromRelease && s.fromRelease !== entry.release ? ` (kept from ${s.fromRelease})` : '';
      return `${s.service} ${shortArn(s.taskDefinition)}${kept}`;
    })
    .join(', ');
  return [
    `${entry.running ? '*' : '-'} ${entry.release}`,
    ...(entry.commit && entry.commit !== entry.release ? [`commit ${entry.commit.slice(0, 12)}`] : []),
    entry.outcome ?? 'no outcome',
    releaseTime(Date.parse(entry.registeredAt)),
    services,
    ...(entry.runUrl ? [`run ${entry.runUrl}`] : []),
    ...(entry.running ? ['(running now)'] : []),
  ].join('  ');
}
