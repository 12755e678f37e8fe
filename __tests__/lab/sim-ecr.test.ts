import { randomBytes } from 'node:crypto';
import {
  BatchGetImageCommand,
  CreateRepositoryCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
  ImageAlreadyExistsException,
  ImageNotFoundException,
  ImageTagAlreadyExistsException,
  PutImageCommand,
  RepositoryNotFoundException,
} from '@aws-sdk/client-ecr';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { needsLab } from '../support/world';
import { errorOf, type Harness, labEnv, labRegistry, MODES, openLab } from './sim-harness.js';

describe.each(MODES)('ECR with the in-memory registry (%s)', (mode) => {
  let h: Harness;
  afterEach(async () => h.close());

  it('creates and describes repositories; URIs are on the registry host', async () => {
    h = await openLab(mode);
    const ecr = new ECRClient(h.config);
    const created = await ecr.send(
      new CreateRepositoryCommand({
        repositoryName: 'acme/web',
        imageTagMutability: 'IMMUTABLE',
        imageScanningConfiguration: { scanOnPush: true },
      }),
    );
    expect(created.repository).toMatchObject({
      repositoryName: 'acme/web',
      repositoryUri: '111122223333.dkr.ecr.eu-west-1.amazonaws.com/acme/web',
      imageTagMutability: 'IMMUTABLE',
      imageScanningConfiguration: { scanOnPush: true },
      registryId: '111122223333',
    });
    expect(created.repository?.createdAt).toEqual(new Date(h.clock.now()));
    const described = await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['acme/web'] }));
    expect(described.repositories?.[0]?.imageTagMutability).toBe('IMMUTABLE');
    const missing = await errorOf(ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['nope'] })));
    expect(missing).toBeInstanceOf(RepositoryNotFoundException);
    expect(missing.message).toContain("The repository with name 'nope' does not exist");
  });

  it('returns a 12-hour AWS:<password> token for the registry', async () => {
    h = await openLab(mode);
    const out = await new ECRClient(h.config).send(new GetAuthorizationTokenCommand({}));
    const data = out.authorizationData?.[0];
    expect(Buffer.from(data?.authorizationToken ?? '', 'base64').toString()).toBe(
      'AWS:lab-registry-password',
    );
    expect(data?.proxyEndpoint).toBe('https://111122223333.dkr.ecr.eu-west-1.amazonaws.com');
    expect(data?.expiresAt?.getTime()).toBe(h.clock.now() + 12 * 3600 * 1000);
  });

  it('describes images by id (one missing fails the call) and pages them', async () => {
    h = await openLab(mode);
    h.lab.ecr.createRepository('app');
    const d1 = await h.lab.ecr.pushImage('app', 'v1');
    h.clock.advance(1000);
    const d2 = await h.lab.ecr.pushImage('app', 'v2');
    await h.lab.ecr.pushImage('app', 'latest', 'app:v2');
    const ecr = new ECRClient(h.config);
    const byTag = await ecr.send(
      new DescribeImagesCommand({ repositoryName: 'app', imageIds: [{ imageTag: 'latest' }] }),
    );
    expect(byTag.imageDetails?.[0]).toMatchObject({ imageDigest: d2, imageTags: ['latest', 'v2'] });
    expect(byTag.imageDetails?.[0]?.imagePushedAt).toBeInstanceOf(Date);
    const err = await errorOf(
      ecr.send(
        new DescribeImagesCommand({
          repositoryName: 'app',
          imageIds: [{ imageTag: 'v1' }, { imageTag: 'v9' }],
        }),
      ),
    );
    expect(err).toBeInstanceOf(ImageNotFoundException);
    const first = await ecr.send(new DescribeImagesCommand({ repositoryName: 'app', maxResults: 1 }));
    expect(first.imageDetails?.map((i) => i.imageDigest)).toEqual([d1]);
    const second = await ecr.send(
      new DescribeImagesCommand({ repositoryName: 'app', maxResults: 1, nextToken: first.nextToken }),
    );
    expect(second.imageDetails?.map((i) => i.imageDigest)).toEqual([d2]);
    expect(second.nextToken).toBeUndefined();
  });

  it('BatchGetImage returns manifests and failures[] for missing images', async () => {
    h = await openLab(mode);
    h.lab.ecr.createRepository('app');
    const digest = await h.lab.ecr.pushImage('app', 'v1');
    const out = await new ECRClient(h.config).send(
      new BatchGetImageCommand({
        repositoryName: 'app',
        imageIds: [{ imageTag: 'v1' }, { imageTag: 'gone' }, {}],
      }),
    );
    expect(out.images?.[0]?.imageId).toEqual({ imageDigest: digest, imageTag: 'v1' });
    expect(JSON.parse(out.images?.[0]?.imageManifest ?? '{}').schemaVersion).toBe(2);
    expect(out.failures).toEqual([
      {
        imageId: { imageTag: 'gone' },
        failureCode: 'ImageNotFound',
        failureReason: 'Requested image not found',
      },
      {
        imageId: {},
        failureCode: 'MissingDigestAndTag',
        failureReason: 'Invalid request parameters: both tag and digest cannot be null',
      },
    ]);
  });

  it('PutImage tags a manifest; same tag and digest is ImageAlreadyExists; IMMUTABLE refuses moving a tag', async () => {
    h = await openLab(mode);
    h.lab.ecr.createRepository('app', { imageTagMutability: 'IMMUTABLE' });
    await h.lab.ecr.pushImage('app', 'v1');
    await h.lab.ecr.pushImage('app', 'v2');
    const ecr = new ECRClient(h.config);
    const [v1, v2] =
      (
        await ecr.send(
          new BatchGetImageCommand({
            repositoryName: 'app',
            imageIds: [{ imageTag: 'v1' }, { imageTag: 'v2' }],
          }),
        )
      ).images ?? [];
    const put = await ecr.send(
      new PutImageCommand({ repositoryName: 'app', imageManifest: v1?.imageManifest, imageTag: 'release-1' }),
    );
    expect(put.image?.imageId).toEqual({ imageDigest: v1?.imageId?.imageDigest, imageTag: 'release-1' });
    const again = await errorOf(
      ecr.send(
        new PutImageCommand({
          repositoryName: 'app',
          imageManifest: v1?.imageManifest,
          imageTag: 'release-1',
        }),
      ),
    );
    expect(again).toBeInstanceOf(ImageAlreadyExistsException);
    const moved = await errorOf(
      ecr.send(
        new PutImageCommand({
          repositoryName: 'app',
          imageManifest: v2?.imageManifest,
          imageTag: 'release-1',
        }),
      ),
    );
    expect(moved).toBeInstanceOf(ImageTagAlreadyExistsException);
    expect(moved.message).toContain('cannot be overwritten because the repository is immutable');
  });
});

