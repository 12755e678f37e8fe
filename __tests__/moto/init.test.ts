/**
 * `ecs-release init` against moto_server (5.2.1): a world made with moto's own APIs (a
 * cluster with a backend and a frontend behind an HTTPS ALB with host rules, their ECR
 * repositories, an alarm on the load balancer, one on a service, Application Auto
 * Scaling's target tracking alarm and an unrelated one), init's reads against it, then
 * `plan` with the written config against the same moto: it passes.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { ImportCertificateCommand } from '@aws-sdk/client-acm';
import { PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { CreateLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateRepositoryCommand } from '@aws-sdk/client-ecr';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { CreateRoleCommand } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { motoNetwork, SEED_ACCOUNT, SEED_REGION, type SeedNetwork } from '../../lab/moto/seed';
import { appCheckout } from '../../lab/runner';
import type { AwsClients } from '../../src/aws/clients';
import { run } from '../../src/commands/run';
import { loadConfig } from '../../src/config/load';
import { readConfigText } from '../../src/config/workspace-path';
import { ReadBudget } from '../../src/observe/read-budget';
import { initProject } from '../../src/pipeline/init';
import { systemClock } from '../../src/runtime/clock';
import { MemoryLogger } from '../../src/runtime/log';
import { useMoto } from '../support/moto';
import { selfSigned } from '../support/self-signed';

const CLUSTER = 'initmoto';
const ZONE = 'initmoto.example';
const TRUST = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' },
  ],
};

async function seedService(
  aws: AwsClients,
  net: SeedNetwork,
  s: { name: string; repo: string; container: string; port: number },
) {
  const uri = (await aws.ecr.send(new CreateRepositoryCommand({ repositoryName: s.repo }))).repository
    ?.repositoryUri;
  await aws.logs.send(new CreateLogGroupCommand({ logGroupName: `/ecs/${s.name}` }));
  const tg = (
    await aws.elbv2.send(
      new CreateTargetGroupCommand({
        Name: `${s.name}-tg`,
        Protocol: 'HTTP',
        Port: s.port,
        VpcId: net.vpcId,
        TargetType: 'ip',
      }),
    )
  ).TargetGroups?.[0]?.TargetGroupArn as string;
  const td = await aws.ecs.send(
    new RegisterTaskDefinitionCommand({
      family: s.name,
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      executionRoleArn: `arn:aws:iam::${SEED_ACCOUNT}:role/${CLUSTER}-exec`,
      containerDefinitions: [
        {
          name: s.container,
          image: `${uri}:bootstrap`,
          essential: true,
          portMappings: [{ containerPort: s.port, protocol: 'tcp' }],
          logConfiguration: {
            logDriver: 'awslogs',
            options: {
              'awslogs-group': `/ecs/${s.name}`,
              'awslogs-region': SEED_REGION,
              'awslogs-stream-prefix': 'ecs',
            },
          },
        },
      ],
    }),
  );
  await aws.ecs.send(
    new CreateServiceCommand({
      cluster: CLUSTER,
      serviceName: s.name,
      taskDefinition: td.taskDefinition?.taskDefinitionArn,
      // moto settles a deployment (rolloutState COMPLETED) only when its running count, which it
      // takes from MOTO_ECS_SERVICE_RUNNING (0 here), reaches the desired count.
      desiredCount: 0,
      launchType: 'FARGATE',
      networkConfiguration: {
        awsvpcConfiguration: { subnets: net.subnets, securityGroups: net.securityGroups },
      },
      loadBalancers: [{ targetGroupArn: tg, containerName: s.container, containerPort: s.port }],
    }),
  );
  return tg;
}

async function alarm(aws: AwsClients, name: string, dimensions: { Name: string; Value: string }[]) {
  await aws.cloudwatch.send(
    new PutMetricAlarmCommand({
      AlarmName: name,
      MetricName: 'HTTPCode_Target_5XX_Count',
      Namespace: 'AWS/ApplicationELB',
      Statistic: 'Sum',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanThreshold',
      Dimensions: dimensions,
    }),
  );
}

async function seedWorld(aws: AwsClients, net: SeedNetwork): Promise<void> {
  await aws.ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
  await aws.iam.send(
    new CreateRoleCommand({ RoleName: `${CLUSTER}-exec`, AssumeRolePolicyDocument: JSON.stringify(TRUST) }),
  );
  const api = await seedService(aws, net, {
    name: `${CLUSTER}-api`,
    repo: `${CLUSTER}/backend`,
    container: 'api',
    port: 8000,
  });
  const web = await seedService(aws, net, {
    name: `${CLUSTER}-web`,
    repo: `${CLUSTER}/frontend`,
    container: 'web',
    port: 8080,
  });
  const { cert, key } = selfSigned([`*.${ZONE}`]);
  const certArn = (
    await aws.acm.send(
      new ImportCertificateCommand({ Certificate: Buffer.from(cert), PrivateKey: Buffer.from(key) }),
    )
  ).CertificateArn;
  const lb = (
    await aws.elbv2.send(
      new CreateLoadBalancerCommand({ Name: `${CLUSTER}-alb`, Subnets: net.subnets, Type: 'application' }),
    )
  ).LoadBalancers?.[0];
  const listener = (
    await aws.elbv2.send(
      new CreateListenerCommand({
        LoadBalancerArn: lb?.LoadBalancerArn,
        Protocol: 'HTTPS',
        Port: 443,
        Certificates: [{ CertificateArn: certArn }],
        DefaultActions: [{ Type: 'forward', TargetGroupArn: web }],
      }),
    )
  ).Listeners?.[0];
  for (const [priority, host, tg] of [
    [5, `api.${ZONE}`, api],
    [6, `www.${ZONE}`, web],
  ] as const) {
    await aws.elbv2.send(
      new CreateRuleCommand({
        ListenerArn: listener?.ListenerArn,
        Priority: priority,
        Conditions: [{ Field: 'host-header', HostHeaderConfig: { Values: [host] } }],
        Actions: [{ Type: 'forward', TargetGroupArn: tg }],
      }),
    );
  }
  const lbDimension = lb?.LoadBalancerArn?.split(':loadbalancer/')[1] ?? '';
  await alarm(aws, `${CLUSTER}-alb-5xx`, [{ Name: 'LoadBalancer', Value: lbDimension }]);
  const service = [
    { Name: 'ClusterName', Value: CLUSTER },
    { Name: 'ServiceName', Value: `${CLUSTER}-api` },
  ];
  await alarm(aws, `${CLUSTER}-api-errors`, service);
  await alarm(aws, `TargetTracking-service/${CLUSTER}/${CLUSTER}-api-AlarmHigh-7d1c`, service);
  await alarm(aws, 'unrelated-alarm', [{ Name: 'LoadBalancer', Value: 'app/elsewhere/0123' }]);
}

describe('ecs-release init against moto 5.2.1', () => {
  const lab = useMoto();

  it('writes a config that skips the TargetTracking- alarm, and plan with it passes', async () => {
    const { moto, aws } = lab;
    await seedWorld(aws, await motoNetwork(moto.url));
    const app = appCheckout();
    rmSync(join(app.dir, '.github'), { recursive: true, force: true });
    const sha = app.commit('init');
    const log = new MemoryLogger();
    const signal = new AbortController().signal;
    const ctx = { aws, log, signal, budget: new ReadBudget(systemClock, 10, 20, 20) };
    const code = await initProject(ctx, {
      region: SEED_REGION,
      cluster: CLUSTER,
      force: false,
      workdir: app.dir,
    });
    expect(log.text()).not.toContain('error:');
    expect(code).toBe(0);
    expect(log.text()).toContain(
      `skipped alarm TargetTracking-service/${CLUSTER}/${CLUSTER}-api-AlarmHigh-7d1c`,
    );
    const text = readConfigText(app.dir, '.github/ecs-release.yml') ?? '';
    expect(parse(text)).toMatchObject({
      cluster: CLUSTER,
      images: { backend: { repository: `${CLUSTER}/backend`, context: 'backend' } },
      services: [
        { service: `${CLUSTER}-api`, containers: { api: 'backend' }, wave: 1 },
        { service: `${CLUSTER}-web`, containers: { web: 'frontend' }, wave: 2 },
      ],
      hosts: [`api.${ZONE}`, `www.${ZONE}`],
      gate: { alarms: [`${CLUSTER}-alb-5xx`, `${CLUSTER}-api-errors`] },
    });

    const config = loadConfig({
      inputs: { command: 'plan', config: '.github/ecs-release.yml' },
      env: {},
      readFile: (path) => readConfigText(app.dir, path),
      gitHead: () => sha,
    });
    const planLog = new MemoryLogger();
    const outputs: Record<string, string> = {};
    const outcome = await run(
      {
        log: planLog,
        clock: systemClock,
        signal,
        mask: () => {},
        setOutput: (name, value) => {
          outputs[name] = value;
        },
        saveState: () => {},
        writeSummary: async () => {},
        aws: async () => aws,
        docker: async () => {
          throw new Error('plan builds nothing');
        },
        workdir: app.dir,
      },
      config,
    );
    expect(outcome.error).toBeUndefined();
    expect(planLog.text()).not.toContain('error:');
    expect(outcome.exitCode).toBe(0);
    expect(outputs.result).toBe('planned');
  }, 120_000);
});
