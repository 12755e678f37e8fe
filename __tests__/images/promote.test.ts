/**
 * The promotion stage when the digest is already in this environment's repository,
 * against the lab's in-memory ECR (no registry HTTP needed): tags added, a tag naming
 * another digest left alone with a warning, another content key warned about.
 */
import { describe, expect, it } from 'vitest';
import { computeContentKey } from '../../src/images';
import { findImage } from '../../src/images/ecr';
import { checkPromotion, promoteImages } from '../../src/images/promote';
import type { PreflightResult } from '../../src/model/contracts';
import { testConfig } from '../support/config';
import { createWorld } from '../support/world';
import { appRepo } from './git-fixture';

const COMMIT = 'c0ffee0000000000000000000000000000000001';

async function seeded() {
  const world = createWorld({ real: false });
  world.lab.ecr.createRepository('prod/backend');
  const digest = await world.lab.ecr.pushImage('prod/backend', 'staged', 'the staged image');
  // The commit's tag already names another image (this environment built the commit itself once).
  const other = await world.lab.ecr.pushImage('prod/backend', COMMIT, 'built here');
  const repo = appRepo();
  const host = world.lab.ecr.registry.host;
  const config = testConfig({
    commit: COMMIT,
    images: [{ ...(repo.images()[1] as ReturnType<typeof repo.images>[number]), repository: 'prod/backend' }],
    services: [{ service: 'demo-api', containers: [{ container: 'api', image: 'backend' }], wave: 1 }],
    promote: {
      backend: {
        uri: `${host}/staging/backend`,
        host,
        repository: 'staging/backend',
        digest,
        contentTag: 'content-from-staging',
      },
    },
  });
  const ctx = world.context(config, repo.dir);
  const found = {
    repositories: { backend: { name: 'prod/backend', uri: world.lab.ecr.uri('prod/backend'), exists: true } },
  } as unknown as PreflightResult;
  return { world, ctx, digest, other, found, repo, config };
}

describe('promotion of a digest already in the target repository', () => {
  it("adds the source's content tag, leaves the commit tag naming another digest alone with a warning, and warns about another content key", async () => {
    const { world, ctx, digest, other, found, repo, config } = await seeded();
    const checked = await checkPromotion(ctx, found);
    expect(checked.problems).toEqual([]);
    if (!checked.value) throw new Error('no plan');
    const images = await promoteImages(ctx, checked.value);

    expect(images.backend).toMatchObject({
      digest,
      built: false,
      contentTag: 'content-from-staging',
      promotedFrom: `${world.lab.ecr.registry.host}/staging/backend`,
      reference: `${world.lab.ecr.uri('prod/backend')}@${digest}`,
    });
    expect((await findImage(ctx, 'prod/backend', 'content-from-staging'))?.digest).toBe(digest);
    expect((await findImage(ctx, 'prod/backend', COMMIT))?.digest).toBe(other);
    const own = (await computeContentKey(repo.dir, config.images[0] as (typeof config.images)[number])).tag;
    const text = world.log.text();
    expect(text).toContain(
      `warning: [backend] the tag ${COMMIT} in ${world.lab.ecr.uri('prod/backend')} already names ${other}, not the promoted ${digest}: left as it is (the release runs by digest)`,
    );
    expect(text).toContain(
      `warning: [backend] this environment's build inputs give the content tag ${own}, the promoted image carries content-from-staging`,
    );
    expect(text).toContain("is already in this environment's repository: nothing to copy");
    // Nothing copied and nothing built: one PutImage, for the missing content tag.
    expect(world.lab.recorder.calls('ecr', 'PutImage')).toHaveLength(1);
  });

  it('promotes again without a call that changes anything once every tag is there', async () => {
    const { world, ctx, found } = await seeded();
    const first = await checkPromotion(ctx, found);
    if (!first.value) throw new Error('no plan');
    await promoteImages(ctx, first.value);
    const puts = world.lab.recorder.calls('ecr', 'PutImage').length;
    const again = await checkPromotion(ctx, found);
    if (!again.value) throw new Error('no plan');
    await promoteImages(ctx, again.value);
    expect(world.lab.recorder.calls('ecr', 'PutImage')).toHaveLength(puts);
  });
});
