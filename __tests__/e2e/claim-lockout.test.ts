/**
 * Never locked out (docs/rollout.md, "One release at a time"): the built bundle as the
 * runner starts it, against the lab, with a local stand-in for GitHub's runs API.
 * A run cancelled in its bake frees the environment at once; a run killed in its bake
 * (SIGKILL: no cleanup at all) refuses the next deploy with the run and the unlock
 * command, until `unlock` (or until GitHub reports that run completed, when the next
 * run clears it itself and marks the release `abandoned`); a re-run of a killed run
 * finishes its own release.
 */
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunsApi, startRunsApi } from '../../lab/github/runs-api';
import { DEMO } from '../../lab/scenarios/demo';
import { appCheckout, type E2eLab, ownDeployInputs, type RunResult, runAction, startE2eLab } from './harness';

let lab: E2eLab;
let app: ReturnType<typeof appCheckout>;
let api: RunsApi;

const RUN = `lock${Date.now().toString(36)}`;
const REPOSITORY = 'acme/demo';
const CLAIM_KEY = 'ecs-release:claim:production';
const TOKEN = 'ghs_lab_claim_lockout';
const INPUTS = { ...ownDeployInputs(RUN), 'github-token': TOKEN };

interface Attempt {
  runId: string;
  attempt?: number;
  inputs?: Record<string, string>;
  /** The CLI's arguments, e.g. the unlock command a refusal printed. */
  args?: string[];
  /** Signal sent once the run's log says it is baking. */
  killInBake?: NodeJS.Signals;
}

/** One run of the bundle as workflow run `runId`, attempt `attempt`, with GITHUB_API_URL on the stand-in. */
async function run(sha: string, a: Attempt): Promise<RunResult & { killed: boolean }> {
  let killed = false;
  const onSpawn = (child: ChildProcess) => {
    if (!a.killInBake) return;
    let seen = '';
    child.stdout?.on('data', (d: Buffer) => {
      seen += d.toString();
      if (!killed && seen.includes('gate: baking for')) {
        killed = true;
        child.kill(a.killInBake);
      }
    });
  };
  const result = await runAction({
    inputs: { ...INPUTS, ...(a.killInBake ? { 'bake-time': '5m' } : {}), ...a.inputs },
    cwd: app.dir,
    url: lab.url,
    labEnv: lab.env,
    sha,
    ...(a.args ? { args: a.args } : {}),
    extraEnv: {
      GITHUB_RUN_ID: a.runId,
      GITHUB_RUN_ATTEMPT: String(a.attempt ?? 1),
      GITHUB_API_URL: api.url,
    },
    onSpawn,
  });
  return { ...result, killed };
}

/** A backend change: a new release that rebuilds only the backend. */
function release(message: string): string {
  return app.commit(message, (dir) => writeFileSync(join(dir, 'backend/VERSION'), `${message}\n`));
}

function primaryOf(service: string): string {
  const s = [...lab.lab.ecs.services.values()].find((x) => x.name === service);
  return s?.deployments.find((d) => d.status === 'PRIMARY')?.taskDefinition ?? '';
}

function claimTag(): string | undefined {
  const cluster = [...lab.lab.ecs.clusters.values()].find((c) => c.name === DEMO.cluster);
  return cluster?.tags.find((t) => t.key === CLAIM_KEY)?.value;
}

function tagOf(arn: string, key: string): string | undefined {
  return lab.lab.ecs.taskDefinitions.get(arn)?.tags.find((t) => t.key === key)?.value;
}

/** Killed in the bake: every service runs the release, which has no outcome, and its claim stands. */
async function killedInBake(sha: string, runId: string): Promise<string> {
  const killed = await run(sha, { runId, killInBake: 'SIGKILL' });
  expect(killed.killed, killed.stdout.slice(-2000)).toBe(true);
  expect(killed.code).toBeNull();
  const api1 = primaryOf(DEMO.api.service);
  expect(tagOf(api1, 'ecs-release:release')).toBe(sha);
  expect(tagOf(api1, 'ecs-release:outcome')).toBeUndefined();
  expect(tagOf(api1, 'ecs-release:run')).toBe(
    `https://github.com/${REPOSITORY}/actions/runs/${runId}/attempts/1`,
  );
  expect(claimTag()).toMatch(new RegExp(`^${runId}-1 `));
  return api1;
}

beforeAll(async () => {
  lab = await startE2eLab();
  app = appCheckout();
  api = await startRunsApi();
});

afterAll(async () => {
  await api?.close();
  await lab?.close();
});

