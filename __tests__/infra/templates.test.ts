/**
 * infra/: moto's CloudFormation cannot create this stack (no certificate, alarm or OIDC
 * provider resources, service load balancers dropped), so the templates' wiring is checked
 * against what ecs-release and its ground checks need, for each strategy; and a miswired
 * copy is caught.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { infraReleasePolicy, RELEASE_ROLE_TEMPLATE } from '../../scripts/iam-render';
import { type ConfigFile, configFileSchema } from '../../src/config/file-schema';
import { type Json, parseTemplate, resolveTemplate, type Template } from './cfn';
import { iamMatches, releaseRoleProblems, wiringProblems } from './wiring';

const APP = 'infra/app.yaml';
const PARAMS = {
  Name: 'acme',
  Environment: 'production',
  DomainName: 'acme.example',
  HostedZoneId: 'Z0EXAMPLE',
};
const ROLE_PARAMS = { Name: 'acme', Environment: 'production', GitHubRepository: 'acme/shop' };
const SUB = 'repo:acme/shop:environment:production';
const DOMAIN = 'acme.example';
const PREFIX = 'acme-production-';

const appText = readFileSync(APP, 'utf8');
const roleText = readFileSync(RELEASE_ROLE_TEMPLATE, 'utf8');
const app = (given: Record<string, string> = {}, text = appText): Template =>
  resolveTemplate(parseTemplate(text), { ...PARAMS, ...given });
const role = (text = roleText, given: Record<string, string> = {}): Template =>
  resolveTemplate(parseTemplate(text), { ...ROLE_PARAMS, ...given });

/** The same text with `from` replaced; fails when `from` is not there (a mutation that mutates nothing proves nothing). */
function mutate(text: string, from: string, to: string): string {
  expect(text, `the template holds ${from}`).toContain(from);
  return text.replace(from, to);
}