const registry = labRegistry();
// lab/up pushes its base image to the registry: the one image every lab has.
const baseImage = labEnv()?.LAB_BASE_IMAGE ?? 'lab/base:1';

describe.each(MODES)(
  'ECR against the real lab registry (%s; skipped without .lab/env from lab/up)',
  (mode) => {
    beforeAll(needsLab);
    let h: Harness;
    afterEach(async () => h.close());
    const [repo = 'lab/base', tag = '1'] = baseImage.replace(/^[^/]+:\d+\//, '').split(':');

    it('answers from the registry contents, over the v2 API with basic auth', async () => {
      h = await openLab(mode, { registry });
      h.lab.ecr.createRepository(repo, { imageTagMutability: 'IMMUTABLE' });
      const ecr = new ECRClient(h.config);
      const token = await ecr.send(new GetAuthorizationTokenCommand({}));
      expect(token.authorizationData?.[0]?.proxyEndpoint).toBe(`http://${registry?.host}`);
      const described = await ecr.send(
        new DescribeImagesCommand({ repositoryName: repo, imageIds: [{ imageTag: tag }] }),
      );
      const digest = described.imageDetails?.[0]?.imageDigest;
      expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      const got = await ecr.send(
        new BatchGetImageCommand({ repositoryName: repo, imageIds: [{ imageDigest: digest }] }),
      );
      const manifest = got.images?.[0]?.imageManifest ?? '';
      expect(JSON.parse(manifest).schemaVersion).toBe(2);
      // A tag of this run's own: the first PutImage adds it, whatever earlier runs tagged.
      const ownTag = `sim-test-${randomBytes(4).toString('hex')}`;
      const put = { repositoryName: repo, imageManifest: manifest, imageTag: ownTag };
      const first = await ecr.send(new PutImageCommand(put));
      expect(first.image?.imageId).toMatchObject({ imageDigest: digest, imageTag: ownTag });
      const second = await errorOf(ecr.send(new PutImageCommand(put)));
      expect(second).toBeInstanceOf(ImageAlreadyExistsException);
      // Same layers, different bytes: a different digest, refused before anything is written.
      const other = JSON.stringify(JSON.parse(manifest), null, 1);
      const moved = await errorOf(
        ecr.send(new PutImageCommand({ repositoryName: repo, imageManifest: other, imageTag: tag })),
      );
      expect(moved).toBeInstanceOf(ImageTagAlreadyExistsException);
    });
  },
);
