/**
 * Worlds with ECS's built-in strategies (BLUE_GREEN, LINEAR, CANARY) for lab and
 * product tests: a steady service behind an ALB listener whose production rule
 * forwards blue 100 / green 0 over two target groups, an optional test rule, the
 * infrastructure role, and the strategy's configuration. docs/lab.md "Built-in deployments".
 */
import type { Lab } from '../sim/lab';
import { fargateTaskDefinition } from './task-definition';

export interface BuiltInServiceOptions {
  cluster?: string;
  service: string;
  strategy: 'BLUE_GREEN' | 'LINEAR' | 'CANARY';
  bakeTimeInMinutes?: number;
  linearConfiguration?: { stepPercent?: number; stepBakeTimeInMinutes?: number };
  canaryConfiguration?: { canaryPercent?: number; canaryBakeTimeInMinutes?: number };
  /** `{ stage }` is a PAUSE hook (timeout default 1440 min, action ROLLBACK); `lambda` a Lambda hook. */
  hooks?: { stage: string; lambda?: boolean; timeoutInMinutes?: number; action?: 'ROLLBACK' | 'CONTINUE' }[];
  /** A test listener rule (port 8443) carrying green's test traffic. */
  testListener?: boolean;
  desiredCount?: number;
  port?: number;
  alarms?: string[];
  circuitBreaker?: boolean;
  /** Break the wiring on purpose: the production rule forwards to blue only. */
  blueOnlyOnProductionRule?: boolean;
}

export interface BuiltInService {
  cluster: string;
  service: string;
  family: string;
  taskDefinitionArn: string;
  blueTargetGroupArn: string;
  greenTargetGroupArn: string;
  listenerArn: string;
  productionRuleArn: string;
  testRuleArn?: string;
  roleArn: string;
}

function taskDefinition(family: string, port: number, image: string) {
  return fargateTaskDefinition(family, {
    name: family,
    image,
    portMappings: [{ containerPort: port, protocol: 'tcp' }],
  });
}

function hookList(o: Pick<BuiltInServiceOptions, 'service' | 'hooks'>, account: string, region: string) {
  return (o.hooks ?? []).map((h) => ({
    targetType: h.lambda ? 'AWS_LAMBDA' : 'PAUSE',
    ...(h.lambda && {
      hookTargetArn: `arn:aws:lambda:${region}:${account}:function:${o.service}-hook`,
      roleArn: `arn:aws:iam::${account}:role/${o.service}-hook`,
    }),
    lifecycleStages: [h.stage],
    timeoutConfiguration: { timeoutInMinutes: h.timeoutInMinutes ?? 1440, action: h.action ?? 'ROLLBACK' },
  }));
}

/** The ALB listener, its production rule (blue 100 / green 0) and the optional test rule. */
function seedRules(
  lab: Lab,
  o: Pick<BuiltInServiceOptions, 'service' | 'testListener' | 'blueOnlyOnProductionRule'>,
  blueArn: string,
  greenArn: string,
) {
  const blue = { arn: blueArn };
  const green = { arn: greenArn };
  const listener = lab.elbv2.rules.createListener({
    loadBalancer: `${o.service}-alb`,
    targetGroupArn: blue.arn,
  });
  const prod = lab.elbv2.rules.createRule({
    listenerArn: listener.arn,
    priority: 1,
    forward: o.blueOnlyOnProductionRule
      ? [{ arn: blue.arn, weight: 100 }]
      : [
          { arn: blue.arn, weight: 100 },
          { arn: green.arn, weight: 0 },
        ],
  });
  let test: string | undefined;
  if (o.testListener) {
    const l2 = lab.elbv2.rules.createListener({
      loadBalancer: `${o.service}-alb`,
      port: 8443,
      targetGroupArn: green.arn,
    });
    test = lab.elbv2.rules.createRule({
      listenerArn: l2.arn,
      priority: 1,
      forward: [{ arn: green.arn, weight: 100 }],
    }).arn;
  }
  return { listener, prod, test };
}

/** The strategy and the traffic plumbing of a built-in service, for CreateService. */
export type BuiltInWiringOptions = Omit<BuiltInServiceOptions, 'cluster' | 'desiredCount' | 'port'>;

export interface BuiltInWiring {
  listenerArn: string;
  productionRuleArn: string;
  testRuleArn?: string;
  roleArn: string;
  /** CreateService's `loadBalancers`, `deploymentController` and `deploymentConfiguration`. */
  service: {
    loadBalancers: Record<string, unknown>[];
    deploymentController: { type: 'ECS' };
    deploymentConfiguration: Record<string, unknown>;
  };
}

/**
 * The listener and rules over `blue` (the service's target group) and `green` (the
 * alternate one), the infrastructure role and the strategy's configuration: what a
 * BLUE_GREEN / LINEAR / CANARY service needs beside its target groups.
 */
