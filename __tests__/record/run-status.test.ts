/**
 * The pure decisions behind stale claims and releases: which run a claim or a record
 * names, whether that run is over, what a refusal says, and what GitHub's answers
 * (through the lab's runs API stand-in) turn into. "Cannot tell" is never "completed".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunsApi, startRunsApi } from '../../lab/github/runs-api';
import { githubRunState } from '../../src/record/github';
import { claimRefusal } from '../../src/record/refusal';
import { claimRunId, judgeRun, runOfClaimId, runOfUrl } from '../../src/record/run-status';
import type { StageContext } from '../../src/runtime/context';

describe('run ids', () => {
  it('a GitHub run claims as <run id>-<attempt>; a local run as local-<random>', () => {
    expect(claimRunId({ id: '4242', attempt: 2 })).toBe('4242-2');
    expect(claimRunId(undefined)).toMatch(/^local-[0-9a-f]{8}$/);
    expect(claimRunId(undefined)).not.toBe(claimRunId(undefined));
  });

  it('reads the run back from a claim id and from a record run URL (with or without the attempt)', () => {
    expect(runOfClaimId('4242-2')).toEqual({ id: '4242', attempt: 2 });
    expect(runOfClaimId('4242')).toEqual({ id: '4242' });
    expect(runOfClaimId('local-0a1b2c3d')).toBeUndefined();
    // An older version's claim (`<run>-<random hex>`): not a run this version can ask about.
    expect(runOfClaimId('4242-9f8e7d6c')).toBeUndefined();
    expect(runOfUrl('https://github.com/acme/demo/actions/runs/4242/attempts/3')).toEqual({
      server: 'https://github.com',
      repository: 'acme/demo',
      id: '4242',
      attempt: 3,
    });
    expect(runOfUrl('https://github.com/acme/demo/actions/runs/4242')).toMatchObject({ id: '4242' });
    expect(runOfUrl('javascript:alert(1)')).toBeUndefined();
    expect(runOfUrl(undefined)).toBeUndefined();
  });
});

describe('judgeRun: is the run behind a claim or a release over?', () => {
  const mine = { id: '500', attempt: 2 };

  it('an earlier attempt of this very run is over, without asking GitHub', () => {
    expect(judgeRun({ id: '500', attempt: 1 }, mine, undefined)).toMatchObject({ stale: true });
    // The same attempt is another job of this run: not over.
    expect(judgeRun({ id: '500', attempt: 2 }, mine, undefined)).toMatchObject({ stale: false });
  });

  it('GitHub reporting the run completed, or re-run since, makes it stale', () => {
    const run = { id: '400', attempt: 1 };
    expect(judgeRun(run, mine, { status: 'completed', runAttempt: 1 })).toEqual({
      stale: true,
      why: 'GitHub reports run 400-1 completed',
    });
    expect(judgeRun(run, mine, { status: 'in_progress', runAttempt: 2 })).toMatchObject({ stale: true });
  });

  it('a run in progress, queued or waiting is live; an answer GitHub could not give is "cannot tell", never stale', () => {
    const run = { id: '400', attempt: 1 };
    for (const status of ['in_progress', 'queued', 'waiting', 'requested', 'pending']) {
      expect(judgeRun(run, mine, { status, runAttempt: 1 })).toEqual({
        stale: false,
        why: `GitHub reports run 400-1 ${status}`,
        cannotTell: false,
      });
    }
    expect(judgeRun(run, mine, { unknown: 'HTTP 404' })).toMatchObject({ stale: false, cannotTell: true });
    expect(judgeRun(run, undefined, undefined)).toMatchObject({ stale: false, cannotTell: true });
    // A record of an older version names no attempt: only "completed" clears it.
    expect(judgeRun({ id: '400' }, mine, { status: 'in_progress', runAttempt: 5 })).toMatchObject({
      stale: false,
    });
  });
});

describe('claimRefusal', () => {
  it('names the run, its URL, when the claim expires, and both unlock commands', () => {
    const text = claimRefusal(
      {
        environment: 'production',
        cluster: 'acme',
        region: 'eu-west-1',
        runUrl: 'https://github.com/acme/demo/actions/runs/500/attempts/1',
      },
      { runId: '400-1', expiresAt: Date.parse('2026-12-06T12:00:00Z') },
      'cannot tell whether run 400-1 still runs (HTTP 404)',
    );
    expect(text).toContain(
      'claimed by another run, 400-1 (https://github.com/acme/demo/actions/runs/400/attempts/1)',
    );
    expect(text).toContain('until 2026-12-06T12:00:00.000Z');
    expect(text).toContain('cannot tell whether run 400-1 still runs (HTTP 404)');
    expect(text).toContain('`command: unlock` with `run: 400-1`');
    expect(text).toContain(
      '`ecs-release unlock --run 400-1 --environment production --cluster acme --aws-region eu-west-1`',
    );
  });
});

describe('githubRunState against the runs API stand-in', () => {
  let api: RunsApi;
  const ctx = { mask: () => undefined, signal: new AbortController().signal } as unknown as StageContext;
  const access = () => ({ token: 'ghs_test', owner: 'acme', repo: 'demo', apiUrl: api.url });

  beforeAll(async () => {
    api = await startRunsApi();
  });
  afterAll(() => api.close());

  it('returns the status and attempt GitHub reports, sent with the token', async () => {
    api.setRun('acme/demo', '400', { status: 'completed', runAttempt: 1 });
    expect(await githubRunState(ctx, access(), '400')).toEqual({ status: 'completed', runAttempt: 1 });
    expect(api.requests.at(-1)).toMatchObject({
      method: 'GET',
      path: '/repos/acme/demo/actions/runs/400',
      authorization: 'token ghs_test',
    });
  });

  it('a 404, or no server at all, is "cannot tell"', async () => {
    const missing = await githubRunState(ctx, access(), '999');
    expect(missing).toEqual({
      unknown: 'GitHub answered HTTP 404 for run 999 of acme/demo; the job needs permissions: actions: read',
    });
    const down = await githubRunState(ctx, { ...access(), apiUrl: 'http://127.0.0.1:9' }, '400');
    expect('unknown' in down && down.unknown).toMatch(/^asking GitHub about run 400 failed/);
  });
});
