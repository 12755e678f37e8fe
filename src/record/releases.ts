/**
 * Releases as the record tags on task definition revisions describe them (docs/rollback.md
 * "Release records and `to:`"): the only history ecs-release keeps, and the source of truth for rollback.
 */
import type { Tag } from '@aws-sdk/client-ecs';
import type { ReleaseOutcome } from '../model/contracts';
import { TAGS, tagValue } from './release-record';

export { tagValue };

/** One task definition revision that carries the record tags. */
export interface ReleaseRevision {
  service: string;
  family: string;
  revision: number;
  arn: string;
  /** Epoch ms. */
  registeredAt: number;
  release: string;
  commit: string;
  environment: string;
  outcome?: ReleaseOutcome;
  runUrl?: string;
  /** The container images it runs (`repo@sha256:…`). */
  images: string[];
}

export interface RecordedRelease {
  id: string;
  commit: string;
  environment: string;
  /** Undefined: the release never recorded how it ended. */
  outcome?: ReleaseOutcome;
  /** Its earliest own revision's registration: its place in the history. */
  registeredAt: number;
  runUrl?: string;
  /** Its own revisions, by service (services it left alone are absent). */
  revisions: Record<string, ReleaseRevision>;
}

export interface ReleaseHistory {
  environment: string;
  /** Newest first. */
  releases: RecordedRelease[];
  /** Per service, its tagged revisions of this environment, newest first. */
  byService: Record<string, ReleaseRevision[]>;
}

const OUTCOMES: readonly string[] = ['succeeded', 'rolled-back', 'failed', 'abandoned'];

/** A revision's record, or undefined when ecs-release did not tag it. */
export function revisionFromTags(
  fields: Omit<ReleaseRevision, 'release' | 'commit' | 'environment' | 'outcome' | 'runUrl'>,
  tags: Tag[] | undefined,
): ReleaseRevision | undefined {
  const release = tagValue(tags, TAGS.release);
  const environment = tagValue(tags, TAGS.environment);
  if (!release || !environment) return undefined;
  const rev: ReleaseRevision = {
    ...fields,
    release,
    commit: tagValue(tags, TAGS.commit) ?? '',
    environment,
  };
  const outcome = tagValue(tags, TAGS.outcome);
  if (outcome && OUTCOMES.includes(outcome)) rev.outcome = outcome as ReleaseOutcome;
  const run = tagValue(tags, TAGS.run);
  if (run) rev.runUrl = run;
  return rev;
}

/** Only these can be rolled back to (`previous` and `to:` choose among succeeded releases: docs/rollback.md). */
export const isEligible = (r: { outcome?: ReleaseOutcome }): boolean => r.outcome === 'succeeded';

/**
 * Groups revisions into releases. A release id can have several attempts (a re-run
 * after a rollback registers again): per service the newest succeeded revision wins,
 * else the newest; a release succeeded when any attempt of it did.
 */
export function buildHistory(environment: string, revisions: ReleaseRevision[]): ReleaseHistory {
  const mine = revisions.filter((r) => r.environment === environment);
  const byService: Record<string, ReleaseRevision[]> = {};
  for (const r of mine) byService[r.service] = [...(byService[r.service] ?? []), r];
  for (const list of Object.values(byService)) list.sort(newestFirst);

  const grouped = new Map<string, ReleaseRevision[]>();
  for (const r of mine) grouped.set(r.release, [...(grouped.get(r.release) ?? []), r]);

  const releases: RecordedRelease[] = [];
  for (const [id, revs] of grouped) {
    const chosen: Record<string, ReleaseRevision> = {};
    for (const r of [...revs].sort(newestFirst)) {
      const current = chosen[r.service];
      if (!current || (!isEligible(current) && isEligible(r))) chosen[r.service] = r;
    }
    const own = Object.values(chosen);
    const newest = [...own].sort(newestFirst)[0];
    if (!newest) continue;
    const record: RecordedRelease = {
      id,
      commit: newest.commit,
      environment,
      registeredAt: Math.min(...own.map((r) => r.registeredAt)),
      revisions: chosen,
    };
    const outcome = own.some(isEligible) ? 'succeeded' : newest.outcome;
    if (outcome) record.outcome = outcome;
    if (newest.runUrl) record.runUrl = newest.runUrl;
    releases.push(record);
  }
  releases.sort((a, b) => b.registeredAt - a.registeredAt);
  return { environment, releases, byService };
}

function newestFirst(a: ReleaseRevision, b: ReleaseRevision): number {
  return b.registeredAt - a.registeredAt || b.revision - a.revision;
}

export interface CurrentService {
  service: string;
  taskDefinitionArn: string;
}

/** The newest release any service runs a revision of (services a release left alone run older ones). */
export function runningRelease(
  history: ReleaseHistory,
  current: CurrentService[],
): RecordedRelease | undefined {
  const ids = new Set<string>();
  for (const c of current) {
    const rev = history.byService[c.service]?.find((r) => r.arn === c.taskDefinitionArn);
    if (rev) ids.add(rev.release);
  }
  return history.releases.find((r) => ids.has(r.id));
}

/** serviceTarget's choice, or undefined when the service's part of the release is unknown. */
export function revisionIn(
  history: ReleaseHistory,
  release: RecordedRelease,
  service: string,
): ReleaseRevision | undefined {
  return (
    release.revisions[service] ??
    history.byService[service]?.find((r) => isEligible(r) && r.registeredAt < release.registeredAt)
  );
}

/** A release's time as the lists show it: `2026-11-27 12:50 UTC`. */
export function releaseTime(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/:\d\d\.\d+Z$/, ' UTC');
}
