/**
 * clearStaleClaim before a run claims: another run's live claim is cleared only when
 * that run is over (GitHub reports it completed, or it is an earlier attempt of this
 * run); GitHub in progress, or unable to tell, refuses with the unlock command.
 */
import { DescribeClustersCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunsApi, startRunsApi } from '../../lab/github/runs-api';
import type { ReleaseConfig } from '../../src/config/types';
import { claimEnvironment } from '../../src/record/claim';
import { clearStaleClaim } from '../../src/record/stale';
import { testConfig } from '../support/config';
import { createWorld, type World } from '../support/world';

let api: RunsApi;
beforeAll(async () => {
  api = await startRunsApi();
});
afterAll(() => api.close());

function config(run: { id: string; attempt: number }, token = true): ReleaseConfig {
  return testConfig({
    cluster: 'demo',
    environment: 'production',
    githubRun: run,
    runUrl: `https://github.com/acme/demo/actions/runs/${run.id}/attempts/${run.attempt}`,
    github: { owner: 'acme', repo: 'demo', apiUrl: api.url },
    ...(token ? { githubToken: 'ghs_unit' } : {}),
  });
}

async function claimValue(world: World) {
  const out = await world.aws.ecs.send(
    new DescribeClustersCommand({ clusters: ['demo'], include: ['TAGS'] }),
  );
  return out.clusters?.[0]?.tags?.find((t) => t.key === 'ecs-release:claim:production')?.value;
}

/** Run `<id>-1` claimed the environment and died. */
async function deadClaim(id: string) {
  const world = createWorld({ real: false });
  world.lab.ecs.createCluster('demo');
  await claimEnvironment(world.context(config({ id, attempt: 1 })), `${id}-1`, 60 * 60 * 1000);
  return world;
}

describe('clearStaleClaim', () => {
  it('GitHub reports the claiming run completed: the claim is removed and the note says why', async () => {
    const world = await deadClaim('900');
    api.setRun('acme/demo', '900', { status: 'completed', runAttempt: 1 });
    const note = await clearStaleClaim(world.context(config({ id: '901', attempt: 1 })));
    expect(note).toBe(
      'Cleared the stale claim of run 900-1 on environment production: GitHub reports run 900-1 completed.',
    );
    expect(await claimValue(world)).toBeUndefined();
  });

  it('in progress, or GitHub cannot tell (404, no token): refused with the run, its URL and both unlock commands; the claim stays', async () => {
    const world = await deadClaim('910');
    api.setRun('acme/demo', '910', { status: 'in_progress', runAttempt: 1 });
    const before = await claimValue(world);
    const refusal = (c: ReleaseConfig) =>
      clearStaleClaim(world.context(c)).then(
        () => '',
        (error: unknown) => String(error),
      );
    const live = await refusal(config({ id: '911', attempt: 1 }));
    expect(live).toContain(
      'ClaimLostError: environment production is claimed by another run, 910-1 (https://github.com/acme/demo/actions/runs/910/attempts/1)',
    );
    expect(live).toContain('GitHub reports run 910-1 in_progress');
    expect(live).toContain('`command: unlock` with `run: 910-1`');
    expect(live).toContain('`ecs-release unlock --run 910-1 --environment production');
    api.forgetRun('acme/demo', '910');
    expect(await refusal(config({ id: '911', attempt: 1 }))).toContain(
      'cannot tell whether run 910-1 still runs',
    );
    expect(await refusal(config({ id: '911', attempt: 1 }, false))).toContain(
      'cannot tell whether run 910-1 still runs (no GitHub token or repository)',
    );
    expect(await claimValue(world)).toBe(before);
  });

  it('a re-run clears the claim of its own earlier attempt without asking GitHub', async () => {
    const world = await deadClaim('920');
    const asked = api.requests.length;
    const note = await clearStaleClaim(world.context(config({ id: '920', attempt: 2 })));
    expect(note).toContain('run 920-1 is an earlier attempt of this run (now attempt 2)');
    expect(await claimValue(world)).toBeUndefined();
    expect(api.requests.length).toBe(asked);
  });
});
