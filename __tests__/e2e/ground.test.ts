/**
 * The ground checks (docs/ground.md) through the bundle, against the lab over HTTP: each
 * case its own lab world (the demo behind an HTTPS ALB with `*.acme.example`, the zone
 * `acme.example`), one thing broken, the exit code, what changed in AWS (nothing on a
 * refusal), and the lines a user reads.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO } from '../../lab/scenarios/demo';
import { GROUND, seedGround } from '../../lab/scenarios/ground';
import { TAGS } from '../../src/record/release-record';
import { appCheckout, type E2eLab, type RunResult, runAction, startE2eLab } from './harness';

const RUN = `ground${Date.now().toString(36)}`;
let open: E2eLab | undefined;

afterEach(async () => {
  await open?.close();
  open = undefined;
});

async function world(demo: Parameters<typeof startE2eLab>[0] = {}) {
  open = await startE2eLab(demo);
  const g = seedGround(open.lab);
  return { lab: open, g };
}

const app = appCheckout();
const sha = app.commit('ground');

/**
 * A succeeded release `r1` of both services, registered beside what runs now (the demo's
 * untagged first revisions): a rollback target. `api` changes its task definition's body.
 */
function seedTarget(lab: E2eLab, api: (body: Record<string, unknown>) => void = () => {}): void {
  for (const family of [DEMO.api.family, DEMO.web.family]) {
    const current = lab.lab.ecs.taskDefinitions.get(`${family}:1`);
    const body = structuredClone(current?.body ?? {}) as Record<string, unknown>;
    if (family === DEMO.api.family) api(body);
    lab.lab.ecs.registerTaskDefinition({
      ...body,
      tags: [
        { key: TAGS.release, value: 'r1' },
        { key: TAGS.commit, value: sha },
        { key: TAGS.environment, value: 'production' },
        { key: TAGS.outcome, value: 'succeeded' },
      ],
    });
  }
}

function run(lab: E2eLab, inputs: Record<string, string>): Promise<RunResult> {
  return runAction({
    inputs: {
      environment: 'production',
      'bake-time': '3s',
      'frontend-repository': `${RUN}/frontend`,
      'backend-repository': `${RUN}/backend`,
      ...inputs,
    },
    cwd: app.dir,
    url: lab.url,
    labEnv: lab.env,
    sha,
  });
}