describe('a cancelled or killed run never locks the environment out', () => {
  it('(a) SIGINT in the bake, then deploy again at once: the claim was removed, no refusal', async () => {
    const sha = release('a');
    const cancelled = await run(sha, { runId: '1001', killInBake: 'SIGINT' });
    expect(cancelled.killed, cancelled.stdout.slice(-2000)).toBe(true);
    expect(cancelled.code).not.toBe(0);
    expect(cancelled.stdout + cancelled.stderr).not.toContain('could not remove the claim');
    expect(claimTag()).toBeUndefined();

    // The way back it issued is ECS's to finish: the next run, started at once (as GitHub's
    // concurrency group starts it), waits for that deployment instead of refusing.
    const again = await run(sha, { runId: '1002' });
    expect(again.code, again.stdout.slice(-3000)).toBe(0);
    expect(again.outputs.result).toBe('deployed');
    expect(again.stdout).toContain(
      `waiting for ${DEMO.api.service}'s deployment in flight (the way back of run https://github.com/${REPOSITORY}/actions/runs/1001/attempts/1 / release ${sha}`,
    );
    expect(again.stdout).toMatch(/the deployments in flight finished after [\d.ms]+; preflight goes on/);
    expect(tagOf(primaryOf(DEMO.api.service), 'ecs-release:outcome')).toBe('succeeded');
    expect(claimTag()).toBeUndefined();
  }, 600_000);

  it('(b) SIGKILL in the bake: the next deploy is refused naming the run and unlock; unlock (refused while GitHub says in progress) clears it; then deploy', async () => {
    const killedRelease = release('b-killed');
    const killedApi = await killedInBake(killedRelease, '2001');

    const next = release('b-next');
    const registered = lab.lab.recorder.calls('ecs', 'RegisterTaskDefinition').length;
    const refused = await run(next, { runId: '2002' });
    expect(refused.code).toBe(1);
    expect(refused.outputs.result).toBe('failed');
    for (const text of [refused.stdout, refused.summary]) {
      expect(text).toContain(`https://github.com/${REPOSITORY}/actions/runs/2001/attempts/1`);
      expect(text).toContain('`command: unlock` with `run: 2001-1`');
      expect(text).toContain('`ecs-release unlock --run 2001-1 --environment production');
    }
    // GitHub does not know run 2001 (the stand-in answers 404): that is "cannot tell", never "completed".
    expect(refused.stdout).toContain('cannot tell whether run 2001-1 still runs (GitHub answered HTTP 404');
    expect(lab.lab.recorder.calls('ecs', 'RegisterTaskDefinition').length).toBe(registered);
    expect(api.requests.some((r) => r.path === '/repos/acme/demo/actions/runs/2001')).toBe(true);

    // unlock refuses while GitHub reports that run in progress, and changes nothing.
    api.setRun(REPOSITORY, '2001', { status: 'in_progress', runAttempt: 1 });
    const early = await run(next, { runId: '2003', inputs: { command: 'unlock', run: '2001-1' } });
    expect(early.code).toBe(1);
    expect(early.stdout).toContain('run 2001-1 is still in progress (GitHub reports run 2001-1 in_progress)');
    expect(claimTag()).toMatch(/^2001-1 /);

    // The CLI form, exactly as the refusal printed it (GitHub now answers 404: cannot tell, the person vouches).
    api.forgetRun(REPOSITORY, '2001');
    const printed = /`ecs-release (unlock --run 2001-1 [^`]+)`/.exec(refused.stdout)?.[1] ?? '';
    expect(printed).toBe(
      'unlock --run 2001-1 --environment production --cluster demo --aws-region eu-west-1',
    );
    const unlocked = await run(next, { runId: '2004', inputs: {}, args: printed.split(' ') });
    expect(unlocked.code, unlocked.stdout.slice(-3000)).toBe(0);
    expect(unlocked.outputs.result).toBe('unlocked');
    expect(unlocked.summary).toContain('unlocked');
    expect(unlocked.summary).toContain("Removed run 2001-1's claim on environment production");
    expect(claimTag()).toBeUndefined();
    expect(tagOf(killedApi, 'ecs-release:outcome')).toBe('abandoned');

    const deployed = await run(next, { runId: '2005' });
    expect(deployed.code, deployed.stdout.slice(-3000)).toBe(0);
    expect(deployed.outputs.result).toBe('deployed');

    // history shows the abandoned release.
    const history = await run(next, { runId: '2006', inputs: { command: 'history' } });
    expect(history.code).toBe(0);
    expect(history.summary).toMatch(new RegExp(`${killedRelease}.*\\| abandoned \\|`));
  }, 900_000);

  it('(c) SIGKILL in the bake, GitHub reports that run completed: the next deploy clears the claim, marks the release abandoned, and goes through', async () => {
    const killedRelease = release('c-killed');
    const killedApi = await killedInBake(killedRelease, '3001');
    api.setRun(REPOSITORY, '3001', { status: 'completed', runAttempt: 1 });

    const next = await run(release('c-next'), { runId: '3002' });
    expect(next.code, next.stdout.slice(-3000)).toBe(0);
    expect(next.outputs.result).toBe('deployed');
    expect(tagOf(killedApi, 'ecs-release:outcome')).toBe('abandoned');
    // The summary breaks bare links in prose with a zero-width space (docs/security.md): read it without them.
    for (const text of [next.stdout, next.summary.replace(/\u200b/g, '')]) {
      expect(text).toContain(
        'Cleared the stale claim of run 3001-1 on environment production: GitHub reports run 3001-1 completed.',
      );
      expect(text).toContain(
        `Release ${killedRelease} (https://github.com/${REPOSITORY}/actions/runs/3001/attempts/1) never recorded an outcome and its run is over (GitHub reports run 3001-1 completed)`,
      );
    }
    expect(claimTag()).toBeUndefined();
  }, 900_000);

  it('(d) a re-run (next attempt) of a killed run goes through and finishes its own release', async () => {
    const sha = release('d');
    const killedApi = await killedInBake(sha, '4001');
    // GitHub is not even asked: a re-run means attempt 1 ended.
    const asked = api.requests.length;
    const rerun = await run(sha, { runId: '4001', attempt: 2 });
    expect(rerun.code, rerun.stdout.slice(-3000)).toBe(0);
    expect(rerun.stdout).toContain(
      'Cleared the stale claim of run 4001-1 on environment production: run 4001-1 is an earlier attempt of this run (now attempt 2)',
    );
    expect(rerun.stdout).toContain('gating it now');
    expect(['unchanged', 'deployed']).toContain(rerun.outputs.result);
    expect(primaryOf(DEMO.api.service)).toBe(killedApi);
    expect(tagOf(killedApi, 'ecs-release:outcome')).toBe('succeeded');
    expect(api.requests.length).toBe(asked);
    expect(claimTag()).toBeUndefined();
  }, 900_000);
});
