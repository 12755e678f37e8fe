/**
 * ECR: GetAuthorizationToken, CreateRepository, DescribeRepositories,
 * DeleteRepository, DescribeImages, BatchGetImage, PutImage.
 * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_Operations.html
 */
import { type Input, InputReader, pageOf } from '../protocol/input.js';
import { AwsError, type Operation, type ServiceOperations, type SimClock } from '../types.js';
import { digestOf, HttpRegistry, type Manifest, MemoryRegistry, mediaTypeOf, sizeOf } from './registry.js';
import { EcrWorld, type Repository, TAG_MUTABILITY, type TagMutability } from './world.js';

export { EcrWorld } from './world.js';

const invalid = (message: string) => new AwsError('InvalidParameterException', message);
const badToken = () => invalid('Invalid parameter at nextToken: the token is invalid.');

/** ECR's tokens last 12 hours (API_AuthorizationData). */
export const TOKEN_LIFETIME_MS = 12 * 60 * 60 * 1000;

export interface EcrDeps {
  clock: SimClock;
  region: string;
  account: string;
  registry?: { host: string; user: string; password: string } | undefined;
}

interface ImageId {
  imageDigest?: string;
  imageTag?: string;
}

const imageIdText = (id: ImageId) =>
  `{imageDigest:'${id.imageDigest ?? 'null'}', imageTag:'${id.imageTag ?? 'null'}'}`;

function imageIds(r: InputReader): ImageId[] | undefined {
  return r.optObjects('imageIds')?.map((x: Input) => {
    const ir = new InputReader(x, invalid);
    const id: ImageId = {};
    const digest = ir.optString('imageDigest');
    const tag = ir.optString('imageTag');
    if (digest !== undefined) id.imageDigest = digest;
    if (tag !== undefined) id.imageTag = tag;
    return id;
  });
}

