/**
 * src/aws/release-policy.ts is the role's policy: it must list exactly the AWS
 * operations src/ calls (every `new XxxCommand(` and `paginateXxx(`, by the client
 * package it is imported from), plus the registry push and PassRole, which are not SDK
 * calls. docs/iam.md and infra/release-role.yaml print it: `npm run iam` writes them,
 * and they must be what it writes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  IAM_DOC,
  RELEASE_ROLE_TEMPLATE,
  renderIamDoc,
  renderReleaseRoleTemplate,
} from '../../scripts/iam-render';
import {
  policyActions as actionsOf,
  checkPolicy,
  DOCUMENTED_SCOPE,
  releasePolicy,
  STATEMENT_IDS,
} from '../../src/aws/release-policy';

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

/**
 * `ecs-release init` (src/discover/, docs/init.md) runs from a person's terminal with their
 * own credentials, before the release role exists: its reads are not the role's.
 */
const NOT_THE_ROLE = join('src', 'discover');

function calledActions(): Set<string> {
  const actions = new Set<string>();
  for (const file of sourceFiles('src').filter((f) => !f.startsWith(NOT_THE_ROLE))) {
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

/** What `command: check` calls: the ground checks' reads (src/ground/) and what the services run now. */
function checkActions(): string[] {
  const ground = [...calledActions()].filter((a) =>
    sourceFiles('src/ground').some((f) => readFileSync(f, 'utf8').includes(`new ${a.split(':')[1]}Command(`)),
  );
  return [...ground, 'ecs:DescribeClusters', 'ecs:DescribeServices', 'ecs:DescribeTaskDefinition'].sort();
}

describe('the release policy (src/aws/release-policy.ts)', () => {
  it('grants exactly the operations the code calls, plus the registry push and PassRole', () => {
    const expected = [...new Set([...calledActions(), ...NOT_SDK])].sort();
    expect(actionsOf(releasePolicy())).toEqual(expected);
    expect(actionsOf(releasePolicy(DOCUMENTED_SCOPE))).toEqual(expected);
  });

  it('gives the check role exactly what check reads, nothing that changes AWS', () => {
    expect(actionsOf(checkPolicy())).toEqual(checkActions());
  });

  it('docs/iam.md and infra/release-role.yaml are what npm run iam writes', () => {
    const doc = readFileSync(IAM_DOC, 'utf8');
    expect(doc, 'docs/iam.md: run npm run iam').toBe(renderIamDoc(doc));
    expect(readFileSync(RELEASE_ROLE_TEMPLATE, 'utf8'), 'infra/release-role.yaml: run npm run iam').toBe(
      renderReleaseRoleTemplate(),
    );
  });

  it('a hand edit of the documented policy is drift', () => {
    const doc = readFileSync(IAM_DOC, 'utf8').replace(
      '"ecs:ListTasks",',
      '"ecs:ListTasks", "ecs:DeleteService",',
    );
    expect(renderIamDoc(doc)).not.toBe(doc);
    expect(() => renderIamDoc('# no markers\n```json\n{}\n```\n')).toThrow(/release-policy/);
  });

  it('scoped: the ARNs name the scope, wildcards stay only where it says nothing', () => {
    const policy = releasePolicy({
      account: '111122223333',
      region: 'eu-west-1',
      cluster: 'acme',
      services: ['acme-web'],
      repositories: ['acme/web'],
      taskRoles: ['acme-task'],
      logGroups: ['/ecs/acme'],
      dbInstances: ['acme-db'],
      dbClusters: [],
      secrets: ['arn:aws:secretsmanager:eu-west-1:111122223333:secret:acme-db-AbCdEf'],
      promotionSources: ['arn:aws:ecr:eu-west-1:111122223333:repository/staging/*'],
    });
    const resources = policy.Statement.flatMap((s) =>
      Array.isArray(s.Resource) ? s.Resource : [s.Resource],
    );
    for (const arn of resources.filter((r) => r !== '*'))
      expect(arn).toMatch(/^arn:aws:\w+:(eu-west-1)?:111122223333:/);
    expect(resources).toContain('arn:aws:ecs:eu-west-1:111122223333:service/acme/acme-web');
    expect(resources).toContain('arn:aws:ecs:eu-west-1:111122223333:service-deployment/acme/acme-web/*');
    expect(resources).toContain('arn:aws:ecr:eu-west-1:111122223333:repository/acme/web');
    expect(resources).toContain('arn:aws:iam::111122223333:role/acme-task');
    expect(resources).toContain('arn:aws:rds:eu-west-1:111122223333:db:acme-db');
    expect(resources.some((r) => r.includes(':cluster:'))).toBe(false);
    expect(actionsOf(policy)).toEqual(actionsOf(releasePolicy()));
  });

  it('takes ARNs as task definitions and DescribeServices give them', () => {
    const policy = releasePolicy({
      cluster: 'arn:aws:ecs:eu-west-1:111122223333:cluster/acme',
      services: ['acme-web'],
      taskRoles: ['arn:aws:iam::111122223333:role/service/acme-task'],
      repositories: ['arn:aws:ecr:eu-west-1:111122223333:repository/acme/web'],
    });
    const of = (sid: string) => policy.Statement.find((s) => s.Sid === sid)?.Resource;
    expect(of('ClaimEnvironment')).toBe('arn:aws:ecs:eu-west-1:111122223333:cluster/acme');
    expect(of('RollServices')).toBe('arn:aws:ecs:eu-west-1:111122223333:service/acme/acme-web');
    expect(of('PassTaskRoles')).toBe('arn:aws:iam::111122223333:role/service/acme-task');
    expect(of('EcrImages')).toBe('arn:aws:ecr:eu-west-1:111122223333:repository/acme/web');
  });

  it('without: drops exactly the named statements', () => {
    const policy = releasePolicy({ without: ['BuiltInDeployments', 'BuiltInPauseHooks'] });
    expect(policy.Statement.map((s) => s.Sid)).toEqual(
      STATEMENT_IDS.filter((id) => id !== 'BuiltInDeployments' && id !== 'BuiltInPauseHooks'),
    );
    expect(actionsOf(policy)).not.toContain('ecs:ContinueServiceDeployment');
  });
});
