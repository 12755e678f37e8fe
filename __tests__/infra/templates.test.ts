/**
 * infra/: moto's CloudFormation cannot create this stack (no certificate, alarm or OIDC
 * provider resources, service load balancers dropped), so the templates' wiring is checked
 * against what ecs-release and its ground checks need, for each strategy; and a miswired
 * copy is caught.
 */
import { readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { infraReleasePolicy, RELEASE_ROLE_TEMPLATE } from '../../scripts/iam-render';
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
