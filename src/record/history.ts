/**
 * The history list (docs/history.md): one entry per release, newest first, each service's
 * revision chosen as rollback would choose it, so the list shows exactly what `to:` finds.
 * Pure: pipeline/history.ts reads the services and the record.
 */
import { shortArn } from '../aws/arn';
import type { HistoryEntry } from '../model/report';
import {
  type CurrentService,
  type ReleaseHistory,
  releaseTime,
  revisionIn,
  runningRelease,
} from './releases';

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
