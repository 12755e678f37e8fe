/**
 * ECR repositories kept by the lab; their images live in the registry backend.
 * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_Repository.html
 */
import { AwsError, type SimClock } from '../types.js';
import { fakeManifest, MANIFEST_TYPES, MemoryRegistry, type RegistryBackend } from './registry.js';

export const TAG_MUTABILITY = [
  'MUTABLE',
  'IMMUTABLE',
  'MUTABLE_WITH_EXCLUSION',
  'IMMUTABLE_WITH_EXCLUSION',
] as const;
export type TagMutability = (typeof TAG_MUTABILITY)[number];

export interface Repository {
  name: string;
  createdAt: number;
  imageTagMutability: TagMutability;
  scanOnPush: boolean;
}

export interface RepositoryOptions {
  imageTagMutability?: TagMutability;
  scanOnPush?: boolean;
}

// From the CreateRepository API reference's repositoryName pattern.
const NAME = /^(?=.{2,256}$)((?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*)$/;

export class EcrWorld {
  readonly repositories = new Map<string, Repository>();
  /** When the lab first saw each `repo@digest`: the registry does not record push times. */
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly clock: SimClock,
    readonly registry: RegistryBackend,
    readonly account: string,
    readonly region: string,
  ) {}

  uri(name: string): string {
    return `${this.registry.host}/${name}`;
  }

  arn(name: string): string {
    return `arn:aws:ecr:${this.region}:${this.account}:repository/${name}`;
  }

  createRepository(name: string, opts: RepositoryOptions = {}): Repository {
    if (!NAME.test(name)) {
      throw new AwsError(
        'InvalidParameterException',
        `Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must satisfy regular expression '(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*''`,
      );
    }
    if (this.repositories.has(name)) {
      throw new AwsError(
        'RepositoryAlreadyExistsException',
        `The repository with name '${name}' already exists in the registry with id '${this.account}'`,
      );
    }
    const repo: Repository = {
      name,
      createdAt: this.clock.now(),
      imageTagMutability: opts.imageTagMutability ?? 'MUTABLE',
      scanOnPush: opts.scanOnPush ?? false,
    };
    this.repositories.set(name, repo);
    return repo;
  }

  repository(name: string): Repository {
    const repo = this.repositories.get(name);
    if (!repo) {
      throw new AwsError(
        'RepositoryNotFoundException',
        `The repository with name '${name}' does not exist in the registry with id '${this.account}'`,
      );
    }
    return repo;
  }

  pushedAt(repo: string, digest: string): number {
    const key = `${repo}@${digest}`;
    let at = this.seen.get(key);
    if (at === undefined) {
      at = this.clock.now();
      this.seen.set(key, at);
    }
    return at;
  }

  /**
   * Seeds an image in the in-memory registry (no lab registry up); returns its
   * digest. With a real registry, push with docker instead.
   */
  async pushImage(repo: string, tag: string, seed = `${repo}:${tag}`): Promise<string> {
    if (!(this.registry instanceof MemoryRegistry)) {
      throw new Error('pushImage seeds the in-memory registry only; push to the lab registry with docker.');
    }
    const digest = await this.registry.putManifest(repo, tag, fakeManifest(seed), MANIFEST_TYPES[0]);
    this.pushedAt(repo, digest);
    return digest;
  }
}