describe('infra/app.yaml', () => {
  it.each([
    ['ROLLING', 'off'],
    ['BLUE_GREEN', 'off'],
    ['BLUE_GREEN', 'armed'],
  ])(
    '%s (PAUSE hook %s): every service has its roles, log groups, target groups, rule, certificate, DNS and alarms',
    (Strategy, PauseHook) => {
      expect(wiringProblems(app({ Strategy, PauseHook }), DOMAIN, PREFIX)).toEqual([]);
    },
  );

  it('creates cleanly: no task and no armed hook at creation; the hook, once armed, is a PAUSE after the production shift', () => {
    const created = app({ Strategy: 'BLUE_GREEN' });
    for (const id of ['WebService', 'ApiService']) {
      const props = created.Resources[id]?.Properties;
      expect(props?.DesiredCount).toBe('0');
      expect(props?.DeploymentConfiguration.LifecycleHooks).toBeUndefined();
      const armed = app({ Strategy: 'BLUE_GREEN', PauseHook: 'armed' }).Resources[id]?.Properties;
      expect(armed?.DeploymentConfiguration.LifecycleHooks).toEqual([
        {
          TargetType: 'PAUSE',
          LifecycleStages: ['POST_PRODUCTION_TRAFFIC_SHIFT'],
          TimeoutConfiguration: { TimeoutInMinutes: '180', Action: 'ROLLBACK' },
        },
      ]);
      // a hook on a rolling service would be refused: armed means nothing there
      const rolling = app({ Strategy: 'ROLLING', PauseHook: 'armed' }).Resources[id]?.Properties;
      expect(rolling?.DeploymentConfiguration.LifecycleHooks).toBeUndefined();
      expect(rolling?.LoadBalancers[0].AdvancedConfiguration).toBeUndefined();
    }
  });

  it('fits the 51,200-byte limit of a template passed inline (--template-body)', () => {
    for (const file of [APP, RELEASE_ROLE_TEMPLATE]) expect(statSync(file).size).toBeLessThan(51_200);
  });

  it.each<[string, string, string, RegExp]>([
    [
      'a log group that is not there',
      'awslogs-group: !Ref ApiLogGroup',
      'awslogs-group: !Ref ApiLogs',
      /ApiTaskDefinition container api: awslogs-group <Ref ApiLogs> is no log group/,
    ],
    [
      'a certificate without the wildcard',
      `SubjectAlternativeNames: [!Sub "*.\${DomainName}"]`,
      `SubjectAlternativeNames: [!Sub "www.\${DomainName}"]`,
      /does not cover api\.acme\.example/,
    ],
    [
      'a target group on the other port',
      '      Port: !Ref BackendPort\n      HealthCheckPath',
      '      Port: !Ref FrontendPort\n      HealthCheckPath',
      /ApiService: target group ApiTargetGroup must be type ip on port 8000/,
    ],
    [
      'a task role ECS tasks cannot assume',
      'Principal: { Service: ecs-tasks.amazonaws.com }',
      'Principal: { Service: ecs.amazonaws.com }',
      /TaskRoleArn|ExecutionRoleArn/,
    ],
    [
      'an alarm on the wrong target group',
      'Value: !GetAtt WebAlternateTargetGroup.TargetGroupFullName',
      'Value: !GetAtt ApiAlternateTargetGroup.TargetGroupFullName',
      /WebAlternateTargetGroup: no alarm on its HTTPCode_Target_5XX_Count/,
    ],
    [
      'a mutable repository',
      'ImageTagMutability: IMMUTABLE',
      'ImageTagMutability: MUTABLE',
      /FrontendRepository: tags are not immutable/,
    ],
    [
      'HTTP served instead of redirected',
      'Protocol: HTTPS, Port: "443"',
      'Protocol: HTTP, Port: "443"',
      /HttpListener: HTTP does not redirect to HTTPS/,
    ],
    [
      'a host with no DNS record',
      `Name: !Sub "api.\${DomainName}"`,
      `Name: !Sub "app.\${DomainName}"`,
      /no Route 53 alias for api\.acme\.example/,
    ],
  ])('catches %s', (_, from, to, problem) => {
    const problems = wiringProblems(
      app({ Strategy: 'BLUE_GREEN' }, mutate(appText, from, to)),
      DOMAIN,
      PREFIX,
    );
    expect(problems.join('\n')).toMatch(problem);
  });
});

describe('infra/release-role.yaml', () => {
  it("holds the generated policy, scoped to the app stack's names, assumed only from the environment's jobs", () => {
    const raw = parseTemplate(roleText).Resources.ReleaseRole?.Properties;
    expect(raw?.Policies[0].PolicyDocument).toEqual(infraReleasePolicy() as Json);
    expect(releaseRoleProblems(role(), app(), SUB)).toEqual([]);
  });

  it('creates the GitHub OIDC provider, or trusts the account one when given (one per account)', () => {
    const created = role();
    expect(created.Resources.GitHubOidcProvider?.Properties).toEqual({
      Url: 'https://token.actions.githubusercontent.com',
      ClientIdList: ['sts.amazonaws.com'],
    });
    const trust = (t: Template) => t.Resources.ReleaseRole?.Properties.AssumeRolePolicyDocument.Statement[0];
    expect(trust(created).Principal.Federated).toBe('<Ref GitHubOidcProvider>');
    const existing = 'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com';
    const reused = role(roleText, { OidcProviderArn: existing });
    expect(reused.Resources.GitHubOidcProvider).toBeUndefined();
    expect(trust(reused).Principal.Federated).toBe(existing);
  });

  it('catches a role that does not cover the app stack, or that any branch may assume', () => {
    const renamed = app(
      {},
      mutate(appText, `ClusterName: !Sub "\${Name}-\${Environment}"`, `ClusterName: !Sub "\${Name}"`),
    );
    expect(releaseRoleProblems(role(), renamed, SUB).join('\n')).toMatch(
      /ClaimEnvironment does not cover arn:aws:ecs:eu-west-1:111122223333:cluster\/acme$/m,
    );
    const loose = mutate(roleText, `environment:\${Environment}`, '*');
    expect(releaseRoleProblems(role(loose), app(), SUB)).toEqual([`ReleaseRole: sub is not exactly ${SUB}`]);
  });

  it("IAM's wildcards as the check reads them", () => {
    expect(
      iamMatches(
        'arn:aws:ecr:*:1:repository/acme-production/*',
        'arn:aws:ecr:eu-west-1:1:repository/acme-production/web',
      ),
    ).toBe(true);
    expect(
      iamMatches(
        'arn:aws:ecr:*:1:repository/acme-production/*',
        'arn:aws:ecr:eu-west-1:1:repository/acme-staging/web',
      ),
    ).toBe(false);
    expect(iamMatches('arn:aws:iam::1:role/a?c', 'arn:aws:iam::1:role/abc')).toBe(true);
  });
});

