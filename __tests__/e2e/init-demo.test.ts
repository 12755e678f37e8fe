/**
 * `ecs-release init` through the bundle against the lab's demo world (lab/scenarios/demo.ts),
 * as a team adopting init would meet it: examples/app released into it once already (the
 * release created the ECR repositories, this run's own, and the release-tagged revisions),
 * the ALB in front with its host rules and the demo's 5xx alarm on it. Then init in a
 * fresh checkout without a config, and `plan` with what it wrote.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEMO } from '../../lab/scenarios/demo';
import { appCheckout, type E2eLab, inLab, ownDeployInputs, runAction, startE2eLab } from './harness';

const RUN = `initdemo${Date.now().toString(36)}`;
const INPUTS = ownDeployInputs(RUN);
const ZONE = `${RUN}.example`;
const HOSTS = [`api.${ZONE}`, `www.${ZONE}`] as const;
let lab: E2eLab;

/**
 * The demo's front door as an account has it: an HTTPS listener whose host rules forward to
 * the demo's target groups, and the demo's 5xx alarm on that load balancer (the lab's demo
 * alarm carries no dimensions: the gate reads only its state).
 */
function seedFrontDoor(l: E2eLab['lab']): void {
  const groupOf = (name: string) =>
    [...l.ecs.services.values()].find((s) => s.name === name)?.loadBalancers[0]?.targetGroupArn ?? '';
  const [api, web] = [groupOf(DEMO.api.service), groupOf(DEMO.web.service)];
  const cert = l.acm.add({ domain: `*.${ZONE}`, inUseBy: [`${RUN}-alb`] });
  const https = l.elbv2.rules.createListener({
    loadBalancer: `${RUN}-alb`,
    protocol: 'HTTPS',
    targetGroupArn: web,
    certificates: [cert.arn],
  });
  for (const [priority, host, arn] of [
    [10, HOSTS[0], api],
    [20, HOSTS[1], web],
  ] as const) {
    l.elbv2.rules.createRule({
      listenerArn: https.arn,
      priority,
      hosts: [host],
      forward: [{ arn, weight: 1 }],
    });
  }
  const dimension = l.elbv2.rules.loadBalancer(`${RUN}-alb`).arn.split(':loadbalancer/')[1] ?? '';
  l.cloudwatch.putAlarm({
    name: DEMO.alarm,
    type: 'metric',
    state: 'OK',
    dimensions: [{ name: 'LoadBalancer', value: dimension }],
  });
}

beforeAll(async () => {
  lab = await startE2eLab();
  seedFrontDoor(lab.lab);
});
afterAll(async () => {
  await lab?.close();
});

describe('ecs-release init against the demo world', () => {
  it('after a first release, finds both services, their repositories, hosts and alarm; plan with the written config passes', async () => {
    const released = appCheckout();
    const first = await runAction({
      ...inLab(lab, released.dir),
      inputs: INPUTS,
      sha: released.commit('first'),
    });
    expect(first.code, first.stdout.slice(-3000)).toBe(0);
    expect(first.outputs.result).toBe('deployed');

    const fresh = appCheckout();
    rmSync(join(fresh.dir, '.github'), { recursive: true, force: true });
    const sha = fresh.commit('adopt init');
    const mutationsBefore = lab.lab.recorder.mutations().length;
    const init = await runAction({
      ...inLab(lab, fresh.dir),
      inputs: {},
      args: ['init', '--cluster', DEMO.cluster],
      sha,
    });
    expect(init.stderr).toBe('');
    expect(init.code, init.stdout).toBe(0);
    const written = readFileSync(join(fresh.dir, '.github/ecs-release.yml'), 'utf8');
    expect(parse(written)).toMatchObject({
      cluster: DEMO.cluster,
      images: {
        backend: { repository: `${RUN}/backend`, context: 'backend' },
        frontend: { repository: `${RUN}/frontend`, context: 'frontend' },
      },
      services: [
        { service: DEMO.api.service, containers: { [DEMO.api.container]: 'backend' }, wave: 1 },
        { service: DEMO.web.service, containers: { [DEMO.web.container]: 'frontend' }, wave: 2 },
      ],
      hosts: [...HOSTS],
      gate: { alarms: [DEMO.alarm] },
    });
    expect(init.stdout).toContain(`repositories in ECR: ${RUN}/backend, ${RUN}/frontend`);
    expect(init.stdout).toContain(`hosts on their rules: ${HOSTS.join(', ')}`);
    expect(init.stdout).toContain(`alarm ${DEMO.alarm}: LoadBalancer app/${RUN}-alb/`);
    expect(init.stdout).toContain('build context of backend: backend, because backend/Dockerfile exists');
    expect(init.stdout).toContain('build context of frontend: frontend, because frontend/Dockerfile exists');
    expect(init.stdout).toContain(
      `wave of ${DEMO.api.service}: 1, because a backend (its task definition uses the database ${DEMO.db})`,
    );
    expect(init.stdout).toContain(`wave of ${DEMO.web.service}: 2, because a frontend`);

    const plan = await runAction({ ...inLab(lab, fresh.dir), inputs: { command: 'plan' }, sha });
    expect(plan.stdout).not.toContain('::error');
    expect(plan.code, plan.stdout.slice(-3000)).toBe(0);
    expect(plan.outputs.result).toBe('planned');
    expect(lab.lab.recorder.mutations().slice(mutationsBefore)).toEqual([]);
  }, 300_000);
});
