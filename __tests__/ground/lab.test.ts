/**
 * The ground checks' readers against the lab: what they find in a healthy world (nothing),
 * each thing broken once, and that every read is made once.
 */
import { DescribeServicesCommand, DescribeTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { DEMO, seedDemo } from '../../lab/scenarios/demo';
import { GROUND, seedGround } from '../../lab/scenarios/ground';
import { AwsError } from '../../lab/sim/types';
import { checkGround, type GroundCommand, type GroundInput } from '../../src/ground';
import { selfSigned } from '../support/self-signed';
import { createWorld, type World } from '../support/world';

const DAY = 86_400_000;

async function input(
  world: World,
  command: GroundCommand,
  over: Partial<GroundInput> = {},
): Promise<GroundInput> {
  const out = await world.aws.ecs.send(
    new DescribeServicesCommand({ cluster: DEMO.cluster, services: [DEMO.api.service, DEMO.web.service] }),
  );
  const services = out.services ?? [];
  const tasks = await Promise.all(
    services.map(async (s) => ({
      service: s.serviceName ?? '',
      taskDefinition:
        (await world.aws.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: s.taskDefinition })))
          .taskDefinition ?? {},
      loadBalancers: s.loadBalancers ?? [],
    })),
  );
  const now = world.clock.now();
  return {
    command,
    mode: 'enforce',
    account: world.lab.account,
    region: world.lab.region,
    services,
    tasks,
    declaredHosts: [GROUND.web],
    minDays: 30,
    now,
    runEnd: now + 3 * 3600_000,
    ...over,
  };
}

function ground() {
  const world = createWorld({ real: false });
  seedDemo(world.lab);
  const g = seedGround(world.lab);
  return { world, g };
}

const texts = (r: { findings: { severity: string; what: string }[] }) =>
  r.findings.map((f) => `${f.severity}: ${f.what}`);