describe('docs/getting-started.md', () => {
  /** The config file its shell block writes, run by bash with the page's variables set as for the stack above. */
  function writtenConfig(): unknown {
    const page = readFileSync('docs/getting-started.md', 'utf8');
    const block = /<!-- reference-config:[^\n]*\n```sh\n([\s\S]*?)\n```/.exec(page)?.[1];
    expect(block, 'the page has the config block').toBeDefined();
    const dir = mkdtempSync(join(tmpdir(), 'getting-started-'));
    const vars = {
      AWS_REGION: 'eu-west-1',
      ACCOUNT: '111122223333',
      NAME: 'acme',
      ENV: 'production',
      DOMAIN,
    };
    // stdin closed: bash reads a bashrc when its stdin looks like a remote shell's
    const run = spawnSync('bash', ['-euc', block as string], {
      cwd: dir,
      env: { PATH: process.env.PATH, ...vars },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(run.stderr.toString()).toBe('');
    const text = readFileSync(join(dir, '.github/ecs-release.yml'), 'utf8');
    rmSync(dir, { recursive: true });
    expect(text).toContain('# yaml-language-server: $schema=');
    return parse(text);
  }

  it("writes a config the schema accepts, naming the reference stack's cluster, services, repositories, alarms and hosts", () => {
    const checked = configFileSchema.safeParse(writtenConfig());
    expect(checked.error?.issues ?? []).toEqual([]);
    const config = checked.data as ConfigFile;
    const stack = app();
    const props = (type: string) =>
      Object.values(stack.Resources)
        .filter((r) => r.Type === type)
        .map((r) => r.Properties);
    expect(config.cluster).toBe(props('AWS::ECS::Cluster')[0]?.ClusterName);
    const services = props('AWS::ECS::Service').map((s) => [s.ServiceName, s.LoadBalancers[0].ContainerName]);
    expect((config.services ?? []).map((s) => [s.service, Object.keys(s.containers)[0]]).sort()).toEqual(
      services.sort(),
    );
    expect(
      Object.values(config.images ?? {})
        .map((i) => i.repository)
        .sort(),
    ).toEqual(
      props('AWS::ECR::Repository')
        .map((r) => r.RepositoryName)
        .sort(),
    );
    for (const alarm of props('AWS::CloudWatch::Alarm'))
      expect(alarm.AlarmName.startsWith(config.gate?.['alarm-prefix'] ?? '?')).toBe(true);
    expect(config.migrations?.['db-instance']).toBe(props('AWS::RDS::DBInstance')[0]?.DBInstanceIdentifier);
    expect([...(config.hosts ?? [])].sort()).toEqual(
      props('AWS::Route53::RecordSet')
        .map((r) => r.Name)
        .sort(),
    );
    expect(config.hosts).toContain(new URL(config.gate?.['smoke-url'] ?? '').host);
  });
});
