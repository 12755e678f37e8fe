/**
 * Is the run behind a claim, or behind a release without an outcome, over? Pure: the
 * run ids, the record's run URL and what GitHub said (docs/rollout.md, "One release at a
 * time"). A re-run keeps the run id and raises the attempt, so an earlier attempt of a
 * run that is running again has ended; GitHub's `status` is `completed` once a run
 * ended. Anything GitHub could not tell us (403, 404, no token, no network) is "cannot
 * tell", never "completed": a live run's claim must not be cleared on a guess.
 */
import { randomBytes } from 'node:crypto';

/** A workflow run, as a claim's run id or a record's run URL names it. */
export interface RunRef {
  id: string;
  /** Undefined for a run URL of an older version, which carried no attempt. */
  attempt?: number;
}

/** What GitHub said of a run: its status and its latest attempt, or why it could not say. */
export type RunState = { status: string; runAttempt?: number } | { unknown: string };

export type Verdict =
  | { stale: true; why: string }
  | { stale: false; why: string /** GitHub could not say; the run may be dead. */; cannotTell: boolean };

/**
 * This run's claim id: `<run id>-<attempt>` in GitHub Actions (the run id of its record's
 * run URL, so a refusal can print one id for both), `local-<random>` elsewhere.
 */
export function claimRunId(run: { id: string; attempt: number } | undefined): string {
  return run ? `${run.id}-${run.attempt}` : `local-${randomBytes(4).toString('hex')}`;
}

/** The GitHub run a claim's run id names; undefined for a local run (or an id of an older version). */
export function runOfClaimId(runId: string): RunRef | undefined {
  const m = /^(\d{1,20})(?:-(\d{1,6}))?$/.exec(runId);
  if (!m?.[1]) return undefined;
  return m[2] ? { id: m[1], attempt: Number(m[2]) } : { id: m[1] };
}

/** The run a record's `ecs-release:run` URL names: `<server>/<owner>/<repo>/actions/runs/<id>[/attempts/<n>]`. */
export function runOfUrl(
  url: string | undefined,
): (RunRef & { server: string; repository: string }) | undefined {
  const m =
    /^(https?:\/\/[^/\s]+)\/([^/\s]+\/[^/\s]+)\/actions\/runs\/(\d{1,20})(?:\/attempts\/(\d{1,6}))?\/?$/.exec(
      url ?? '',
    );
  if (!m?.[1] || !m[2] || !m[3]) return undefined;
  return { server: m[1], repository: m[2], id: m[3], ...(m[4] ? { attempt: Number(m[4]) } : {}) };
}

/** The id a refusal prints and `unlock` takes: `<run id>-<attempt>`, or the run id alone when the attempt is unknown. */
export function runIdText(run: RunRef): string {
  return run.attempt === undefined ? run.id : `${run.id}-${run.attempt}`;
}

/** Whether `run` (named by a claim or a record) is over, from this run's identity and what GitHub said. */
export function judgeRun(
  run: RunRef,
  mine: { id: string; attempt: number } | undefined,
  state: RunState | undefined,
): Verdict {
  const name = `run ${runIdText(run)}`;
  if (mine && run.id === mine.id && run.attempt !== undefined && run.attempt < mine.attempt) {
    return {
      stale: true,
      why: `${name} is an earlier attempt of this run (now attempt ${mine.attempt}): a re-run starts after that attempt ended`,
    };
  }
  if (!state) return { stale: false, why: `cannot tell whether ${name} still runs`, cannotTell: true };
  if ('unknown' in state) {
    return {
      stale: false,
      why: `cannot tell whether ${name} still runs (${state.unknown})`,
      cannotTell: true,
    };
  }
  if (state.status === 'completed') return { stale: true, why: `GitHub reports ${name} completed` };
  if (run.attempt !== undefined && state.runAttempt !== undefined && state.runAttempt > run.attempt) {
    return {
      stale: true,
      why: `GitHub reports run ${run.id} at attempt ${state.runAttempt}: attempt ${run.attempt} has ended`,
    };
  }
  return { stale: false, why: `GitHub reports ${name} ${state.status}`, cannotTell: false };
}
