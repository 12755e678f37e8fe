/**
 * docs/iam.md is the role's policy: it must list exactly the AWS operations src/
 * calls (every `new XxxCommand(` and `paginateXxx(`, by the client package it is
 * imported from), plus the registry push and PassRole, which are not SDK calls.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** IAM service prefix of each SDK client package. */
const PREFIX: Record<string, string> = {
  'client-ecs': 'ecs',
  'client-ecr': 'ecr',
  'client-cloudwatch': 'cloudwatch',
  'client-cloudwatch-logs': 'logs',
  'client-elastic-load-balancing-v2': 'elasticloadbalancing',
  'client-rds': 'rds',
  'client-secrets-manager': 'secretsmanager',
  'client-sts': 'sts',
  'client-acm': 'acm',
  'client-route-53': 'route53',
  'client-iam': 'iam',
  'client-ssm': 'ssm',
};

/** Actions the policy needs that are no SDK call in src/. */
const NOT_SDK = [
  // docker push through the engine with the ECR token, and the registry copy (src/registry/)
  'ecr:BatchCheckLayerAvailability',
  'ecr:InitiateLayerUpload',
  'ecr:UploadLayerPart',
  'ecr:CompleteLayerUpload',
  'ecr:GetDownloadUrlForLayer',
  // RunTask/RegisterTaskDefinition with the task's roles
  'iam:PassRole',
  // CreateDBSnapshot with Tags
  'rds:AddTagsToResource',
  // sts:GetCallerIdentity needs no permission
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

function calledActions(): Set<string> {
  const actions = new Set<string>();
  for (const file of sourceFiles('src')) {
    const text = readFileSync(file, 'utf8');
    const imports = [
      ...text.matchAll(/import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*'@aws-sdk\/(client-[a-z0-9-]+)'/g),
    ];
    const owner = (name: string) =>
      imports.find(([, names]) => (names ?? '').split(',').some((n) => n.trim() === name))?.[2];
    for (const [, op] of text.matchAll(/new ([A-Z]\w+)Command\(/g)) {
      const pkg = owner(`${op}Command`);
      if (pkg) actions.add(`${PREFIX[pkg] ?? pkg}:${op}`);
    }
    for (const [, op] of text.matchAll(/paginate([A-Z]\w+)\(/g)) {
      const pkg = owner(`paginate${op}`);
      if (pkg) actions.add(`${PREFIX[pkg] ?? pkg}:${op}`);
    }
  }
  actions.delete('sts:GetCallerIdentity');
  return actions;
}

function documentedActions(): Set<string> {
  const doc = readFileSync('docs/iam.md', 'utf8');
  const policy = /```json\n([\s\S]*?)\n```/.exec(doc)?.[1] ?? '{}';
  const statements = (JSON.parse(policy) as { Statement: { Action: string | string[] }[] }).Statement;
  return new Set(statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])));
}

/** The actions of the n-th JSON policy in docs/iam.md. */
function policyActions(n: number): Set<string> {
  const doc = readFileSync('docs/iam.md', 'utf8');
  const policy = [...doc.matchAll(/```json\n([\s\S]*?)\n```/g)][n]?.[1] ?? '{}';
  const statements = (JSON.parse(policy) as { Statement: { Action: string | string[] }[] }).Statement;
  return new Set(statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])));
}

/** What `command: check` calls: the ground checks' reads (src/ground/) and what the services run now. */
function checkActions(): string[] {
  const ground = [...calledActions()].filter((a) =>
    sourceFiles('src/ground').some((f) => readFileSync(f, 'utf8').includes(`new ${a.split(':')[1]}Command(`)),
  );
  return [...ground, 'ecs:DescribeClusters', 'ecs:DescribeServices', 'ecs:DescribeTaskDefinition'].sort();
}

describe('docs/iam.md', () => {
  it('grants exactly the operations the code calls, plus the registry push and PassRole', () => {
    const expected = [...calledActions(), ...NOT_SDK].sort();
    expect([...documentedActions()].sort()).toEqual(expected);
  });

  it('gives the check role exactly what check reads, nothing that changes AWS', () => {
    expect([...policyActions(1)].sort()).toEqual(checkActions());
  });
});
