/**
 * What moto 5.2.1 knows of ECS's built-in strategies (docs/lab.md "moto 5.2.1 and the
 * built-in strategies"): the service-side request shapes a team's infrastructure sends
 * and ecs-release reads back are accepted; the four service deployment operations the
 * built-in strategy module sends are not implemented, so the moto suite cannot judge
 * them (capture.ts NOT_REACHED).
 */
import {
  ContinueServiceDeploymentCommand,
  CreateClusterCommand,
  CreateServiceCommand,
  type DeploymentConfiguration,
  DescribeServiceDeploymentsCommand,
  DescribeServicesCommand,
  ListServiceDeploymentsCommand,
  RegisterTaskDefinitionCommand,
  StopServiceDeploymentCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DescribeRulesCommand,
  ModifyRuleCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { destroyClients, motoClients } from '../../lab/moto/clients';
import { pythonException } from '../../lab/moto/replay';
import { motoNetwork, type SeedNetwork } from '../../lab/moto/seed';
import { type MotoServer, motoSkipReason, startMotoServer } from '../../lab/moto/server';
import type { AwsClients } from '../../src/aws/clients';

const CLUSTER = 'bg-shapes';

describe('moto 5.2.1 and the built-in strategies', () => {
  let moto: MotoServer;
  let aws: AwsClients;
  let net: SeedNetwork;
  beforeAll(async () => {
    // Fails, never skips, like the moto suite: an unchecked claim in docs/lab.md is worse than a red test.
    const missing = motoSkipReason();
    if (missing) throw new Error(missing);
    moto = await startMotoServer();
    aws = motoClients(moto.url);
    net = await motoNetwork(moto.url);
  }, 60_000);
  afterAll(async () => {
    if (aws) destroyClients(aws);
    await moto?.stop();
  });

  /** The exception moto printed for the request after `mark` (it reaches the pipe a moment after the answer). */
  const traceback = (mark: number) => moto.outputWhen(mark, pythonException);

  /** Blue and green target groups, an ALB listener and a production rule forwarding blue 100 / green 0. */
  async function traffic(name: string) {
    const group = async (color: string) =>
      (
        await aws.elbv2.send(
          new CreateTargetGroupCommand({
            Name: `${name}-${color}`,
            Protocol: 'HTTP',
            Port: 8080,
            VpcId: net.vpcId,
            TargetType: 'ip',
          }),
        )
      ).TargetGroups?.[0]?.TargetGroupArn ?? '';
    const [blue, green] = [await group('blue'), await group('green')];
    const lb = await aws.elbv2.send(
      new CreateLoadBalancerCommand({ Name: `${name}-alb`, Subnets: net.subnets, Type: 'application' }),
    );
    const listener = await aws.elbv2.send(
      new CreateListenerCommand({
        LoadBalancerArn: lb.LoadBalancers?.[0]?.LoadBalancerArn,
        Protocol: 'HTTP',
        Port: 80,
        DefaultActions: [{ Type: 'forward', TargetGroupArn: blue }],
      }),
    );
    const weights = (b: number, g: number) => [
      {
        Type: 'forward' as const,
        ForwardConfig: {
          TargetGroups: [
            { TargetGroupArn: blue, Weight: b },
            { TargetGroupArn: green, Weight: g },
          ],
        },
      },
    ];
    const rule = await aws.elbv2.send(
      new CreateRuleCommand({
        ListenerArn: listener.Listeners?.[0]?.ListenerArn,
        Priority: 1,
        Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/*'] } }],
        Actions: weights(100, 0),
      }),
    );
    return { blue, green, rule: rule.Rules?.[0]?.RuleArn ?? '', weights };
  }

  it('accepts CreateService and UpdateService with a built-in strategy, hooks and advancedConfiguration, and DescribeServices returns them', async () => {
    await aws.ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
    const td = await aws.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'bg-web',
        networkMode: 'awsvpc',
        requiresCompatibilities: ['FARGATE'],
        cpu: '256',
        memory: '512',
        containerDefinitions: [
          { name: 'web', image: 'nginx', essential: true, portMappings: [{ containerPort: 8080 }] },
        ],
      }),
    );
    const t = await traffic('bg-web');
    const roleArn = 'arn:aws:iam::123456789012:role/ecs-infrastructure-for-load-balancers';
    const blueGreen: DeploymentConfiguration = {
      strategy: 'BLUE_GREEN',
      bakeTimeInMinutes: 15,
      deploymentCircuitBreaker: { enable: true, rollback: true },
      lifecycleHooks: [
        {
          targetType: 'PAUSE',
          lifecycleStages: ['POST_PRODUCTION_TRAFFIC_SHIFT'],
          timeoutConfiguration: { timeoutInMinutes: 120, action: 'ROLLBACK' },
        },
      ],
    };
    const created = await aws.ecs.send(
      new CreateServiceCommand({
        cluster: CLUSTER,
        serviceName: 'bg-web',
        taskDefinition: td.taskDefinition?.taskDefinitionArn,
        desiredCount: 1,
        launchType: 'FARGATE',
        networkConfiguration: {
          awsvpcConfiguration: { subnets: net.subnets, securityGroups: net.securityGroups },
        },
        deploymentController: { type: 'ECS' },
        deploymentConfiguration: blueGreen,
        loadBalancers: [
          {
            targetGroupArn: t.blue,
            containerName: 'web',
            containerPort: 8080,
            advancedConfiguration: {
              alternateTargetGroupArn: t.green,
              productionListenerRule: t.rule,
              roleArn,
            },
          },
        ],
      }),
    );
    expect(created.service?.loadBalancers?.[0]?.advancedConfiguration).toEqual({
      alternateTargetGroupArn: t.green,
      productionListenerRule: t.rule,
      roleArn,
    });
    // moto starts no service deployment: ecs-release's watch has nothing to follow there.
    expect(created.service?.currentServiceDeployment).toBeUndefined();

    const canary: DeploymentConfiguration = {
      strategy: 'CANARY',
      bakeTimeInMinutes: 10,
      canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 5 },
      lifecycleHooks: [
        {
          targetType: 'PAUSE',
          lifecycleStages: ['PRE_PRODUCTION_TRAFFIC_SHIFT'],
          timeoutConfiguration: { timeoutInMinutes: 60, action: 'CONTINUE' },
        },
      ],
    };
    await aws.ecs.send(
      new UpdateServiceCommand({ cluster: CLUSTER, service: 'bg-web', deploymentConfiguration: canary }),
    );
    const described = await aws.ecs.send(
      new DescribeServicesCommand({ cluster: CLUSTER, services: ['bg-web'] }),
    );
    expect(described.services?.[0]?.deploymentConfiguration).toMatchObject(canary);
    expect(described.services?.[0]?.currentServiceDeployment).toBeUndefined();

    // moto validates none of it: shapes AWS refuses (linearConfiguration with CANARY, a PAUSE hook at
    // TEST_TRAFFIC_SHIFT) pass too, so the moto suite cannot catch a wrong strategy field; the lab does.
    await aws.ecs.send(
      new UpdateServiceCommand({
        cluster: CLUSTER,
        service: 'bg-web',
        deploymentConfiguration: {
          ...canary,
          linearConfiguration: { stepPercent: 1 },
          lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['TEST_TRAFFIC_SHIFT'] }],
        },
      }),
    );

    // The re-weighting ECS does on the production rule, done by hand: moto stores and returns it.
    await aws.elbv2.send(new ModifyRuleCommand({ RuleArn: t.rule, Actions: t.weights(0, 100) }));
    const rules = await aws.elbv2.send(new DescribeRulesCommand({ RuleArns: [t.rule] }));
    expect(rules.Rules?.[0]?.Actions?.[0]?.ForwardConfig?.TargetGroups).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ TargetGroupArn: t.blue, Weight: 0 }),
        expect.objectContaining({ TargetGroupArn: t.green, Weight: 100 }),
      ]),
    );
  });

  it('does not implement the service deployment operations', async () => {
    const arn = `arn:aws:ecs:eu-west-1:123456789012:service-deployment/${CLUSTER}/bg-web/0123456789abcdef012345`;
    const calls = {
      ListServiceDeployments: new ListServiceDeploymentsCommand({ cluster: CLUSTER, service: 'bg-web' }),
      DescribeServiceDeployments: new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] }),
      StopServiceDeployment: new StopServiceDeploymentCommand({
        serviceDeploymentArn: arn,
        stopType: 'ROLLBACK',
      }),
      ContinueServiceDeployment: new ContinueServiceDeploymentCommand({
        serviceDeploymentArn: arn,
        hookId: 'ecs-pause-x',
        action: 'CONTINUE',
      }),
    };
    for (const [operation, command] of Object.entries(calls)) {
      const mark = moto.mark();
      // biome-ignore lint/suspicious/noExplicitAny: four command types, one client.
      const error = await aws.ecs.send(command as any).then(
        () => undefined,
        (e: unknown) => e as { $metadata?: { httpStatusCode?: number } },
      );
      expect(error?.$metadata?.httpStatusCode, operation).toBe(500);
      const snake = operation.replace(/[A-Z]/g, (c, i: number) => `${i ? '_' : ''}${c.toLowerCase()}`);
      expect(await traceback(mark), operation).toEqual({
        code: 'NotImplementedError',
        message: `The ${snake} action has not been implemented`,
        status: 500,
      });
    }
  });
});