export function builtInWiring(
  lab: Lab,
  o: BuiltInWiringOptions,
  target: { blueArn: string; greenArn: string; containerName: string; containerPort: number },
): BuiltInWiring {
  const { listener, prod, test } = seedRules(lab, o, target.blueArn, target.greenArn);
  const roleArn = `arn:aws:iam::${lab.account}:role/ecs-infrastructure-for-load-balancers`;
  const loadBalancer = {
    targetGroupArn: target.blueArn,
    containerName: target.containerName,
    containerPort: target.containerPort,
    advancedConfiguration: {
      alternateTargetGroupArn: target.greenArn,
      productionListenerRule: prod.arn,
      ...(test && { testListenerRule: test }),
      roleArn,
    },
  };
  const deploymentConfiguration = {
    strategy: o.strategy,
    bakeTimeInMinutes: o.bakeTimeInMinutes ?? 5,
    ...(o.linearConfiguration && { linearConfiguration: o.linearConfiguration }),
    ...(o.canaryConfiguration && { canaryConfiguration: o.canaryConfiguration }),
    lifecycleHooks: hookList(o, lab.account, lab.region),
    deploymentCircuitBreaker: { enable: o.circuitBreaker ?? true, rollback: true },
    ...(o.alarms && { alarms: { alarmNames: o.alarms, enable: true, rollback: true } }),
  };
  return {
    listenerArn: listener.arn,
    productionRuleArn: prod.arn,
    ...(test && { testRuleArn: test }),
    roleArn,
    service: {
      loadBalancers: [loadBalancer],
      deploymentController: { type: 'ECS' },
      deploymentConfiguration,
    },
  };
}

/** Seeds a steady built-in service; register revision 2 and UpdateService to deploy. */
export function seedBuiltInService(lab: Lab, o: BuiltInServiceOptions): BuiltInService {
  const cluster = o.cluster ?? 'lab';
  const port = o.port ?? 8080;
  lab.ecs.createCluster(cluster);
  const blue = lab.elbv2.createTargetGroup({ name: `${o.service}-blue`, port });
  const green = lab.elbv2.createTargetGroup({ name: `${o.service}-green`, port });
  const wiring = builtInWiring(lab, o, {
    blueArn: blue.arn,
    greenArn: green.arn,
    containerName: o.service,
    containerPort: port,
  });
  const td = steadyService(
    lab,
    { cluster, service: o.service, port, desiredCount: o.desiredCount ?? 2 },
    wiring.service,
  );
  return {
    cluster,
    service: o.service,
    family: o.service,
    taskDefinitionArn: td.arn,
    blueTargetGroupArn: blue.arn,
    greenTargetGroupArn: green.arn,
    listenerArn: wiring.listenerArn,
    productionRuleArn: wiring.productionRuleArn,
    ...(wiring.testRuleArn && { testRuleArn: wiring.testRuleArn }),
    roleArn: wiring.roleArn,
  };
}

/** Revision 1 registered and running in a Fargate service with `fields` (load balancers, deployment configuration). */
function steadyService(
  lab: Lab,
  o: { cluster: string; service: string; port: number; desiredCount: number },
  fields: Record<string, unknown>,
): { arn: string } {
  const td = lab.ecs.registerTaskDefinition(
    taskDefinition(o.service, o.port, `127.0.0.1:5055/${o.service}:v1`),
  );
  lab.ecs.createService({
    cluster: o.cluster,
    serviceName: o.service,
    taskDefinition: td.arn,
    desiredCount: o.desiredCount,
    launchType: 'FARGATE',
    networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-0lab'], assignPublicIp: 'DISABLED' } },
    ...fields,
    healthCheckGracePeriodSeconds: 0,
  });
  return { arn: td.arn };
}

/** Revision 2 of the service's task definition (a new image), ready for UpdateService. */
export function nextRevision(lab: Lab, s: Pick<BuiltInService, 'taskDefinitionArn'>, tag = 'v2'): string {
  const base = lab.ecs.taskDefinitions.get(s.taskDefinitionArn);
  const body = structuredClone(base.body) as { containerDefinitions: { image: string }[] };
  for (const c of body.containerDefinitions) c.image = c.image.replace(/:[^:/]+$/, `:${tag}`);
  return lab.ecs.registerTaskDefinition(body as unknown as Record<string, unknown>).arn;
}

/**
 * A steady ROLLING service beside the built-in ones (a release may mix strategies):
 * revision 1 running, circuit breaker on, optionally behind a health-checked target group.
 */
export function seedRollingService(
  lab: Lab,
  o: { cluster?: string; service: string; breakerRollback?: boolean; targetGroup?: boolean; port?: number },
): { taskDefinitionArn: string; targetGroupArn?: string } {
  const cluster = o.cluster ?? 'lab';
  const port = o.port ?? 8080;
  lab.ecs.createCluster(cluster);
  const group = o.targetGroup
    ? lab.elbv2.createTargetGroup({
        name: `${o.service}-tg`,
        port,
        targetType: 'ip',
        healthCheck: { path: '/healthz' },
      })
    : undefined;
  const td = steadyService(
    lab,
    { cluster, service: o.service, port, desiredCount: 2 },
    {
      ...(group && {
        loadBalancers: [{ targetGroupArn: group.arn, containerName: o.service, containerPort: port }],
      }),
      deploymentConfiguration: {
        minimumHealthyPercent: 100,
        maximumPercent: 200,
        deploymentCircuitBreaker: { enable: true, rollback: o.breakerRollback ?? true },
      },
    },
  );
  return { taskDefinitionArn: td.arn, ...(group && { targetGroupArn: group.arn }) };
}
