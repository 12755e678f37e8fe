/** ECR side of the images stage against the lab's in-memory ECR (no engine needed). */
import { describe, expect, it } from 'vitest';
import { buildImages, computeContentKey } from '../../src/images';
import {
  addTag,
  decodeAuthorizationToken,
  ecrLogin,
  ensureRepository,
  findImage,
} from '../../src/images/ecr';
import { testConfig } from '../support/config';
import { createWorld } from '../support/world';
import { appRepo } from './git-fixture';

const repoInfo = (world: ReturnType<typeof createWorld>, name: string, exists: boolean) => ({
  name,
  uri: world.lab.ecr.uri(name),
  exists,
});

describe('ECR', () => {
  it('decodes AWS:<password> tokens', () => {
    expect(decodeAuthorizationToken(Buffer.from('AWS:pa:ss').toString('base64'))).toEqual({
      username: 'AWS',
      password: 'pa:ss',
    });
    expect(decodeAuthorizationToken(Buffer.from('nocolon').toString('base64'))).toBeUndefined();
  });

  it('logs in once per run and masks the password', async () => {
    const world = createWorld({ real: false });
    const ctx = world.context(testConfig());
    const [a, b] = await Promise.all([ecrLogin(ctx), ecrLogin(ctx)]);
    expect(a).toBe(b);
    expect(a.host).toBe(world.lab.ecr.registry.host);
    expect(world.masked).toContain(a.password);
    expect(world.lab.recorder.calls('ecr', 'GetAuthorizationToken')).toHaveLength(1);
  });

  it('a missing repository with create-repositories off: the error gives the aws command, nothing created', async () => {
    const world = createWorld({ real: false });
    const ctx = world.context(testConfig({ createRepositories: false }));
    await expect(ensureRepository(ctx, 'backend', repoInfo(world, 'demo/backend', false))).rejects.toThrow(
      'image "backend": the ECR repository "demo/backend" does not exist and create-repositories is false; create it with: aws ecr create-repository --region eu-west-1 --repository-name demo/backend --image-tag-mutability IMMUTABLE --image-scanning-configuration scanOnPush=true',
    );
    expect(world.lab.recorder.mutations()).toEqual([]);
  });

  it('a tag already on the same digest is success; on an immutable repository another digest is a clear error', async () => {
    const world = createWorld({ real: false });
    world.lab.ecr.createRepository('demo/api', { imageTagMutability: 'IMMUTABLE' });
    await world.lab.ecr.pushImage('demo/api', 'content-1', 'one');
    await world.lab.ecr.pushImage('demo/api', 'content-2', 'two');
    const ctx = world.context(testConfig());
    const one = await findImage(ctx, 'demo/api', 'content-1');
    const two = await findImage(ctx, 'demo/api', 'content-2');
    if (!one || !two) throw new Error('seeded images missing');
    await addTag(ctx, 'backend', 'demo/api', one, 'abc123');
    await addTag(ctx, 'backend', 'demo/api', one, 'abc123');
    expect((await findImage(ctx, 'demo/api', 'abc123'))?.digest).toBe(one.digest);
    await expect(addTag(ctx, 'backend', 'demo/api', two, 'abc123')).rejects.toThrow(
      `image "backend": the tag "abc123" in the immutable ECR repository "demo/api" already points at ${one.digest}, not at ${two.digest}`,
    );
    expect(await findImage(ctx, 'demo/api', 'missing')).toBeUndefined();
  });
});

describe('buildImages when ECR already holds the content tag', () => {
  it('builds nothing, logs in to nothing, adds the commit tag and reuses the digest', async () => {
    const repo = appRepo();
    try {
      // No Docker engine at all: any build or push attempt would fail.
      const world = createWorld({ real: false });
      const images = repo.images();
      const config = testConfig({ images, commit: repo.head() });
      const ctx = world.context(config, repo.dir);
      const digests: Record<string, string> = {};
      for (const image of images) {
        world.lab.ecr.createRepository(image.repository, { imageTagMutability: 'IMMUTABLE' });
        const { tag } = await computeContentKey(repo.dir, image);
        digests[image.key] = await world.lab.ecr.pushImage(image.repository, tag);
      }
      const repositories = Object.fromEntries(
        images.map((i) => [i.key, repoInfo(world, i.repository, true)]),
      );
      const result = await buildImages(ctx, { repositories, deployed: {} });
      for (const image of images) {
        expect(result[image.key]).toMatchObject({ built: false, digest: digests[image.key] });
        expect((await findImage(ctx, image.repository, repo.head()))?.digest).toBe(digests[image.key]);
      }
      expect(world.lab.recorder.calls('ecr', 'GetAuthorizationToken')).toEqual([]);
      expect(world.lab.recorder.mutations().map((c) => c.operation)).toEqual(['PutImage', 'PutImage']);
      expect(world.log.text()).toContain('is already in ECR');
    } finally {
      repo.remove();
    }
  });
});
