/**
 * `ecs-release init`'s pure part (docs/init.md): the config text from what was found, and
 * the guesses with their reasons. The text must load with the project's own loader.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { starterWorkflowsJson } from '../../scripts/starter-workflows.mjs';
import { releasePolicy } from '../../src/aws/release-policy';
import { watchedBy, watchedResources } from '../../src/discover/alarms';
import { databaseOf } from '../../src/discover/database';
import { draftConfig } from '../../src/discover/draft';
import { repositoryOf } from '../../src/discover/ecs';
import { guessContext, imageKeys } from '../../src/discover/guess';
import { policyScope } from '../../src/discover/scope';
import type { Found, FoundService } from '../../src/discover/types';
import { validateDraft } from '../../src/pipeline/init';
import { starterWorkflows } from '../../src/pipeline/init-files';
import { printFound } from '../../src/pipeline/init-report';
import { MemoryLogger } from '../../src/runtime/log';

const ECR = '111122223333.dkr.ecr.eu-west-1.amazonaws.com';
const root = join(__dirname, '../..');

function svc(name: string, containers: [string, string][], extra: Partial<FoundService> = {}): FoundService {
  return {
    name,
    arn: `arn:aws:ecs:eu-west-1:111122223333:service/acme/${name}`,
    taskDefinitionArn: `arn:aws:ecs:eu-west-1:111122223333:task-definition/${name}:3`,
    family: name,
    strategy: 'ROLLING',
    containers: containers.map(([c, image]) => ({
      name: c,
      image,
      ...(repositoryOf(image) ? { repository: repositoryOf(image) as string } : {}),
      environment: [],
      secrets: [],
    })),
    targetGroupArns: [],
    executionRoleArn: 'arn:aws:iam::111122223333:role/acme-exec',
    logGroups: [`/ecs/${name}`],
    ...extra,
  };
}

function found(overrides: Partial<Found> = {}): Found {
  return {
    region: 'eu-west-1',
    account: '111122223333',
    cluster: 'acme',
    clusterArn: 'arn:aws:ecs:eu-west-1:111122223333:cluster/acme',
    services: [
      svc('acme-api', [
        ['api', `${ECR}/acme/backend:v1`],
        ['datadog', 'public.ecr.aws/datadog/agent:7'],
      ]),
      svc('acme-worker', [['worker', `${ECR}/acme/backend@sha256:${'a'.repeat(64)}`]]),
      svc('acme-web', [['web', `${ECR}/acme/frontend:v1`]]),
    ],
    repositories: ['acme/backend', 'acme/frontend'].map((name) => ({
      name,
      arn: `arn:aws:ecr:eu-west-1:111122223333:repository/${name}`,
      uri: `${ECR}/${name}`,
    })),
    front: { loadBalancerArns: [], listenerArns: [], hosts: ['api.acme.example', 'www.acme.example'] },
    alarms: [{ name: 'acme: 5xx # high', arn: 'arn:x', because: 'LoadBalancer app/acme/1' }],
    skippedAlarms: ['TargetTracking-service/acme/acme-api-AlarmHigh-1'],
    database: {
      instance: 'acme-db',
      arn: 'arn:db',
      service: 'acme-api',
      container: 'api',
      because: 'PGHOST holds its endpoint address',
    },
    unread: [],
    ...overrides,
  };
}

const dockerfiles = (dirs: string[]) => (dir: string) => dirs.includes(dir);

describe('init: the config text', () => {
  it('loads with the project loader: image keys after the repositories, containers mapped, sidecars left out', () => {
    const draft = draftConfig(found(), dockerfiles(['backend', 'frontend']));
    expect(validateDraft(draft.text)).toEqual([]);
    const config = parse(draft.text);
    expect(config).toEqual({
      region: 'eu-west-1',
      cluster: 'acme',
      images: {
        backend: { repository: 'acme/backend', context: 'backend' },
        frontend: { repository: 'acme/frontend', context: 'frontend' },
      },
      services: [
        { service: 'acme-api', containers: { api: 'backend' }, wave: 1 },
        { service: 'acme-worker', containers: { worker: 'backend' }, wave: 1 },
        { service: 'acme-web', containers: { web: 'frontend' }, wave: 2 },
      ],
      hosts: ['api.acme.example', 'www.acme.example'],
      gate: { alarms: ['acme: 5xx # high'] },
    });
    expect(draft.text).toContain('#   db-instance: acme-db');
    expect(draft.text).toContain('#   service: acme-api');
    expect(draft.text).toContain(
      "# not TargetTracking-service/acme/acme-api-AlarmHigh-1: Application Auto Scaling's, in ALARM by design",
    );
    expect(draft.left).toContain(
      'container datadog of acme-api runs public.ecr.aws/datadog/agent:7, from no ECR repository of this account: not released, kept as it is',
    );
  });

  it('a name with a line break stays one quoted scalar: nothing from AWS becomes YAML of its own', () => {
    const hostile = found({ alarms: [{ name: 'a\nevil: true', arn: 'x', because: 'ServiceName acme-api' }] });
    const draft = draftConfig(hostile, dockerfiles(['backend', 'frontend']));
    expect(parse(draft.text).gate).toEqual({ alarms: ['a\nevil: true'] });
    expect(parse(draft.text).evil).toBeUndefined();
  });

  it('a service with no image from ECR is left out and said so; no alarm and no database are left to the person', () => {
    const f = found({
      services: [
        svc('acme-web', [['web', `${ECR}/acme/frontend:v1`]]),
        svc('proxy', [['nginx', 'nginx:1.27']]),
      ],
      alarms: [],
      skippedAlarms: [],
    });
    delete f.database;
    const draft = draftConfig(f, dockerfiles([]));
    expect(validateDraft(draft.text)).toEqual([]);
    expect(parse(draft.text).services).toEqual([
      { service: 'acme-web', containers: { web: 'frontend' }, wave: 1 },
    ]);
    expect(draft.left).toEqual(
      expect.arrayContaining([
        'service proxy runs no image from ECR: left out of services',
        'add the alarms the gate should watch (gate.alarms)',
        'add a migrations block if the app has a database',
      ]),
    );
  });

  it('a rule host that is a pattern stays out of hosts (the config still loads) and is left to the person', () => {
    const f = found({
      front: { loadBalancerArns: [], listenerArns: [], hosts: ['api.acme.example', 'api-*.acme.example'] },
    });
    const draft = draftConfig(f, dockerfiles(['backend', 'frontend']));
    expect(validateDraft(draft.text)).toEqual([]);
    expect(parse(draft.text).hosts).toEqual(['api.acme.example']);
    expect(draft.left).toContain(
      'listener rule host api-*.acme.example is a pattern, not a host name: left out of hosts (name its hosts there)',
    );
  });
});

describe('init: the guesses and their reasons', () => {
  it('build context: the directory with a Dockerfile, the root for a single image, else marked for the person', () => {
    expect(guessContext('api', 'acme/api', 2, dockerfiles(['services/api'])).guess).toEqual({
      what: 'build context of api: services/api',
      why: 'services/api/Dockerfile exists',
    });
    expect(guessContext('api', 'acme/api', 1, dockerfiles(['.'])).guess.why).toBe(
      'the one image, and ./Dockerfile exists',
    );
    const none = guessContext('api', 'acme/api', 2, dockerfiles([]));
    expect(none.image).toMatchObject({ context: 'api', unsure: true });
    expect(none.guess.why).toContain('no Dockerfile in api, services/api, apps/api, packages/api');
  });

  it('waves: backends first with the reason, frontends after; one kind only is one wave', () => {
    const draft = draftConfig(found(), dockerfiles(['backend', 'frontend']));
    expect(draft.guesses).toEqual(
      expect.arrayContaining([
        {
          what: 'wave of acme-api: 1',
          why: 'a backend (its task definition uses the database acme-db): backends roll first, so the new frontend finds the new API',
        },
        {
          what: 'wave of acme-worker: 1',
          why: 'a backend (it runs the image of acme-api, which uses the database): backends roll first, so the new frontend finds the new API',
        },
        {
          what: 'wave of acme-web: 2',
          why: 'a frontend ("acme-web" reads as a frontend name): frontends roll after the backends they call',
        },
      ]),
    );
    const one = draftConfig(
      found({ services: [svc('acme-web', [['web', `${ECR}/acme/frontend:v1`]])] }),
      dockerfiles([]),
    );
    expect(one.guesses.find((g) => g.what.startsWith('wave'))?.why).toMatch(
      /^no backend\/frontend split found/,
    );
  });

  it('image keys: the repository’s last part; two alike keep their whole path', () => {
    expect([...imageKeys(['acme/api', 'beta/api', 'acme/web'])]).toEqual([
      ['acme/api', 'acme-api'],
      ['acme/web', 'web'],
      ['beta/api', 'beta-api'],
    ]);
  });

  it('image references: the repository inside the registry, without tag or digest; Docker Hub names have none', () => {
    expect(repositoryOf(`${ECR}/acme/api:v1`)).toBe('acme/api');
    expect(repositoryOf(`${ECR}/acme/api@sha256:${'b'.repeat(64)}`)).toBe('acme/api');
    expect(repositoryOf('127.0.0.1:5055/demo/backend')).toBe('demo/backend');
    expect(repositoryOf('nginx:1.27')).toBeUndefined();
    expect(repositoryOf('library/nginx')).toBeUndefined();
  });
});

describe('init: what it reads, judged', () => {
  it('an alarm is the release’s when a dimension names its load balancer, target group or service', () => {
    const watched = watchedResources(
      ['arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/app/acme/0abc'],
      ['arn:aws:elasticloadbalancing:eu-west-1:1:targetgroup/acme-web/0def'],
      ['acme-api'],
    );
    const alarm = (Name: string, Value: string) => ({ AlarmName: 'a', Dimensions: [{ Name, Value }] });
    expect(watchedBy(alarm('LoadBalancer', 'app/acme/0abc'), watched)).toBe('LoadBalancer app/acme/0abc');
    expect(watchedBy(alarm('TargetGroup', 'targetgroup/acme-web/0def'), watched)).toBe(
      'TargetGroup targetgroup/acme-web/0def',
    );
    expect(watchedBy(alarm('ServiceName', 'acme-api'), watched)).toBe('ServiceName acme-api');
    expect(watchedBy(alarm('LoadBalancer', 'app/other/0abc'), watched)).toBeUndefined();
  });

  it('the database: an environment value with the endpoint, or a secret that is the managed one', () => {
    const api = svc('acme-api', [['api', `${ECR}/acme/backend:v1`]]);
    const db = {
      DBInstanceIdentifier: 'acme-db',
      DBInstanceArn: 'arn:db',
      Endpoint: { Address: 'acme-db.x.rds.amazonaws.com' },
    };
    expect(databaseOf([api], [db])).toBeUndefined();
    api.containers[0]?.environment.push({
      name: 'DATABASE_URL',
      value: 'postgres://u@acme-db.x.rds.amazonaws.com:5432/app',
    });
    expect(databaseOf([api], [db])).toMatchObject({
      instance: 'acme-db',
      because: 'DATABASE_URL holds its endpoint address',
    });
  });
});

describe('init: the other files', () => {
  it('the policy is the release policy scoped to what was found', () => {
    const f = found();
    const policy = releasePolicy(policyScope(f, draftConfig(f, dockerfiles([]))));
    const resources = policy.Statement.flatMap((s) => s.Resource);
    expect(resources).toContain('arn:aws:ecs:eu-west-1:111122223333:service/acme/acme-web');
    expect(resources).toContain('arn:aws:ecr:eu-west-1:111122223333:repository/acme/frontend');
    expect(policy.Statement.map((s) => s.Sid)).not.toContain('BuiltInPauseHooks');
    expect(resources).toContain('arn:aws:iam::111122223333:role/acme-exec');
  });

  it('the starter workflows are workflows/ as bundled, with the region, account and host found', () => {
    expect(readFileSync(join(root, 'src/pipeline/starter-workflows.json'), 'utf8')).toBe(
      starterWorkflowsJson(join(root, 'workflows')),
    );
    const deploy = starterWorkflows({
      region: 'us-east-2',
      account: '444455556666',
      host: 'www.acme.example',
    }).find((f) => f.path === '.github/workflows/deploy.yml');
    expect(deploy?.text).toContain('aws-region: us-east-2');
    expect(deploy?.text).toContain('role-to-assume: arn:aws:iam::444455556666:role/ecs-release-production');
    expect(deploy?.text).toContain('environment-url: https://www.acme.example');
  });
});

describe('init: what it prints', () => {
  it('outside text with a control character is shown escaped, on its own line', () => {
    const log = new MemoryLogger();
    printFound(
      log,
      found({
        alarms: [{ name: 'x\u001b[31mred\n::add-mask::y', arn: 'a', because: 'ServiceName acme-api' }],
      }),
    );
    const line = log.lines.find((l) => l.message.startsWith('  alarm '))?.message ?? '';
    expect(line).toBe('  alarm "x\\u001B[31mred\\u000A::add-mask::y": ServiceName acme-api');
  });
});