describe('ground checks through the bundle', () => {
  it('a declared host no certificate covers (the apex under a wildcard) refuses a deploy, nothing changed, naming ground: warn', async () => {
    const { lab } = await world();
    const result = await run(lab, { command: 'deploy', hosts: GROUND.zone });
    expect(result.code).toBe(1);
    expect(result.outputs.result).toBe('failed');
    expect(result.stdout).toContain(
      'ground error: declared host acme.example is covered by no certificate of the listener (it has *.acme.example; a wildcard covers exactly one label)',
    );
    expect(result.stdout).toContain('to release anyway in an emergency, set ground: warn');
    // Nothing changed: no image pushed (no repository made), no claim, no registration.
    expect(lab.lab.recorder.mutations()).toEqual([]);
    expect(result.summary).toContain('| :x: error | declared host acme.example is covered by no certificate');
  });

  it('with ground: warn the same release deploys (a blue/green frontend behind HTTPS), the finding a warning', async () => {
    const { lab } = await world({ blueGreenFrontend: true });
    const result = await run(lab, { command: 'deploy', hosts: GROUND.zone, ground: 'warn' });
    expect(result.code, result.stdout.slice(-3000)).toBe(0);
    expect(result.outputs.result).toBe('deployed');
    expect(result.stdout).toMatch(
      /::warning::ground warning: declared host acme\.example is covered by no certificate/,
    );
    expect(result.summary).toContain('| :warning: warning | declared host acme.example');
  });

  it("a certificate expiring within the run's worst case refuses a deploy; an untrusted role too", async () => {
    const { lab, g } = await world();
    // 30 minutes left; the run's worst case is 5m migration + 2 × 30m wait + 3s bake.
    const soon = lab.lab.acm.add({
      domain: 'shop.acme.example',
      notBeforeDays: -80,
      notAfterDays: 1 / 48,
      renewalStatus: 'PENDING_AUTO_RENEWAL',
    });
    lab.lab.elbv2.rules.listener(g.httpsListenerArn).certificates.push(soon.arn);
    lab.lab.iam.putRole('demo-task-execution', {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    });
    const result = await run(lab, { command: 'deploy', hosts: 'shop.acme.example' });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      new RegExp(
        `ground error: certificate ${soon.arn} \\(shop\\.acme\\.example\\) expires on \\d{4}-\\d\\d-\\d\\d, before this run's worst-case end`,
      ),
    );
    expect(result.stdout).toContain(
      `ground error: executionRoleArn arn:aws:iam::${lab.lab.account}:role/demo-task-execution does not trust ecs-tasks.amazonaws.com`,
    );
    expect(lab.lab.recorder.mutations()).toEqual([]);
  });

  it('a rule host not covered: a warning for plan, an error for check', async () => {
    const { lab, g } = await world();
    const apiTg = [...lab.lab.elbv2.groups.values()].find((t) => t.name === DEMO.api.targetGroup)?.arn ?? '';
    lab.lab.elbv2.rules.createRule({
      listenerArn: g.httpsListenerArn,
      priority: 40,
      hosts: ['admin.other.example'],
      forward: [{ arn: apiTg, weight: 1 }],
    });
    const plan = await run(lab, { command: 'plan' });
    expect(plan.code, plan.stdout.slice(-3000)).toBe(0);
    expect(plan.outputs.result).toBe('planned');
    expect(plan.stdout).toMatch(
      /::warning::ground warning: host of a listener rule admin\.other\.example is covered by no certificate/,
    );
    const check = await run(lab, { command: 'check' });
    expect(check.code).toBe(1);
    expect(check.outputs.result).toBe('failed');
    expect(check.stdout).toMatch(/::error::ground error: host of a listener rule admin\.other\.example/);
    expect(check.summary).toContain('| :x: error | host of a listener rule admin.other.example');
    expect(lab.lab.recorder.mutations()).toEqual([]);
  });

  it('an imported certificate 10 days from expiry: plan passes with a dated warning that says so; check fails', async () => {
    const { lab, g } = await world();
    const imported = lab.lab.acm.add({
      domain: 'shop.acme.example',
      type: 'IMPORTED',
      notAfterDays: 10,
      inUseBy: ['x'],
    });
    lab.lab.elbv2.rules.listener(g.httpsListenerArn).certificates.push(imported.arn);
    const day = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
    const plan = await run(lab, { command: 'plan', hosts: 'shop.acme.example' });
    expect(plan.code, plan.stdout.slice(-3000)).toBe(0);
    expect(plan.stdout).toContain(
      `ground warning: certificate ${imported.arn} (shop.acme.example) expires on ${day}`,
    );
    expect(plan.stdout).toContain('it is imported: nobody renews it but its owner');
    const check = await run(lab, { command: 'check', hosts: 'shop.acme.example' });
    expect(check.code).toBe(1);
    expect(check.stdout).toContain(
      `ground error: certificate ${imported.arn} (shop.acme.example) expires on ${day}`,
    );
  });

  it('a validation CNAME missing fails the check; present again, checked', async () => {
    const { lab, g } = await world();
    const [record] = lab.lab.acm.validationRecords(g.wildcard.arn);
    if (!record) throw new Error('no validation record');
    lab.lab.route53.deleteRecord(g.zoneId, record.name, 'CNAME');
    const missing = await run(lab, { command: 'check' });
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain(`the DNS validation record ${record.name} CNAME ${record.value}`);
    lab.lab.route53.putRecord(g.zoneId, { name: record.name, type: 'CNAME', values: [record.value] });
    const present = await run(lab, { command: 'check' });
    expect(present.code, present.stdout.slice(-3000)).toBe(0);
    expect(present.outputs.result).toBe('checked');
    expect(present.summary).toContain('nothing found');
  });

  it('a host aliased to another load balancer: a warning naming both', async () => {
    const { lab, g } = await world();
    lab.lab.route53.aliasToLoadBalancer(g.zoneId, GROUND.web, 'old-alb-1.eu-west-1.elb.amazonaws.com');
    const plan = await run(lab, { command: 'plan', hosts: GROUND.web });
    expect(plan.code, plan.stdout.slice(-3000)).toBe(0);
    expect(plan.stdout).toContain(
      `ground warning: host www.acme.example's alias record points at old-alb-1.eu-west-1.elb.amazonaws.com, not at the release's load balancer ${g.dnsName}`,
    );
  });

  it('a missing role, a missing secret and parameter beside existing ones, a missing log group beside a created one: refused, nothing changed', async () => {
    const { lab } = await world();
    const l = lab.lab;
    const secret = l.secrets.put('demo/api-key', 'x');
    l.ssm.put('/demo/flag');
    const api = [...l.ecs.services.values()].find((s) => s.name === DEMO.api.service);
    const td = l.ecs.taskDefinitions.get(api?.deployments[0]?.taskDefinition ?? '');
    const body = td?.body as { executionRoleArn?: string; containerDefinitions: Record<string, unknown>[] };
    const [c] = body.containerDefinitions;
    if (!c) throw new Error('no container');
    body.executionRoleArn = `arn:aws:iam::${l.account}:role/demo-gone`;
    c.secrets = [
      { name: 'KEY', valueFrom: `${secret}:key::` },
      { name: 'GONE', valueFrom: `arn:aws:secretsmanager:${l.region}:${l.account}:secret:demo/gone` },
      { name: 'FLAG', valueFrom: '/demo/flag' },
      { name: 'NOFLAG', valueFrom: '/demo/noflag' },
    ];
    c.logConfiguration = { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/gone' } };
    body.containerDefinitions.push({
      name: 'sidecar',
      logConfiguration: {
        logDriver: 'awslogs',
        options: { 'awslogs-group': '/ecs/new', 'awslogs-create-group': 'true' },
      },
    });
    const result = await run(lab, { command: 'deploy' });
    expect(result.code).toBe(1);
    const errors = result.stdout.split('\n').filter((line) => line.includes('ground error:'));
    expect(errors.join('\n')).toContain(
      `executionRoleArn arn:aws:iam::${l.account}:role/demo-gone does not exist`,
    );
    expect(errors.join('\n')).toContain(
      `Secrets Manager secret arn:aws:secretsmanager:${l.region}:${l.account}:secret:demo/gone does not exist`,
    );
    expect(errors.join('\n')).toContain('SSM parameter /demo/noflag does not exist');
    expect(errors.join('\n')).toContain('awslogs group /ecs/gone does not exist');
    expect(errors.join('\n')).not.toContain('demo/api-key');
    expect(errors.join('\n')).not.toContain('/demo/flag ');
    expect(errors.join('\n')).not.toContain('/ecs/new');
    expect(l.recorder.mutations()).toEqual([]);
  });

  it("a rollback whose target's task definition names a missing secret is refused, nothing changed", async () => {
    const { lab } = await world();
    const l = lab.lab;
    seedTarget(lab, (body) => {
      const [c] = body.containerDefinitions as Record<string, unknown>[];
      if (c)
        c.secrets = [
          { name: 'GONE', valueFrom: `arn:aws:secretsmanager:${l.region}:${l.account}:secret:demo/gone` },
        ];
    });
    const before = l.recorder.mutations().length;
    const result = await run(lab, { command: 'rollback', to: 'r1' });
    expect(result.code, result.stdout.slice(-3000)).toBe(1);
    expect(result.outputs.result).toBe('failed');
    expect(result.stdout).toContain(
      `ground error: Secrets Manager secret arn:aws:secretsmanager:${l.region}:${l.account}:secret:demo/gone does not exist`,
    );
    expect(l.recorder.mutations().slice(before)).toEqual([]);
  });

  it('a TLS error is only a warning for a rollback: the rollback runs', async () => {
    const { lab } = await world();
    seedTarget(lab);
    const result = await run(lab, { command: 'rollback', to: 'r1', hosts: GROUND.zone });
    expect(result.code, result.stdout.slice(-3000)).toBe(0);
    expect(result.outputs.result).toBe('deployed');
    expect(result.outputs.release).toBe('r1');
    const api = [...lab.lab.ecs.services.values()].find((s) => s.name === DEMO.api.service);
    expect(api?.deployments[0]?.taskDefinition).toMatch(/demo-api:2$/);
    expect(result.stdout).toMatch(
      /::warning::ground warning: declared host acme\.example is covered by no certificate/,
    );
    expect(result.stdout).not.toContain('ground error:');
  });
});