describe('ground checks against the lab', () => {
  it('a healthy world: nothing found, each thing read once', async () => {
    const { world } = ground();
    const before = world.lab.recorder.calls().length;
    const result = await checkGround(world.aws, await input(world, 'deploy'));
    expect(texts(result)).toEqual([]);
    const calls = world.lab.recorder.calls().slice(before);
    const ops = calls.map((c) => `${c.service}:${c.operation}`);
    expect(ops.filter((o) => o === 'iam:GetRole')).toHaveLength(1);
    expect(ops.filter((o) => o === 'acm:DescribeCertificate')).toHaveLength(1);
    expect(result.calls).toBeGreaterThan(0);
  });

  it('the apex under a wildcard is not covered: an error for a declared host, a warning for a rule host, an error in check', async () => {
    const { world, g } = ground();
    const apex = await checkGround(world.aws, await input(world, 'deploy', { declaredHosts: [GROUND.zone] }));
    expect(texts(apex)).toContainEqual(
      expect.stringMatching(/^error: declared host acme\.example is covered by no certificate/),
    );
    world.lab.elbv2.rules.createRule({
      listenerArn: g.httpsListenerArn,
      priority: 20,
      hosts: ['shop.example.org'],
      forward: [],
    });
    const rule = world.lab.elbv2.rules.rules.get(g.apiRuleArn);
    if (rule)
      rule.conditions.push({ Field: 'host-header', HostHeaderConfig: { Values: ['admin.other.example'] } });
    const plan = await checkGround(world.aws, await input(world, 'plan'));
    expect(texts(plan)).toContainEqual(
      expect.stringMatching(/^warning: host of a listener rule admin\.other\.example is covered by no/),
    );
    const check = await checkGround(world.aws, await input(world, 'check'));
    expect(texts(check)).toContainEqual(
      expect.stringMatching(/^error: host of a listener rule admin\.other\.example/),
    );
  });

  it('an imported certificate 10 days from expiry: a dated warning for plan, an error for check', async () => {
    const world = createWorld({ real: false });
    seedDemo(world.lab);
    const imported = world.lab.acm.add({
      domain: 'shop.acme.example',
      type: 'IMPORTED',
      notAfterDays: 10,
      inUseBy: ['x'],
    });
    seedGround(world.lab, { sni: [imported] });
    const plan = await checkGround(
      world.aws,
      await input(world, 'plan', { declaredHosts: ['shop.acme.example'] }),
    );
    const expected = new Date(world.clock.now() + 10 * DAY).toISOString().slice(0, 10);
    expect(texts(plan)).toContainEqual(
      expect.stringContaining(
        `warning: certificate ${imported.arn} (shop.acme.example) expires on ${expected}`,
      ),
    );
    expect(texts(plan).join('\n')).toContain('imported');
    const check = await checkGround(
      world.aws,
      await input(world, 'check', { declaredHosts: ['shop.acme.example'] }),
    );
    expect(check.findings.filter((f) => f.severity === 'error').map((f) => f.kind)).toEqual(['imported']);
  });

  it('a validation CNAME missing, then present', async () => {
    const { world, g } = ground();
    const [record] = world.lab.acm.validationRecords(g.wildcard.arn);
    world.lab.route53.deleteRecord(g.zoneId, record?.name ?? '', 'CNAME');
    const missing = await checkGround(world.aws, await input(world, 'plan'));
    expect(texts(missing)).toContainEqual(
      expect.stringContaining(`the DNS validation record ${record?.name} CNAME`),
    );
    world.lab.route53.putRecord(g.zoneId, {
      name: record?.name ?? '',
      type: 'CNAME',
      values: [record?.value ?? ''],
    });
    expect(texts(await checkGround(world.aws, await input(world, 'plan')))).toEqual([]);
  });

  it('a host aliased to another load balancer names both', async () => {
    const { world, g } = ground();
    world.lab.route53.aliasToLoadBalancer(g.zoneId, GROUND.web, 'old-alb-123.eu-west-1.elb.amazonaws.com');
    const r = await checkGround(world.aws, await input(world, 'deploy'));
    expect(texts(r)).toEqual([
      `warning: host www.acme.example's alias record points at old-alb-123.eu-west-1.elb.amazonaws.com, not at the release's load balancer ${g.dnsName}`,
    ]);
  });

  it('a missing role, an untrusted role, a missing secret and parameter beside existing ones, a missing log group', async () => {
    const { world } = ground();
    const secret = world.lab.secrets.put('demo/api-key', 'x');
    world.lab.ssm.put('/demo/flag');
    world.lab.iam.putRole('demo-untrusted', {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    });
    const base = await input(world, 'deploy');
    const [api] = base.tasks;
    if (!api) throw new Error('no task');
    const c = api.taskDefinition.containerDefinitions?.[0];
    if (!c) throw new Error('no container');
    api.taskDefinition.executionRoleArn = `arn:aws:iam::${world.lab.account}:role/demo-gone`;
    api.taskDefinition.taskRoleArn = `arn:aws:iam::${world.lab.account}:role/demo-untrusted`;
    c.secrets = [
      { name: 'KEY', valueFrom: `${secret}:key::` },
      {
        name: 'GONE',
        valueFrom: `arn:aws:secretsmanager:${world.lab.region}:${world.lab.account}:secret:demo/gone-AbCdEf`,
      },
      { name: 'FLAG', valueFrom: '/demo/flag' },
      {
        name: 'NOFLAG',
        valueFrom: `arn:aws:ssm:${world.lab.region}:${world.lab.account}:parameter/demo/noflag`,
      },
      { name: 'THEIRS', valueFrom: `arn:aws:ssm:${world.lab.region}:999999999999:parameter/theirs` },
    ];
    c.logConfiguration = { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/gone' } };
    api.taskDefinition.containerDefinitions?.push({
      name: 'sidecar',
      logConfiguration: {
        logDriver: 'awslogs',
        options: { 'awslogs-group': '/ecs/new', 'awslogs-create-group': 'true' },
      },
    });
    const r = await checkGround(world.aws, base);
    const errors = r.findings.filter((f) => f.severity === 'error').map((f) => f.what);
    expect(errors.sort()).toEqual(
      [
        `executionRoleArn arn:aws:iam::${world.lab.account}:role/demo-gone does not exist`,
        `taskRoleArn arn:aws:iam::${world.lab.account}:role/demo-untrusted does not trust ecs-tasks.amazonaws.com: ECS cannot assume it`,
        `Secrets Manager secret arn:aws:secretsmanager:${world.lab.region}:${world.lab.account}:secret:demo/gone-AbCdEf does not exist`,
        'SSM parameter /demo/noflag does not exist',
        'awslogs group /ecs/gone does not exist, and the container does not create it (awslogs-create-group)',
      ].sort(),
    );
    expect(texts(r)).toContainEqual(
      expect.stringMatching(/^warning: not checked: arn:aws:ssm:eu-west-1:999999999999:parameter\/theirs/),
    );
    const rollback = await checkGround(world.aws, { ...base, command: 'rollback' });
    expect(rollback.findings.filter((f) => f.severity === 'error')).toHaveLength(5);
    const warn = await checkGround(world.aws, { ...base, mode: 'warn' });
    expect(warn.findings.filter((f) => f.severity === 'error')).toHaveLength(0);
  });

  it('an HTTP listener whose production rules forward to the release warns on an internet-facing load balancer only, never for a test listener', async () => {
    const { world, g } = ground();
    const webTg =
      [...world.lab.elbv2.groups.values()].find((t) => t.name === DEMO.web.targetGroup)?.arn ?? '';
    // The seeded port-80 listener redirects: nothing to say. A rule on it that forwards does.
    world.lab.elbv2.rules.createRule({
      listenerArn: g.httpListenerArn,
      priority: 5,
      hosts: [GROUND.web],
      forward: [{ arn: webTg, weight: 1 }],
    });
    const plan = await checkGround(world.aws, await input(world, 'plan'));
    expect(texts(plan)).toEqual([
      `warning: listener HTTP:80 of load balancer ${GROUND.loadBalancer} forwards production traffic over plain HTTP instead of redirecting to HTTPS`,
    ]);
    expect(plan.findings[0]?.fix).toMatch(/redirect to HTTPS/);

    // The same listener named as a built-in deployment's test listener is not production traffic.
    const tested = await input(world, 'plan');
    const [service] = tested.services;
    const [lb] = service?.loadBalancers ?? [];
    if (!lb) throw new Error('no load balancer');
    const testRule = world.lab.elbv2.rules.createRule({
      listenerArn: g.httpListenerArn,
      priority: 6,
      hosts: [GROUND.api],
      forward: [{ arn: webTg, weight: 1 }],
    });
    lb.advancedConfiguration = { testListenerRule: testRule.arn } as typeof lb.advancedConfiguration;
    expect(texts(await checkGround(world.aws, tested))).toEqual([]);

    // An internal load balancer with an HTTPS listener and a forwarding HTTP one: no warning.
    const internal = createWorld({ real: false });
    seedDemo(internal.lab);
    const tg =
      [...internal.lab.elbv2.groups.values()].find((t) => t.name === DEMO.web.targetGroup)?.arn ?? '';
    const cert = internal.lab.acm.add({ domain: `*.${GROUND.zone}`, inUseBy: ['demo-internal'] });
    for (const protocol of ['HTTPS', 'HTTP'] as const)
      internal.lab.elbv2.rules.createListener({
        loadBalancer: 'demo-internal',
        scheme: 'internal',
        protocol,
        targetGroupArn: tg,
        ...(protocol === 'HTTPS' && { certificates: [cert.arn] }),
      });
    const inside = await checkGround(internal.aws, await input(internal, 'check', { declaredHosts: [] }));
    expect(inside.findings.filter((f) => f.kind === 'http')).toEqual([]);
  });

  it('an IAM server certificate on a listener: its names from the PEM, its expiry, judged like an imported one', async () => {
    const world = createWorld({ real: false });
    seedDemo(world.lab);
    const { cert: body } = selfSigned(['shop.acme.example']);
    const iam = world.lab.iam.putServerCertificate('shop-2026', world.clock.now() + 10 * DAY, body);
    const g = seedGround(world.lab);
    world.lab.route53.aliasToLoadBalancer(g.zoneId, 'shop.acme.example', g.dnsName);
    const listener = world.lab.elbv2.rules.listeners.get(g.httpsListenerArn);
    listener?.certificates.push(iam.arn);
    const expected = new Date(world.clock.now() + 10 * DAY).toISOString().slice(0, 10);
    const plan = await checkGround(
      world.aws,
      await input(world, 'plan', { declaredHosts: ['shop.acme.example'] }),
    );
    // Covered by its own name (no coverage finding), dated, and nobody renews it.
    expect(texts(plan)).toEqual([
      `warning: certificate ${iam.arn} (shop.acme.example) expires on ${expected} (in 10 days, under certificate-min-days 30); it is an IAM server certificate: nobody renews it but its owner`,
    ]);
    expect(plan.findings[0]?.fix).toMatch(/upload a renewed server certificate to IAM/);
    const check = await checkGround(
      world.aws,
      await input(world, 'check', { declaredHosts: ['shop.acme.example'] }),
    );
    expect(check.findings.filter((f) => f.severity === 'error').map((f) => f.kind)).toEqual(['imported']);
    // A long-lived one has nothing to say.
    world.lab.iam.putServerCertificate('shop-2026', world.clock.now() + 400 * DAY, body);
    expect(
      texts(
        await checkGround(world.aws, await input(world, 'check', { declaredHosts: ['shop.acme.example'] })),
      ),
    ).toEqual([]);
  });

  it('a denied permission is a "not checked" warning naming it, never an error', async () => {
    const { world } = ground();
    const acm = world.lab.services.acm;
    if (!acm) throw new Error('no acm');
    acm.DescribeCertificate = () => {
      throw new AwsError(
        'AccessDeniedException',
        'User is not authorized to perform: acm:DescribeCertificate',
      );
    };
    const r = await checkGround(world.aws, await input(world, 'check'));
    expect(texts(r)).toEqual([
      'warning: not checked: certificate ' +
        `${world.lab.acm.certificates.keys().next().value} (acm:DescribeCertificate was denied)`,
    ]);
  });
});
