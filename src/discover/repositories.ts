/** The ECR repositories the services' images come from, as ECR describes them (their ARNs scope the policy). */
import { DescribeRepositoriesCommand, type Repository } from '@aws-sdk/client-ecr';
import { chunks } from '../aws/batch';
import type { DiscoverContext } from './context';
import type { FoundRepository } from './types';

/** DescribeRepositories takes at most 100 names per call. */
const NAMES_PER_CALL = 100;

/**
 * Each named repository ECR holds. A name it does not hold (an image from another
 * registry, a repository of another account) answers RepositoryNotFoundException for
 * the whole call, so each batch falls back to one call per name.
 */
export async function readRepositories(
  ctx: DiscoverContext,
  names: readonly string[],
  unread: string[],
): Promise<FoundRepository[]> {
  const out: Repository[] = [];
  const describe = (repositoryNames: string[]) =>
    ctx.aws.ecr.send(new DescribeRepositoriesCommand({ repositoryNames }), { abortSignal: ctx.signal });
  for (const batch of chunks([...new Set(names)], NAMES_PER_CALL)) {
    try {
      out.push(...((await describe(batch)).repositories ?? []));
    } catch (error) {
      if ((error as { name?: string }).name !== 'RepositoryNotFoundException') throw error;
      for (const name of batch) {
        try {
          out.push(...((await describe([name])).repositories ?? []));
        } catch (e) {
          if ((e as { name?: string }).name !== 'RepositoryNotFoundException') throw e;
          unread.push(`repository ${name}: ECR in this account and region does not hold it`);
        }
      }
    }
  }
  return out.map((r) => ({
    name: r.repositoryName ?? '',
    arn: r.repositoryArn ?? '',
    uri: r.repositoryUri ?? '',
  }));
}
