import { DescribeRepositoriesCommand } from '@aws-sdk/client-ecr';
import type { RepositoryInfo } from '../model/contracts';
import type { StageContext } from '../runtime/context';
import { errorText, type Findings } from './findings';

/** ECR repositories by image key: whether each exists, and its URI either way. */
export async function checkRepositories(
  ctx: StageContext,
  account: string | undefined,
  f: Findings,
): Promise<Record<string, RepositoryInfo>> {
  const { images, region, createRepositories } = ctx.config;
  const names = [...new Set(images.map((i) => i.repository))];
  const found = new Map<string, string | null>();
  await Promise.all(
    names.map(async (name) => {
      try {
        const out = await ctx.aws.ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [name] }), {
          abortSignal: ctx.signal,
        });
        found.set(name, out.repositories?.[0]?.repositoryUri ?? null);
      } catch (error) {
        if (error instanceof Error && error.name === 'RepositoryNotFoundException') found.set(name, null);
        else
          f.problems.push(`ECR repository ${name}: ecr:DescribeRepositories failed (${errorText(error)}).`);
      }
    }),
  );
  // A missing repository's URI uses the registry of the ones that exist (one registry per account and region).
  const known = [...found.values()].find((u): u is string => typeof u === 'string');
  const host = known ? known.split('/')[0] : `${account ?? '<account>'}.dkr.ecr.${region}.amazonaws.com`;
  const out: Record<string, RepositoryInfo> = {};
  for (const image of images) {
    const uri = found.get(image.repository);
    const exists = typeof uri === 'string';
    out[image.key] = { name: image.repository, uri: exists ? uri : `${host}/${image.repository}`, exists };
    if (!exists && found.has(image.repository) && !createRepositories) {
      f.problems.push(
        `ECR repository ${image.repository} (image "${image.key}") does not exist in ${region}, and ` +
          'create-repositories is false. Create it: aws ecr create-repository --repository-name ' +
          `${image.repository} --image-tag-mutability IMMUTABLE --image-scanning-configuration scanOnPush=true ` +
          `--region ${region} (or set create-repositories: true).`,
      );
    }
  }
  return out;
}