export function createEcr(deps: EcrDeps): { operations: ServiceOperations; world: EcrWorld } {
  const backend = deps.registry
    ? new HttpRegistry(deps.registry.host, deps.registry.user, deps.registry.password)
    : new MemoryRegistry(`${deps.account}.dkr.ecr.${deps.region}.amazonaws.com`);
  const world = new EcrWorld(deps.clock, backend, deps.account, deps.region);

  const describeRepository = (repo: Repository) => ({
    repositoryArn: world.arn(repo.name),
    registryId: deps.account,
    repositoryName: repo.name,
    repositoryUri: world.uri(repo.name),
    createdAt: new Date(repo.createdAt),
    imageTagMutability: repo.imageTagMutability,
    imageScanningConfiguration: { scanOnPush: repo.scanOnPush },
    encryptionConfiguration: { encryptionType: 'AES256' },
  });

  /** Tagged images of a repository, one entry per digest, as the registry holds them now. */
  const listImages = async (repo: string) => {
    const byDigest = new Map<string, { manifest: Manifest; tags: string[] }>();
    for (const tag of (await backend.tags(repo)).sort()) {
      const m = await backend.manifest(repo, tag);
      if (!m) continue;
      const entry = byDigest.get(m.digest) ?? { manifest: m, tags: [] };
      entry.tags.push(tag);
      byDigest.set(m.digest, entry);
    }
    return byDigest;
  };

  const imageDetail = (repo: string, m: Manifest, tags: string[]) => ({
    registryId: deps.account,
    repositoryName: repo,
    imageDigest: m.digest,
    imageTags: tags.length > 0 ? tags : undefined,
    imageSizeInBytes: sizeOf(m.body),
    imagePushedAt: new Date(world.pushedAt(repo, m.digest)),
    imageManifestMediaType: m.mediaType,
    artifactMediaType: (JSON.parse(m.body) as { config?: { mediaType?: string } }).config?.mediaType,
  });

  const operations: ServiceOperations = {
    GetAuthorizationToken: () => ({
      authorizationData: [
        {
          authorizationToken: Buffer.from(`${backend.user}:${backend.password}`).toString('base64'),
          expiresAt: new Date(deps.clock.now() + TOKEN_LIFETIME_MS),
          proxyEndpoint: `${backend.scheme}://${backend.host}`,
        },
      ],
    }),

    CreateRepository: (input) => {
      const r = new InputReader(input, invalid);
      const mutability = r.optString('imageTagMutability') ?? 'MUTABLE';
      if (!(TAG_MUTABILITY as readonly string[]).includes(mutability)) {
        throw invalid(`Invalid parameter at 'imageTagMutability': ${mutability}`);
      }
      const scanning = r.optObject('imageScanningConfiguration');
      const repo = world.createRepository(r.string('repositoryName'), {
        imageTagMutability: mutability as TagMutability,
        scanOnPush: scanning ? new InputReader(scanning, invalid).optBool('scanOnPush') === true : false,
      });
      return { repository: describeRepository(repo) };
    },

    DescribeRepositories: (input) => {
      const r = new InputReader(input, invalid);
      const names = r.optStrings('repositoryNames');
      if (names && names.length > 0)
        return { repositories: names.map((n) => describeRepository(world.repository(n))) };
      const all = [...world.repositories.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
      const page = pageOf(all, r.optNumber('maxResults') ?? 100, r.optString('nextToken'), badToken);
      return { repositories: page.items.map(describeRepository), nextToken: page.next };
    },

    DeleteRepository: async (input) => {
      const r = new InputReader(input, invalid);
      const repo = world.repository(r.string('repositoryName'));
      if (r.optBool('force') !== true && (await backend.tags(repo.name)).length > 0) {
        throw new AwsError(
          'RepositoryNotEmptyException',
          `The repository with name '${repo.name}' in registry with id '${deps.account}' cannot be deleted because it still contains images`,
        );
      }
      world.repositories.delete(repo.name);
      return { repository: describeRepository(repo) };
    },

    DescribeImages: async (input) => {
      const r = new InputReader(input, invalid);
      const repo = world.repository(r.string('repositoryName')).name;
      const ids = imageIds(r);
      const maxResults = r.optNumber('maxResults');
      if (ids && (maxResults !== undefined || r.optString('nextToken') !== undefined)) {
        throw invalid('Cannot specify imageIds together with maxResults or nextToken.');
      }
      const images = await listImages(repo);
      if (ids) {
        const details = [];
        for (const id of ids) {
          let found = id.imageDigest ? images.get(id.imageDigest) : undefined;
          if (!found && id.imageTag)
            found = [...images.values()].find((e) => e.tags.includes(id.imageTag as string));
          if (!found && id.imageDigest && !id.imageTag) {
            const m = await backend.manifest(repo, id.imageDigest);
            if (m) found = { manifest: m, tags: [] };
          }
          if (!found || (id.imageDigest && found.manifest.digest !== id.imageDigest)) {
            // One missing image fails the whole call (API_DescribeImages).
            throw new AwsError(
              'ImageNotFoundException',
              `The image with imageId ${imageIdText(id)} does not exist within the repository with name '${repo}' in the registry with id '${deps.account}'`,
            );
          }
          details.push(imageDetail(repo, found.manifest, found.tags));
        }
        return { imageDetails: details };
      }
      const status = (r.optObject('filter')?.tagStatus as string | undefined) ?? 'ANY';
      // The registry API cannot list untagged manifests, so the lab only knows tagged images.
      const all =
        status === 'UNTAGGED' ? [] : [...images.values()].map((e) => imageDetail(repo, e.manifest, e.tags));
      all.sort(
        (a, b) =>
          a.imagePushedAt.getTime() - b.imagePushedAt.getTime() || (a.imageDigest < b.imageDigest ? -1 : 1),
      );
      const size = maxResults ?? 100;
      if (size < 1 || size > 1000) throw invalid('maxResults must be between 1 and 1000.');
      const page = pageOf(all, size, r.optString('nextToken'), badToken);
      return { imageDetails: page.items, nextToken: page.next };
    },

    BatchGetImage: async (input) => {
      const r = new InputReader(input, invalid);
      const repo = world.repository(r.string('repositoryName')).name;
      const accept = r.optStrings('acceptedMediaTypes');
      const images = [];
      const failures = [];
      for (const id of imageIds(r) ?? []) {
        if (!id.imageDigest && !id.imageTag) {
          failures.push({
            imageId: id,
            failureCode: 'MissingDigestAndTag',
            failureReason: 'Invalid request parameters: both tag and digest cannot be null',
          });
          continue;
        }
        const m = await backend.manifest(repo, (id.imageDigest ?? id.imageTag) as string, accept);
        const tagMatches = async () =>
          !id.imageTag ||
          !id.imageDigest ||
          (await backend.manifest(repo, id.imageTag))?.digest === m?.digest;
        if (!m || !(await tagMatches())) {
          failures.push({
            imageId: id,
            failureCode: 'ImageNotFound',
            failureReason: 'Requested image not found',
          });
          continue;
        }
        images.push({
          registryId: deps.account,
          repositoryName: repo,
          imageId: { imageDigest: m.digest, imageTag: id.imageTag },
          imageManifest: m.body,
          imageManifestMediaType: m.mediaType,
        });
      }
      return { images, failures };
    },

    PutImage: async (input) => {
      const r = new InputReader(input, invalid);
      const repo = world.repository(r.string('repositoryName'));
      const body = r.string('imageManifest');
      const tag = r.optString('imageTag');
      const mediaType = r.optString('imageManifestMediaType') ?? mediaTypeOf(body);
      const digest = digestOf(body);
      const claimed = r.optString('imageDigest');
      if (claimed !== undefined && claimed !== digest) {
        throw new AwsError(
          'ImageDigestDoesNotMatchException',
          `The digest ${claimed} does not match the manifest.`,
        );
      }
      if (tag !== undefined) {
        const current = await backend.manifest(repo.name, tag);
        if (current?.digest === digest) {
          throw new AwsError(
            'ImageAlreadyExistsException',
            `Image with digest '${digest}' and tag '${tag}' already exists in the repository with name '${repo.name}' in registry with id '${deps.account}'`,
          );
        }
        if (current && repo.imageTagMutability.startsWith('IMMUTABLE')) {
          throw new AwsError(
            'ImageTagAlreadyExistsException',
            `The image tag '${tag}' already exists in the '${repo.name}' repository and cannot be overwritten because the repository is immutable.`,
          );
        }
      }
      const stored = await backend.putManifest(repo.name, tag ?? digest, body, mediaType);
      world.pushedAt(repo.name, stored);
      return {
        image: {
          registryId: deps.account,
          repositoryName: repo.name,
          imageId: { imageDigest: stored, imageTag: tag },
          imageManifest: body,
          imageManifestMediaType: mediaType,
        },
      };
    },
  };
  return { operations, world };
}

/**
 * Two registries behind one ECR endpoint: a request signed for the second one's region
 * goes to it; GetAuthorizationToken with `registryIds` answers one entry per named
 * registry (as ECR does), whatever the region.
 */
export function ecrByRegion(
  primary: ServiceOperations,
  second: { region: string; account: string; operations: ServiceOperations },
  primaryAccount: string,
): ServiceOperations {
  const pick = (region: string) => (region === second.region ? second.operations : primary);
  const routed: ServiceOperations = {};
  for (const name of Object.keys(primary)) {
    routed[name] = (input, ctx) => (pick(ctx.region)[name] as Operation)(input, ctx);
  }
  routed.GetAuthorizationToken = async (input, ctx) => {
    const ids = new InputReader(input, invalid).optStrings('registryIds');
    if (!ids || ids.length === 0) return pick(ctx.region).GetAuthorizationToken?.(input, ctx);
    const entries = [];
    for (const id of ids) {
      const ops = id === second.account ? second.operations : id === primaryAccount ? primary : undefined;
      if (!ops) throw invalid(`Invalid parameter at 'registryIds': registry ${id} is not in this lab`);
      const out = (await ops.GetAuthorizationToken?.({}, ctx)) as { authorizationData: unknown[] };
      entries.push(...out.authorizationData);
    }
    return { authorizationData: entries };
  };
  return routed;
}
