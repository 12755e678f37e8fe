import { shortArn } from '../aws/arn';
/**
 * Which release `to:` names, and which revision each service runs in it. Pure:
 * everything comes from the record tags that findReleases read.
 */
import { isEligible, type ReleaseHistory, type ReleaseRecord, type ReleaseRevision } from './releases';

export interface CurrentService {
  service: string;
  taskDefinitionArn: string;
}

export interface ResolvedTarget {
  service: string;
  taskDefinitionArn: string;
  /** The release whose revision this is: the target, or an older one for a service the target left alone. */
  fromRelease: string;
  images: string[];
}

export interface RollbackTarget {
  release: ReleaseRecord;
  /** The release running now, when the services' revisions say so. */
  running?: ReleaseRecord;
  services: ResolvedTarget[];
}

export class RollbackTargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RollbackTargetError';
  }
}

const COMMIT_PREFIX = /^[0-9a-f]{7,40}$/i;
const RECENT = 10;

/**
 * `previous` (the newest succeeded release registered before the one running now),
 * a release id, or a commit SHA prefix of 7+ characters naming one commit.
 * Only succeeded releases of the history's environment are eligible.
 */
export function resolveTarget(
  history: ReleaseHistory,
  to: string,
  current: CurrentService[],
): RollbackTarget {
  const wanted = to.trim() || 'previous';
  const running = runningRelease(history, current);
  const release = pickRelease(history, wanted, running, current);
  const services = current.map((c) => serviceTarget(history, release, c.service));
  return { release, ...(running ? { running } : {}), services };
}

/** The newest release any service runs a revision of (services a release left alone run older ones). */
export function runningRelease(
  history: ReleaseHistory,
  current: CurrentService[],
): ReleaseRecord | undefined {
  const ids = new Set<string>();
  for (const c of current) {
    const rev = history.byService[c.service]?.find((r) => r.arn === c.taskDefinitionArn);
    if (rev) ids.add(rev.release);
  }
  return history.releases.find((r) => ids.has(r.id));
}

function pickRelease(
  history: ReleaseHistory,
  to: string,
  running: ReleaseRecord | undefined,
  current: CurrentService[],
): ReleaseRecord {
  const env = history.environment;
  if (to === 'previous') {
    if (!running) {
      const untagged = current.map((c) => `${c.service} runs ${shortArn(c.taskDefinitionArn)}`).join(', ');
      fail(
        `cannot tell which release runs now in environment ${env}: no service runs a revision tagged by ecs-release for it (${untagged}). Name the release with to: <release id or commit>.`,
        history,
      );
    }
    const before = history.releases.find((r) => isEligible(r) && r.registeredAt < running.registeredAt);
    if (!before) fail(`no succeeded release ran before ${describe(running)} in environment ${env}.`, history);
    return before;
  }

  const byId = history.releases.find((r) => r.id === to);
  if (byId) {
    if (!isEligible(byId)) fail(notEligible(byId), history);
    return byId;
  }

  if (!COMMIT_PREFIX.test(to)) {
    const hint = /^[0-9a-f]{1,6}$/i.test(to) ? ' A commit prefix needs at least 7 characters.' : '';
    fail(`no release "${to}" in environment ${env}.${hint}`, history);
  }
  const prefix = to.toLowerCase();
  const matching = history.releases.filter((r) => r.commit.toLowerCase().startsWith(prefix));
  const eligible = matching.filter(isEligible);
  const commits = [...new Set(eligible.map((r) => r.commit))];
  if (commits.length > 1) {
    fail(
      `commit prefix "${to}" is ambiguous in environment ${env}: it matches ${commits.join(', ')}. Give more characters.`,
      history,
    );
  }
  const found = eligible[0];
  if (found) return found;
  const other = matching[0];
  if (other) fail(notEligible(other), history);
  fail(`no release or commit "${to}" in environment ${env}.`, history);
}

/**
 * The revision a service runs in a release: the release's own, or, for a service the
 * release left alone, its newest succeeded revision registered before the release's own
 * (what it was running then: a failed release's revisions never stayed).
 */
function serviceTarget(history: ReleaseHistory, release: ReleaseRecord, service: string): ResolvedTarget {
  const revision = revisionIn(history, release, service);
  if (!revision) {
    throw new RollbackTargetError(
      `service ${service} has no revision of release ${release.id} and no succeeded ecs-release revision registered before it, so its part of that release is unknown. Roll back to a newer release, or redeploy.`,
    );
  }
  return target(service, revision);
}

/** serviceTarget's choice, or undefined when the service's part of the release is unknown. */
export function revisionIn(
  history: ReleaseHistory,
  release: ReleaseRecord,
  service: string,
): ReleaseRevision | undefined {
  return (
    release.revisions[service] ??
    history.byService[service]?.find((r) => isEligible(r) && r.registeredAt < release.registeredAt)
  );
}

function target(service: string, rev: ReleaseRevision): ResolvedTarget {
  return { service, taskDefinitionArn: rev.arn, fromRelease: rev.release, images: rev.images };
}

function notEligible(r: ReleaseRecord): string {
  const how = r.outcome ? `ended ${r.outcome}` : 'never recorded an outcome (it did not finish)';
  return `release ${r.id} ${how}: only succeeded releases can be rolled back to.`;
}

function fail(message: string, history: ReleaseHistory): never {
  throw new RollbackTargetError(`${message}\n${recentReleases(history)}`);
}

/** The list an unknown target's error shows, newest first. */
export function recentReleases(history: ReleaseHistory, limit = RECENT): string {
  if (history.releases.length === 0) {
    return `No release of environment ${history.environment} was found in the task definitions' ecs-release tags.`;
  }
  const lines = history.releases.slice(0, limit).map((r) => `  - ${describe(r)}`);
  const more =
    history.releases.length > limit ? `\n  (${history.releases.length - limit} older not shown)` : '';
  return `Recent releases of environment ${history.environment} (newest first):\n${lines.join('\n')}${more}`;
}

function describe(r: ReleaseRecord): string {
  const commit = r.commit && r.commit !== r.id ? `, commit ${r.commit.slice(0, 12)}` : '';
  return `${r.id}${commit}, ${releaseTime(r.registeredAt)}, ${r.outcome ?? 'no outcome'}`;
}

/** A release's time as the lists show it: `2026-11-27 12:50 UTC`. */
export function releaseTime(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/:\d\d\.\d+Z$/, ' UTC');
}
