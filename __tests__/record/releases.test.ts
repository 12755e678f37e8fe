import { TagResourceCommand } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { RollbackTargetError, resolveTarget } from '../../src/pipeline/rollback/target';
import { missingImages } from '../../src/pipeline/rollback/verify-images';
import { findReleases } from '../../src/record/find-releases';
import { TAGS } from '../../src/record/release-record';
import { testConfig } from '../support/config';
import { createWorld } from '../support/world';
import { COMMITS, live, seedReleases, tdArn } from './seed';

async function seededHistory() {
  const world = createWorld({ real: false });
  const seeded = await seedReleases(world);
  const ctx = world.context(testConfig({ command: 'rollback' }));
  const history = await findReleases(ctx, [live('demo-api', 5), live('demo-web', 3)]);
  const current = [
    { service: 'demo-api', taskDefinitionArn: tdArn('demo-api', 5) },
    { service: 'demo-web', taskDefinitionArn: tdArn('demo-web', 3) },
  ];
  return { world, ctx, seeded, history, current };
}

const arns = (t: { services: { service: string; taskDefinitionArn: string }[] }) =>
  Object.fromEntries(t.services.map((s) => [s.service, s.taskDefinitionArn]));

describe('releases from the record tags (lab)', () => {
  it('reads both families, newest first, and keeps only this environment', async () => {
    const { world, history } = await seededHistory();
    expect(history.releases.map((r) => `${r.id}:${r.outcome}`)).toEqual([
      'r4:succeeded',
      'r3:rolled-back',
      'r2:succeeded',
      'r1:succeeded',
      'baseline:succeeded',
    ]);
    expect(Object.keys(history.releases[2]?.revisions ?? {})).toEqual(['demo-web']);
    const lists = world.lab.recorder.calls('ecs', 'ListTaskDefinitions').map((c) => c.input);
    expect(lists).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ familyPrefix: 'demo-api', sort: 'DESC', status: 'ACTIVE' }),
        expect.objectContaining({ familyPrefix: 'demo-web', sort: 'DESC', status: 'ACTIVE' }),
      ]),
    );
    expect(world.lab.recorder.mutations()).toEqual([]);
  });

  it('previous: the newest succeeded release before the running one; a service it left alone keeps its older revision', async () => {
    const { history, current } = await seededHistory();
    const target = resolveTarget(history, 'previous', current);
    expect(target.running?.id).toBe('r4');
    expect(target.release.id).toBe('r2');
    // r3 rolled back, so it is skipped; r2 left the api alone: its api was r1's demo-api:2.
    expect(arns(target)).toEqual({ 'demo-api': tdArn('demo-api', 2), 'demo-web': tdArn('demo-web', 3) });
    expect(target.services.map((s) => s.fromRelease)).toEqual(['r1', 'r2']);
  });

  it('an abandoned release (its run ended without an outcome) is listed as such and skipped like failed', async () => {
    const { world, ctx, current } = await seededHistory();
    await world.aws.ecs.send(
      new TagResourceCommand({
        resourceArn: tdArn('demo-web', 3),
        tags: [{ key: TAGS.outcome, value: 'abandoned' }],
      }),
    );
    const history = await findReleases(ctx, [live('demo-api', 5), live('demo-web', 3)]);
    expect(history.releases.find((r) => r.id === 'r2')?.outcome).toBe('abandoned');
    expect(resolveTarget(history, 'previous', current).release.id).toBe('r1');
    expect(() => resolveTarget(history, 'r2', current)).toThrow(RollbackTargetError);
  });

  it('a release id, baseline, and a 7-character commit prefix', async () => {
    const { history, current } = await seededHistory();
    expect(arns(resolveTarget(history, 'r1', current))).toEqual({
      'demo-api': tdArn('demo-api', 2),
      'demo-web': tdArn('demo-web', 2),
    });
    expect(arns(resolveTarget(history, 'baseline', current))).toEqual({
      'demo-api': tdArn('demo-api', 1),
      'demo-web': tdArn('demo-web', 1),
    });
    const byCommit = resolveTarget(history, COMMITS.r2.slice(0, 7), current);
    expect(byCommit.release.id).toBe('r2');
    // r4 left the web alone: its web is r2's demo-web:3, not r3's rolled-back demo-web:4.
    expect(arns(resolveTarget(history, 'r4', current))).toEqual({
      'demo-api': tdArn('demo-api', 5),
      'demo-web': tdArn('demo-web', 3),
    });
  });

  it('refuses a rolled-back release, another environment, an ambiguous or unknown target, listing recent releases', async () => {
    const { history, current } = await seededHistory();
    const error = (to: string) => {
      try {
        resolveTarget(history, to, current);
      } catch (e) {
        expect(e).toBeInstanceOf(RollbackTargetError);
        return (e as Error).message;
      }
      throw new Error(`resolveTarget(${to}) did not fail`);
    };
    expect(error('r3')).toMatch(
      /^release r3 ended rolled-back: only succeeded releases can be rolled back to\./,
    );
    expect(error(COMMITS.staging.slice(0, 8))).toMatch(
      /^no release or commit "e5e5e5e5" in environment production\./,
    );
    expect(error('a1a1a1a')).toMatch(
      new RegExp(
        `^commit prefix "a1a1a1a" is ambiguous in environment production: it matches ${COMMITS.r4}, ${COMMITS.r1}\\.`,
      ),
    );
    const unknown = error('v9.9.9');
    expect(unknown).toBe(
      [
        'no release "v9.9.9" in environment production.',
        'Recent releases of environment production (newest first):',
        '  - r4, commit a1a1a1a9a9a9, 2026-11-27 12:50 UTC, succeeded',
        '  - r3, commit c3c3c3c3c3c3, 2026-11-27 12:30 UTC, rolled-back',
        '  - r2, commit b2b2b2b2b2b2, 2026-11-27 12:20 UTC, succeeded',
        '  - r1, commit a1a1a1a0a0a0, 2026-11-27 12:10 UTC, succeeded',
        '  - baseline, 2026-11-27 12:00 UTC, succeeded',
      ].join('\n'),
    );
    expect(error('abc')).toContain('A commit prefix needs at least 7 characters.');
    expect(resolveTarget(history, 'a1a1a1a9', current).release.id).toBe('r4');
  });

  it('finds images ECR no longer holds before anything changes', async () => {
    const { world, ctx, history, current } = await seededHistory();
    const target = resolveTarget(history, 'r1', current);
    expect(await missingImages(ctx, target.services, [])).toEqual([]);

    const gone = {
      ...target.services[0],
      images: [`${world.lab.ecr.uri('demo/backend')}@sha256:${'d'.repeat(64)}`],
    };
    const problems = await missingImages(
      ctx,
      [gone as (typeof target.services)[0], target.services[1] as (typeof target.services)[0]],
      [],
    );
    expect(problems).toEqual([
      `service demo-api: image ${world.lab.ecr.uri('demo/backend')}@sha256:${'d'.repeat(64)} of release r1 (demo-api:2) is no longer in ECR repository demo/backend (ImageNotFound: Requested image not found); an ECR lifecycle policy may have expired it. Roll back to a newer release, or redeploy that commit.`,
    ]);
    expect(world.lab.recorder.calls('ecr', 'BatchGetImage').length).toBeGreaterThan(0);
  });
});
