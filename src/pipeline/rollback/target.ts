/**
 * Which release `to:` names, and which revision each service runs in it. Pure:
 * everything comes from the record tags that findReleases read.
 */
import { shortArn } from '../../aws/arn';
import {
  type CurrentService,
  isEligible,
  type RecordedRelease,
  type ReleaseHistory,
  type ReleaseRevision,
  releaseTime,
  revisionIn,
  runningRelease,
} from '../../record/releases';

export interface ResolvedTarget {
  service: string;
  taskDefinitionArn: string;
  /** The release whose revision this is: the target, or an older one for a service the target left alone. */
  fromRelease: string;
  images: string[];
}

export interface RollbackTarget {
  release: RecordedRelease;
  /** The release running now, when the services' revisions say so. */
  running?: RecordedRelease;
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

function pickRelease(
  history: ReleaseHistory,
  to: string,
  running: RecordedRelease | undefined,
  current: CurrentService[],
): RecordedRelease {
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
function serviceTarget(history: ReleaseHistory, release: RecordedRelease, service: string): ResolvedTarget {
  const revision = revisionIn(history, release, service);
  if (!revision) {
    throw new RollbackTargetError(
      `service ${service} has no revision of release ${release.id} and no succeeded ecs-release revision registered before it, so its part of that release is unknown. Roll back to a newer release, or redeploy.`,
    );
  }
  return target(service, revision);
}

function target(service: string, rev: ReleaseRevision): ResolvedTarget {
  return { service, taskDefinitionArn: rev.arn, fromRelease: rev.release, images: rev.images };
}

function notEligible(r: RecordedRelease): string {
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

function describe(r: RecordedRelease): string {
  const commit = r.commit && r.commit !== r.id ? `, commit ${r.commit.slice(0, 12)}` : '';
  return `${r.id}${commit}, ${releaseTime(r.registeredAt)}, ${r.outcome ?? 'no outcome'}`;
}
