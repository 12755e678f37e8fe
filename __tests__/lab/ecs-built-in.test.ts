/**
 * The lab's built-in ECS deployments (BLUE_GREEN, LINEAR, CANARY) through the real
 * SDK clients, in-process and over HTTP: lifecycle stages over lab time, PAUSE hooks
 * and ContinueServiceDeployment, StopServiceDeployment, listener-rule weights,
 * wiring failures, hook time-outs. docs/lab.md "Built-in deployments".
 */
import {
  ContinueServiceDeploymentCommand,
  CreateServiceCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServicesCommand,
  type ECSClient,
  ListServiceDeploymentsCommand,
  type ServiceDeployment,
  StopServiceDeploymentCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import {
  DescribeRulesCommand,
  type ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type BuiltInService,
  type BuiltInServiceOptions,
  nextRevision,
  seedBuiltInService,
} from '../../lab/scenarios/built-in';
import { errorOf, MODES, openSdkLab, type SdkLab } from './sim-harness.js';

describe.each(MODES)('ECS built-in deployments through the SDK (%s)', (mode) => {
  let h: SdkLab;
  let ecs: ECSClient;
  let elb: ElasticLoadBalancingV2Client;
  afterEach(async () => {
    await h?.close();
  });

  /** The lab in this mode, with an ECS and an ELBv2 client on it (closed after each test). */
  async function open() {
    h = await openSdkLab(mode);
    ({ ecs, elb } = h);
  }

  async function deploy(o: BuiltInServiceOptions) {
    await open();
    const s = seedBuiltInService(h.lab, o);
    const before = await ecs.send(new DescribeServicesCommand({ cluster: s.cluster, services: [s.service] }));
    const seeded = before.services?.[0]?.currentServiceDeployment;
    const taskDefinition = nextRevision(h.lab, s);
    const out = await ecs.send(
      new UpdateServiceCommand({ cluster: s.cluster, service: s.service, taskDefinition }),
    );
    const arn = out.service?.currentServiceDeployment ?? '';
    expect(arn).toMatch(/:service-deployment\/lab\//);
    expect(arn).not.toBe(seeded);
    return { s, arn };
  }

  async function sd(arn: string): Promise<ServiceDeployment> {
    const out = await ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] }));
    const d = out.serviceDeployments?.[0];
    if (!d) throw new Error('service deployment missing');
    return d;
  }

  /** Polls each lab second until `done`; returns the stages seen, in order, once each. */
  async function until(arn: string, done: (d: ServiceDeployment) => boolean, maxS = 3600) {
    const stages: string[] = [];
    for (let i = 0; i < maxS; i += 1) {
      const d = await sd(arn);
      const label = `${d.lifecycleStage}`;
      if (stages.at(-1) !== label) stages.push(label);
      if (done(d)) return { d, stages };
      h.clock.advance(1000);
    }
    throw new Error(`not done in ${maxS} s: ${JSON.stringify(await sd(arn))}`);
  }

  async function weights(ruleArn: string): Promise<Record<string, number>> {
    const out = await elb.send(new DescribeRulesCommand({ RuleArns: [ruleArn] }));
    const tgs = out.Rules?.[0]?.Actions?.[0]?.ForwardConfig?.TargetGroups ?? [];
    return Object.fromEntries(tgs.map((t) => [t.TargetGroupArn ?? '', t.Weight ?? 0]));
  }

  const blueGreen = (s: BuiltInService, blue: number) => ({
    [s.blueTargetGroupArn]: blue,
    [s.greenTargetGroupArn]: 100 - blue,
  });
  const waiting = (d: ServiceDeployment) =>
    d.lifecycleHookDetails?.find((x) => x.status === 'AWAITING_ACTION');

  it('BLUE_GREEN held at a POST_PRODUCTION_TRAFFIC_SHIFT pause, then continued to SUCCESSFUL', async () => {
    const { s, arn } = await deploy({
      service: 'web',
      strategy: 'BLUE_GREEN',
      bakeTimeInMinutes: 2,
      hooks: [{ stage: 'POST_PRODUCTION_TRAFFIC_SHIFT' }],
    });
    expect(await weights(s.productionRuleArn)).toEqual(blueGreen(s, 100));
    const held = await until(arn, (d) => waiting(d) !== undefined);
    expect(held.stages).toEqual([
      'PRE_SCALE_UP',
      'SCALE_UP',
      'POST_SCALE_UP',
      'TEST_TRAFFIC_SHIFT',
      'POST_TEST_TRAFFIC_SHIFT',
      'PRE_PRODUCTION_TRAFFIC_SHIFT',
      'PRODUCTION_TRAFFIC_SHIFT',
      'POST_PRODUCTION_TRAFFIC_SHIFT',
    ]);
    expect(held.d).toMatchObject({
      status: 'IN_PROGRESS',
      targetServiceRevision: { requestedProductionTrafficWeight: 100, runningTaskCount: 2 },
      sourceServiceRevisions: [{ requestedProductionTrafficWeight: 0, runningTaskCount: 2 }],
    });
    const hook = waiting(held.d);
    expect(hook).toMatchObject({ targetType: 'PAUSE', timeoutAction: 'ROLLBACK' });
    expect(hook?.hookId).toMatch(/^ecs-pause-/);
    expect(await weights(s.productionRuleArn)).toEqual(blueGreen(s, 0));
    // The legacy view while blue still runs: green PRIMARY in progress, blue ACTIVE.
    const during = (
      await ecs.send(new DescribeServicesCommand({ cluster: s.cluster, services: [s.service] }))
    ).services?.[0];
    expect(during?.currentServiceDeployment).toBe(arn);
    expect(during?.deployments?.map((d) => [d.status, d.rolloutState, d.runningCount])).toEqual([
      ['PRIMARY', 'IN_PROGRESS', 2],
      ['ACTIVE', 'COMPLETED', 2],
    ]);
    // The pause holds: ten lab minutes later nothing moved.
    h.clock.advance(600_000);
    expect((await sd(arn)).lifecycleStage).toBe('POST_PRODUCTION_TRAFFIC_SHIFT');

    await ecs.send(
      new ContinueServiceDeploymentCommand({
        serviceDeploymentArn: arn,
        hookId: hook?.hookId,
        action: 'CONTINUE',
      }),
    );
    const done = await until(arn, (d) => d.status === 'SUCCESSFUL');
    expect(done.stages).toEqual(['POST_PRODUCTION_TRAFFIC_SHIFT', 'BAKE_TIME', 'CLEAN_UP']);
    expect(done.d.sourceServiceRevisions?.[0]?.runningTaskCount).toBe(0);
    expect(done.d.finishedAt).toBeInstanceOf(Date);
    const svc = (await ecs.send(new DescribeServicesCommand({ cluster: s.cluster, services: [s.service] })))
      .services?.[0];
    expect(svc?.deployments).toHaveLength(1);
    expect(svc?.deployments?.[0]).toMatchObject({
      status: 'PRIMARY',
      rolloutState: 'COMPLETED',
      runningCount: 2,
    });
    expect(svc?.taskDefinition).toMatch(/web:2$/);
    const list = await ecs.send(
      new ListServiceDeploymentsCommand({ cluster: s.cluster, service: s.service }),
    );
    expect(list.serviceDeployments?.map((x) => x.status)).toEqual(['SUCCESSFUL', 'SUCCESSFUL']);
    // The hook is no longer waiting: a second CONTINUE is refused.
    const err = await errorOf(
      ecs.send(new ContinueServiceDeploymentCommand({ serviceDeploymentArn: arn, hookId: hook?.hookId })),
    );
    expect(err.name).toBe('InvalidParameterException');
  });

  it('ROLLBACK at the hold puts production back on blue within seconds, blue never stopped', async () => {
    const { s, arn } = await deploy({
      service: 'web',
      strategy: 'BLUE_GREEN',
      bakeTimeInMinutes: 60,
      hooks: [{ stage: 'POST_PRODUCTION_TRAFFIC_SHIFT' }],
    });
    const held = await until(arn, (d) => waiting(d) !== undefined);
    const at = h.clock.now();
    await ecs.send(
      new ContinueServiceDeploymentCommand({
        serviceDeploymentArn: arn,
        hookId: waiting(held.d)?.hookId,
        action: 'ROLLBACK',
      }),
    );
    let back = 0;
    for (let i = 0; i < 30 && back === 0; i += 1) {
      h.clock.advance(1000);
      if ((await weights(s.productionRuleArn))[s.blueTargetGroupArn] === 100) back = h.clock.now() - at;
    }
    expect(back).toBeGreaterThan(0);
    expect(back).toBeLessThanOrEqual(2000);
    const done = await until(arn, (d) => d.status === 'ROLLBACK_SUCCESSFUL');
    expect(done.d).toMatchObject({
      statusReason: 'Service deployment rolled back',
      targetServiceRevision: { requestedProductionTrafficWeight: 0, runningTaskCount: 0 },
      sourceServiceRevisions: [{ requestedProductionTrafficWeight: 100, runningTaskCount: 2 }],
      rollback: { reason: 'Service deployment rolled back' },
    });
    expect(done.d.lifecycleHookDetails?.[0]?.status).toBe('FAILED');
    const svc = (await ecs.send(new DescribeServicesCommand({ cluster: s.cluster, services: [s.service] })))
      .services?.[0];
    expect(svc?.taskDefinition).toMatch(/web:1$/);
    expect(svc?.deployments).toHaveLength(1);
    expect(svc?.runningCount).toBe(2);
  });

  it('BLUE_GREEN without hooks: StopServiceDeployment ROLLBACK during BAKE_TIME', async () => {
    const { s, arn } = await deploy({ service: 'api', strategy: 'BLUE_GREEN', bakeTimeInMinutes: 30 });
    await until(arn, (d) => d.lifecycleStage === 'BAKE_TIME');
    h.clock.advance(60_000);
    expect((await sd(arn)).lifecycleStage).toBe('BAKE_TIME');
    await ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: arn, stopType: 'ROLLBACK' }));
    expect((await sd(arn)).status).toBe('ROLLBACK_REQUESTED');
    const done = await until(arn, (d) => d.status === 'ROLLBACK_SUCCESSFUL', 120);
    expect(done.stages).not.toContain('CLEAN_UP');
    expect(await weights(s.productionRuleArn)).toEqual(blueGreen(s, 100));
    // A finished deployment can't be stopped.
    const err = await errorOf(ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: arn })));
    expect(err.name).toBe('ConflictException');
  });

  it('StopServiceDeployment ABORT: STOPPED, traffic and both revisions left where they were', async () => {
    const { s, arn } = await deploy({ service: 'api', strategy: 'BLUE_GREEN', bakeTimeInMinutes: 30 });
    await until(arn, (d) => d.lifecycleStage === 'BAKE_TIME');
    await ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: arn, stopType: 'ABORT' }));
    expect((await sd(arn)).status).toBe('STOP_REQUESTED');
    const done = await until(arn, (d) => d.status === 'STOPPED', 10);
    expect(done.d.stoppedAt).toBeInstanceOf(Date);
    h.clock.advance(60_000);
    expect(await weights(s.productionRuleArn)).toEqual(blueGreen(s, 0));
    const after = await sd(arn);
    expect(after.sourceServiceRevisions?.[0]?.runningTaskCount).toBe(2);
    expect(after.targetServiceRevision?.runningTaskCount).toBe(2);
  });

  it('with a test listener rule: green takes test traffic at TEST_TRAFFIC_SHIFT, production stays on blue', async () => {
    const { s, arn } = await deploy({
      service: 'web',
      strategy: 'BLUE_GREEN',
      bakeTimeInMinutes: 0,
      testListener: true,
      hooks: [{ stage: 'POST_TEST_TRAFFIC_SHIFT' }],
    });
    const held = await until(arn, (d) => waiting(d) !== undefined);
    expect(held.d).toMatchObject({
      lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT',
      targetServiceRevision: { requestedTestTrafficWeight: 100, requestedProductionTrafficWeight: 0 },
    });
    expect(await weights(s.testRuleArn ?? '')).toEqual(blueGreen(s, 0));
    expect(await weights(s.productionRuleArn)).toEqual(blueGreen(s, 100));
    await ecs.send(
      new ContinueServiceDeploymentCommand({
        serviceDeploymentArn: arn,
        hookId: waiting(held.d)?.hookId,
        action: 'ROLLBACK',
      }),
    );
    await until(arn, (d) => d.status === 'ROLLBACK_SUCCESSFUL', 60);
    expect(await weights(s.testRuleArn ?? '')).toEqual(blueGreen(s, 100));
  });

  it('CANARY with a PAUSE at PRE_PRODUCTION_TRAFFIC_SHIFT pauses before each step, a new hookId each time', async () => {
    const { s, arn } = await deploy({
      service: 'web',
      strategy: 'CANARY',
      bakeTimeInMinutes: 1,
      canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 2 },
      hooks: [{ stage: 'PRE_PRODUCTION_TRAFFIC_SHIFT' }],
    });
    const seen: string[] = [];
    const shares: number[] = [];
    for (let step = 0; step < 2; step += 1) {
      const held = await until(
        arn,
        (d) => waiting(d) !== undefined && !seen.includes(waiting(d)?.hookId ?? ''),
      );
      expect(held.d.lifecycleStage).toBe('PRE_PRODUCTION_TRAFFIC_SHIFT');
      shares.push((await weights(s.productionRuleArn))[s.greenTargetGroupArn] ?? -1);
      const hookId = waiting(held.d)?.hookId ?? '';
      seen.push(hookId);
      await ecs.send(new ContinueServiceDeploymentCommand({ serviceDeploymentArn: arn, hookId }));
    }
    expect(shares).toEqual([0, 10]);
    expect(new Set(seen).size).toBe(2);
    await until(arn, (d) => d.status === 'SUCCESSFUL');
    expect(await weights(s.productionRuleArn)).toEqual(blueGreen(s, 0));
  });

  it('LINEAR 25 % steps: production weights 25/50/75/100 with the step bake between them', async () => {
    const { s, arn } = await deploy({
      service: 'web',
      strategy: 'LINEAR',
      bakeTimeInMinutes: 0,
      linearConfiguration: { stepPercent: 25, stepBakeTimeInMinutes: 1 },
    });
    const seen: { w: number; at: number }[] = [];
    await until(arn, (d) => {
      const w = d.targetServiceRevision?.requestedProductionTrafficWeight ?? 0;
      if (w > 0 && seen.at(-1)?.w !== w) seen.push({ w, at: h.clock.now() });
      return d.status === 'SUCCESSFUL';
    });
    expect(seen.map((x) => x.w)).toEqual([25, 50, 75, 100]);
    for (let i = 1; i < seen.length; i += 1)
      expect((seen[i]?.at ?? 0) - (seen[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(60_000);
    expect(await weights(s.productionRuleArn)).toEqual(blueGreen(s, 0));
  });

  it('a production rule that forwards to blue only: the deployment is rolled back with the wiring text', async () => {
    const { s, arn } = await deploy({
      service: 'web',
      strategy: 'BLUE_GREEN',
      blueOnlyOnProductionRule: true,
    });
    const done = await until(arn, (d) => d.status === 'ROLLBACK_SUCCESSFUL', 30);
    expect(done.d.statusReason).toBe(
      'Service deployment rolled back because of invalid networking configuration. Both targetGroup and alternateTargetGroup must be associated with the productionListenerRule or testListenerRule.',
    );
    const svc = (await ecs.send(new DescribeServicesCommand({ cluster: s.cluster, services: [s.service] })))
      .services?.[0];
    expect(svc?.taskDefinition).toMatch(/web:1$/);
    expect(svc?.runningCount).toBe(2);
  });

  it('a PAUSE hook that times out applies its timeoutAction (CONTINUE here)', async () => {
    const { arn } = await deploy({
      service: 'web',
      strategy: 'BLUE_GREEN',
      bakeTimeInMinutes: 0,
      hooks: [{ stage: 'POST_TEST_TRAFFIC_SHIFT', timeoutInMinutes: 3, action: 'CONTINUE' }],
    });
    const held = await until(arn, (d) => waiting(d) !== undefined);
    const hook = waiting(held.d);
    expect((hook?.expiresAt?.getTime() ?? 0) - h.clock.now()).toBeLessThanOrEqual(180_000);
    h.clock.advance(181_000);
    const d = await sd(arn);
    expect(d.lifecycleHookDetails).toEqual([]);
    expect(d.lifecycleStage).not.toBe('POST_TEST_TRAFFIC_SHIFT');
    await until(arn, (x) => x.status === 'SUCCESSFUL', 120);
  });

  it('a PAUSE hook that times out with ROLLBACK rolls back', async () => {
    const { arn } = await deploy({
      service: 'web',
      strategy: 'BLUE_GREEN',
      bakeTimeInMinutes: 0,
      hooks: [{ stage: 'POST_SCALE_UP', timeoutInMinutes: 1 }],
    });
    await until(arn, (d) => waiting(d) !== undefined);
    h.clock.advance(61_000);
    const done = await until(arn, (d) => d.status === 'ROLLBACK_SUCCESSFUL', 60);
    expect(done.d.lifecycleHookDetails?.[0]?.status).toBe('TIMED_OUT');
    expect(done.d.statusReason).toMatch(/timed out/);
  });

  it('failing green tasks trip the circuit breaker: rolled back with its statusReason', async () => {
    await open();
    const s = seedBuiltInService(h.lab, { service: 'web', strategy: 'BLUE_GREEN', bakeTimeInMinutes: 5 });
    const td = nextRevision(h.lab, s);
    h.lab.ecs.behave({ family: 'web', revision: 2 }, { outcome: 'unhealthy' });
    const out = await ecs.send(
      new UpdateServiceCommand({ cluster: s.cluster, service: s.service, taskDefinition: td }),
    );
    const done = await until(
      out.service?.currentServiceDeployment ?? '',
      (d) => d.status === 'ROLLBACK_SUCCESSFUL',
    );
    expect(done.d.statusReason).toBe(
      'Service deployment rolled back because the circuit breaker threshold was exceeded.',
    );
    expect(done.d.deploymentCircuitBreaker?.status).toBe('TRIGGERED');
    expect(await weights(s.productionRuleArn)).toEqual(blueGreen(s, 100));
  });

  it('an alarm in ALARM during BAKE_TIME rolls back', async () => {
    await open();
    h.lab.cloudwatch.putAlarm({
      name: 'web-5xx',
      type: 'metric',
      period: 60,
      evaluationPeriods: 1,
      state: 'OK',
    });
    const s = seedBuiltInService(h.lab, {
      service: 'web',
      strategy: 'BLUE_GREEN',
      bakeTimeInMinutes: 10,
      alarms: ['web-5xx'],
    });
    const td = nextRevision(h.lab, s);
    const out = await ecs.send(
      new UpdateServiceCommand({ cluster: s.cluster, service: s.service, taskDefinition: td }),
    );
    const arn = out.service?.currentServiceDeployment ?? '';
    await until(arn, (d) => d.lifecycleStage === 'BAKE_TIME');
    h.lab.cloudwatch.schedule('web-5xx', h.clock.now() - h.lab.startedAt, 'ALARM');
    const done = await until(arn, (d) => d.status === 'ROLLBACK_SUCCESSFUL', 60);
    expect(done.d.statusReason).toMatch(/web-5xx/);
    expect(await weights(s.productionRuleArn)).toEqual(blueGreen(s, 100));
  });

  it('refuses a PAUSE hook at PRODUCTION_TRAFFIC_SHIFT and BLUE_GREEN without bakeTimeInMinutes', async () => {
    await open();
    const s = seedBuiltInService(h.lab, { service: 'web', strategy: 'BLUE_GREEN' });
    const pause = await errorOf(
      ecs.send(
        new UpdateServiceCommand({
          cluster: s.cluster,
          service: s.service,
          deploymentConfiguration: {
            strategy: 'BLUE_GREEN',
            bakeTimeInMinutes: 1,
            lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['PRODUCTION_TRAFFIC_SHIFT'] }],
          },
        }),
      ),
    );
    expect(pause.name).toBe('InvalidParameterException');
    const bake = await errorOf(
      ecs.send(
        new CreateServiceCommand({
          cluster: s.cluster,
          serviceName: 'web2',
          taskDefinition: s.taskDefinitionArn,
          desiredCount: 1,
          deploymentConfiguration: { strategy: 'BLUE_GREEN' },
        }),
      ),
    );
    expect(bake.name).toBe('InvalidParameterException');
  });
});
