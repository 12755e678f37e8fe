import { describe, expect, it } from 'vitest';
import type { ReleaseConfig } from '../../src/config/types';
import { runPreflight } from '../../src/preflight';
import { CLUSTER, scenario, taskDefinition } from '../engine/rolling/scenario';
import { refused } from './refused';

describe('runPreflight', () => {
  it('finds every service, the revision it runs, its containers, repositories and alarms', async () => {
    const s = scenario();
    s.lab.cloudwatch.putAlarm({
      name: 'demo-prod-5xx',
      type: 'metric',
      period: 60,
      evaluationPeriods: 3,
      state: 'OK',
    });
    s.lab.cloudwatch.putAlarm({
      name: 'demo-prod-p99',
      type: 'metric',
      period: 60,
      evaluationPeriods: 1,
      state: 'INSUFFICIENT_DATA',
    });
    s.lab.cloudwatch.putAlarm({
      name: 'demo-prod-all',
      type: 'composite',
      state: 'OK',
      alarmRule: 'ALARM(demo-prod-5xx)',
    });
    s.lab.cloudwatch.putAlarm({
      name: 'checkout-errors',
      type: 'metric',
      period: 300,
      evaluationPeriods: 1,
      state: 'OK',
    });
    const config = {
      ...s.config,
      gate: { ...s.config.gate, alarms: ['checkout-errors'], alarmPrefix: 'demo-prod-', bakeTimeMs: 120_000 },
    };
    const result = await runPreflight(s.context(config));
    expect(result.accountId).toBe('111122223333');
    expect(result.services.map((l) => [l.config.service, l.taskDefinition.revision, l.containers])).toEqual([
      ['demo-api', 1, [{ container: 'api', image: 'backend' }]],
      ['demo-worker', 1, [{ container: 'worker', image: 'backend' }]],
      ['demo-web', 1, [{ container: 'web', image: 'frontend' }]],
    ]);
    expect(result.services[0]?.taskDefinitionTags).toContainEqual({ key: 'team', value: 'payments' });
    expect(result.repositories.backend).toEqual({ name: 'demo/backend', uri: s.uri.backend, exists: true });
    expect(result.alarms).toEqual(['checkout-errors', 'demo-prod-5xx', 'demo-prod-all', 'demo-prod-p99']);
    // bake 2m < 5m (checkout-errors) and < 3m (demo-prod-5xx): two warnings naming the alarms.
    expect(result.warnings.filter((w) => w.startsWith('bake-time 2m'))).toHaveLength(2);
    expect(result.warnings.join('\n')).toContain('"checkout-errors"');
    expect(s.lab.recorder.mutations()).toEqual([]);
    // Names and prefix are looked up in separate calls, both asking for metric and composite alarms.
    const calls = s.lab.recorder.calls('cloudwatch', 'DescribeAlarms').map((c) => c.input);
    expect(calls).toHaveLength(2);
    for (const input of calls) {
      expect(input.AlarmTypes).toEqual(['MetricAlarm', 'CompositeAlarm']);
      expect('AlarmNames' in input && 'AlarmNamePrefix' in input).toBe(false);
    }
  });

  it('refuses everything wrong at once, each problem naming the thing, with zero mutations', async () => {
    const s = scenario();
    const ecs = s.lab.ecs;
    // CODE_DEPLOY service; a blue/green ECS service (accepted: no load balancer, so no wiring to check);
    // a service mid-deployment by someone else;
    // a two-container task definition with no container named.
    ecs.registerTaskDefinition(taskDefinition('demo-cd', 'x@sha256:1'));
    ecs.createService({
      cluster: CLUSTER,
      serviceName: 'demo-cd',
      taskDefinition: 'demo-cd:1',
      desiredCount: 1,
      deploymentController: { type: 'CODE_DEPLOY' },
    });
    ecs.registerTaskDefinition(taskDefinition('demo-bg', 'x@sha256:1'));
    ecs.createService({
      cluster: CLUSTER,
      serviceName: 'demo-bg',
      taskDefinition: 'demo-bg:1',
      desiredCount: 1,
      deploymentConfiguration: { strategy: 'BLUE_GREEN' },
    });
    const two = taskDefinition('demo-sidecar', 'x@sha256:1');
    two.containerDefinitions.push({
      ...two.containerDefinitions[0],
      name: 'envoy',
    } as (typeof two.containerDefinitions)[number]);
    ecs.registerTaskDefinition(two);
    for (const family of ['demo-bg', 'demo-sidecar']) s.lab.logs.createGroup(`/ecs/${family}`);
    ecs.createService({
      cluster: CLUSTER,
      serviceName: 'demo-sidecar',
      taskDefinition: 'demo-sidecar:1',
      desiredCount: 1,
      deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
    });
    const theirs = ecs.registerTaskDefinition({
      ...taskDefinition('demo-api', 'x@sha256:2'),
      tags: [
        { key: 'ecs-release:release', value: 'r41' },
        { key: 'ecs-release:run', value: 'https://github.com/acme/app/actions/runs/41' },
      ],
    });
    s.clock.advance(3000);
    const other = ecs.externalUpdate('demo-api', theirs.arn, CLUSTER);
    s.lab.cloudwatch.putAlarm({
      name: 'demo-prod-5xx',
      type: 'metric',
      period: 60,
      evaluationPeriods: 1,
      state: 'ALARM',
      reason: 'Threshold Crossed: 12 > 5',
    });
    const config: ReleaseConfig = {
      ...s.config,
      services: [
        ...s.config.services,
        { service: 'demo-cd', containers: [{ image: 'backend' }], wave: 1 },
        { service: 'demo-bg', containers: [{ image: 'backend' }], wave: 1 },
        { service: 'demo-sidecar', containers: [{ image: 'backend' }], wave: 1 },
        { service: 'demo-ghost', containers: [{ image: 'backend' }], wave: 1 },
        { service: 'demo-worker', containers: [{ container: 'wroker', image: 'backend' }], wave: 1 },
      ],
      gate: { ...s.config.gate, alarms: ['demo-prod-5xx', 'demo-prod-typo'], alarmPrefix: 'nothing-here-' },
    };
    const error = await refused(s, config);
    const text = error.problems.join('\n');
    expect(error.message).toMatch(/^Preflight found \d+ problems; nothing was changed in AWS:/);
    expect(text).toContain('service demo-cd has deployment controller CODE_DEPLOY');
    expect(text).toContain(
      'see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/migrate-code-deploy-to-ecs-blue-green.html',
    );
    expect(text).not.toContain('demo-bg');
    expect(text).toContain(
      `service demo-api: another deployment is in flight: ${other.id} (PRIMARY IN_PROGRESS) of task definition demo-api:2, created 2026-11-27T12:00:03.000Z, registered by ecs-release for release r41 (https://github.com/acme/app/actions/runs/41)`,
    );
    expect(text).toMatch(
      /service demo-sidecar: task definition demo-sidecar:1 has 2 containers \("sidecar", "envoy"\); name the one/,
    );
    expect(text).toContain('service demo-ghost was not found in cluster demo');
    expect(text).toContain(
      'service demo-worker: task definition demo-worker:1 has no container "wroker"; its containers are "worker"',
    );
    expect(text).toContain('gate alarm "demo-prod-5xx" is in ALARM since');
    expect(text).toContain('(Threshold Crossed: 12 > 5)');
    expect(text).toContain('gate alarm "demo-prod-typo" does not exist');
    expect(text).toContain('alarm-prefix "nothing-here-" matches no CloudWatch alarm');
    expect(error.problems).toHaveLength(8);
  });

  it('refuses a pinned account that the credentials do not belong to, and a missing repository it may not create', async () => {
    const s = scenario();
    const config = {
      ...s.config,
      accountId: '444455556666',
      createRepositories: false,
      images: s.config.images.map((i) =>
        i.key === 'frontend' ? { ...i, repository: 'demo/new-frontend' } : i,
      ),
    };
    const error = await refused(s, config);
    expect(error.problems.join('\n')).toContain('the credentials belong to account 111122223333');
    expect(error.problems.join('\n')).toContain('pins account-id 444455556666');
    expect(error.problems.join('\n')).toContain(
      'aws ecr create-repository --repository-name demo/new-frontend',
    );
  });

  it('refuses an image platform the task definition cannot run', async () => {
    const s = scenario();
    const config = { ...s.config, images: s.config.images.map((i) => ({ ...i, platform: 'linux/arm64' })) };
    const error = await refused(s, config);
    expect(error.problems[0]).toContain(
      'service demo-api: task definition demo-api:1 runs on X86_64, but image "backend" is built for linux/arm64',
    );
  });

  it('stops at credentials that do not work, with one problem saying how to fix them', async () => {
    const s = scenario();
    s.lab.faults.add({ service: '*', kind: 'expired-credentials' });
    const error = await refused(s);
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatch(
      /^AWS credentials: sts:GetCallerIdentity failed in eu-west-1 \(ExpiredToken/,
    );
  });

  it('warns when the credentials expire before the worst case of the run, and when a service has no circuit breaker', async () => {
    const s = scenario({ breaker: { enable: false } });
    const ctx = s.context(s.config);
    const expiration = new Date(s.clock.now() + 40 * 60_000);
    ctx.aws.sts.config.credentials = async () => ({ accessKeyId: 'lab', secretAccessKey: 'lab', expiration });
    const result = await runPreflight(ctx);
    expect(result.warnings.join('\n')).toContain('AWS credentials expire in 40m');
    expect(result.warnings.join('\n')).toContain('may need up to 1h1m');
    expect(result.warnings.filter((w) => w.includes('no deployment circuit breaker'))).toHaveLength(3);
  });

  it('takes the expiry the workflow passed (AWS_CREDENTIAL_EXPIRATION) when the SDK has none', async () => {
    const s = scenario();
    const ctx = s.context({ ...s.config, credentialExpiresAt: s.clock.now() + 20 * 60_000 });
    ctx.aws.sts.config.credentials = async () => ({ accessKeyId: 'lab', secretAccessKey: 'lab' });
    const result = await runPreflight(ctx);
    expect(result.warnings.join('\n')).toContain('AWS credentials expire in 20m');
  });

  it('warns when the expiry is unknown and the worst case exceeds an hour, not when it fits', async () => {
    const s = scenario();
    const unknown = async () => ({ accessKeyId: 'lab', secretAccessKey: 'lab' });
    const long = s.context({ ...s.config, gate: { ...s.config.gate, waitTimeoutMs: 40 * 60_000 } });
    long.aws.sts.config.credentials = unknown;
    expect((await runPreflight(long)).warnings.join('\n')).toContain(
      'AWS credentials: their expiry is unknown, and this run may need up to 1h',
    );
    const short = s.context({ ...s.config, gate: { ...s.config.gate, waitTimeoutMs: 10 * 60_000 } });
    short.aws.sts.config.credentials = unknown;
    expect((await runPreflight(short)).warnings.join('\n')).not.toContain('AWS credentials');
  });
});
