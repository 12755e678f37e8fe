/**
 * moto gets the world the pipeline saw in the lab: after a lab scenario is
 * seeded (lab/scenarios/demo.ts `seedDemo`), `mirrorLabWorld` reads it back
 * through the lab's own API and turns it into the create calls that make the
 * same cluster, services, task definitions, target groups, log groups, alarms,
 * RDS instance and secret in moto. Each step keeps the lab's answer in the
 * shape moto's create call answers, so the two worlds' random ids (target
 * group ARNs, the secret's ARN suffix) can be paired (replay.ts `IdMap`).
 *
 * Both worlds use moto's default account and eu-west-1, so names and most ARNs
 * agree as they are (`task-definition/demo-api:1`).
 */
import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import {
  DescribeClustersCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  type Service,
} from '@aws-sdk/client-ecs';
import { DescribeTargetGroupsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import type { AwsClients } from '../../src/aws/clients.js';
import { registrableFields } from '../../src/render/task-definition.js';
import type { AwsCall } from './sdk-call.js';

export const SEED_REGION = 'eu-west-1';
/** moto's default account; the lab is created with it too. */
export const SEED_ACCOUNT = '123456789012';

/** Where services run. moto checks that these exist (EC2's default VPC); the lab takes any ids. */
export interface SeedNetwork {
  vpcId: string;
  subnets: string[];
  securityGroups: string[];
}

export interface SeedStep {
  call: AwsCall;
  /** The lab's answer, in the shape of moto's answer to `call`. */
  output: Record<string, unknown>;
}

export type Send = (call: AwsCall) => Promise<Record<string, unknown>>;

/** What to mirror: the names a release config points at. */
export interface MirrorScope {
  cluster: string;
  services: string[];
  alarms: string[];
  dbInstance?: string;
  secret?: string;
}

export interface MirroredWorld {
  steps: SeedStep[];
  /** The lab's network ids, to be paired with moto's default VPC. */
  network: SeedNetwork;
}

/** moto refuses a secret, a DB instance without a password; these stand in for the lab's (never copied). */
const PLACEHOLDER_PASSWORD = 'moto-seed-only';

function pick<T extends object>(value: T, keys: (keyof T)[]): Partial<T> {
  const out: Partial<T> = {};
  for (const k of keys) if (value[k] !== undefined && value[k] !== null) out[k] = value[k];
  return out;
}

/**
 * Reads the lab world in `scope` through `aws` (SDK clients answered by the
 * lab: read-only calls, made before the recorder is cleared) and returns the
 * calls that create it in moto, in an order moto accepts.
 */
/** A role that ECS tasks may assume, as the lab's roles are. */
const ECS_TASKS_TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' },
  ],
});

export async function mirrorLabWorld(aws: AwsClients, scope: MirrorScope): Promise<MirroredWorld> {
  const steps: SeedStep[] = [];
  const step = (service: string, operation: string, input: object, output: object = {}) => {
    steps.push({
      call: { service, operation, input: input as Record<string, unknown> },
      output: output as Record<string, unknown>,
    });
  };
  const network: SeedNetwork = { vpcId: '', subnets: [], securityGroups: [] };

  const clusters = await aws.ecs.send(new DescribeClustersCommand({ clusters: [scope.cluster] }));
  step(
    'ecs',
    'CreateCluster',
    { clusterName: scope.cluster },
    { cluster: { clusterArn: clusters.clusters?.[0]?.clusterArn } },
  );

  const described = await aws.ecs.send(
    new DescribeServicesCommand({ cluster: scope.cluster, services: scope.services, include: ['TAGS'] }),
  );
  const services: Service[] = described.services ?? [];
  if (services.length !== scope.services.length) {
    throw new Error(
      `mirroring the lab world: cluster ${scope.cluster} has ${services.map((s) => s.serviceName).join(', ') || 'none'} of the services ${scope.services.join(', ')}; seed the lab scenario first`,
    );
  }

  const groupArns = [
    ...new Set(services.flatMap((s) => (s.loadBalancers ?? []).flatMap((lb) => lb.targetGroupArn ?? []))),
  ];
  if (groupArns.length > 0) {
    const groups = await aws.elbv2.send(new DescribeTargetGroupsCommand({ TargetGroupArns: groupArns }));
    for (const g of groups.TargetGroups ?? []) {
      network.vpcId ||= g.VpcId ?? '';
      step(
        'elasticloadbalancing',
        'CreateTargetGroup',
        {
          Name: g.TargetGroupName,
          ...pick(g, ['Protocol', 'Port', 'VpcId', 'TargetType', 'HealthCheckPath']),
        },
        { TargetGroups: [{ TargetGroupArn: g.TargetGroupArn }] },
      );
    }
  }

  const logGroups = new Set<string>();
  const roles = new Set<string>();
  const registered = new Set<string>();
  for (const s of services) {
    const arn = s.taskDefinition ?? '';
    if (registered.has(arn)) continue;
    registered.add(arn);
    const out = await aws.ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: arn, include: ['TAGS'] }),
    );
    const td = out.taskDefinition;
    if (!td) throw new Error(`mirroring the lab world: task definition ${arn} of ${s.serviceName} not found`);
    if (td.revision !== 1) {
      // moto numbers revisions from 1; the ARNs agree only if the lab's do too.
      throw new Error(
        `mirroring the lab world: ${s.serviceName} runs ${td.family}:${td.revision}; mirror a freshly seeded world (revision 1)`,
      );
    }
    for (const c of td.containerDefinitions ?? []) {
      const group = c.logConfiguration?.options?.['awslogs-group'];
      if (group) logGroups.add(group);
    }
    for (const role of [td.executionRoleArn, td.taskRoleArn])
      if (role) roles.add(role.split('/').pop() ?? role);
    step(
      'ecs',
      'RegisterTaskDefinition',
      { ...registrableFields(td), ...(out.tags?.length ? { tags: out.tags } : {}) },
      { taskDefinition: { taskDefinitionArn: td.taskDefinitionArn } },
    );
  }

  for (const s of services) {
    const vpc = s.networkConfiguration?.awsvpcConfiguration;
    for (const subnet of vpc?.subnets ?? [])
      if (!network.subnets.includes(subnet)) network.subnets.push(subnet);
    for (const sg of vpc?.securityGroups ?? [])
      if (!network.securityGroups.includes(sg)) network.securityGroups.push(sg);
    const deployment = s.deploymentConfiguration;
    step(
      'ecs',
      'CreateService',
      {
        cluster: scope.cluster,
        ...pick(s, [
          'serviceName',
          'taskDefinition',
          'desiredCount',
          'launchType',
          'platformVersion',
          'networkConfiguration',
          'loadBalancers',
          'healthCheckGracePeriodSeconds',
        ]),
        ...(deployment
          ? {
              deploymentConfiguration: pick(deployment, [
                'deploymentCircuitBreaker',
                'maximumPercent',
                'minimumHealthyPercent',
              ]),
            }
          : {}),
        ...(s.tags?.length ? { tags: s.tags } : {}),
      },
      { service: { serviceArn: s.serviceArn } },
    );
  }

  // The lab's ECS writes a task's awslogs stream into these; moto needs them to exist.
  for (const logGroupName of logGroups) step('logs', 'CreateLogGroup', { logGroupName });
  // The ground checks read the task definitions' roles (GetRole): the lab's trust ECS tasks.
  for (const RoleName of roles)
    step('iam', 'CreateRole', { RoleName, AssumeRolePolicyDocument: ECS_TASKS_TRUST });

  if (scope.alarms.length > 0) {
    const alarms = await aws.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: scope.alarms }));
    for (const a of alarms.MetricAlarms ?? []) {
      step('monitoring', 'PutMetricAlarm', {
        AlarmName: a.AlarmName,
        MetricName: a.MetricName ?? 'HTTPCode_Target_5XX_Count',
        Namespace: a.Namespace ?? 'AWS/ApplicationELB',
        Statistic: a.Statistic ?? 'Sum',
        Period: a.Period ?? 60,
        EvaluationPeriods: a.EvaluationPeriods ?? 1,
        Threshold: a.Threshold ?? 10,
        ComparisonOperator: a.ComparisonOperator ?? 'GreaterThanThreshold',
      });
    }
  }

  if (scope.dbInstance) {
    const out = await aws.rds.send(
      new DescribeDBInstancesCommand({ DBInstanceIdentifier: scope.dbInstance }),
    );
    const db = out.DBInstances?.[0];
    if (!db) throw new Error(`mirroring the lab world: RDS instance ${scope.dbInstance} not found`);
    step(
      'rds',
      'CreateDBInstance',
      {
        DBInstanceIdentifier: db.DBInstanceIdentifier,
        DBInstanceClass: db.DBInstanceClass ?? 'db.t4g.micro',
        Engine: db.Engine ?? 'postgres',
        ...(db.EngineVersion ? { EngineVersion: db.EngineVersion } : {}),
        MasterUsername: db.MasterUsername ?? 'app',
        MasterUserPassword: PLACEHOLDER_PASSWORD,
        AllocatedStorage: db.AllocatedStorage ?? 20,
        ...(db.DBName ? { DBName: db.DBName } : {}),
      },
      { DBInstance: pick(db, ['DBInstanceArn', 'DbiResourceId']) },
    );
  }

  if (scope.secret) {
    // Only the ARN is kept: the lab's credentials never reach moto or the report.
    const out = await aws.secrets.send(new GetSecretValueCommand({ SecretId: scope.secret }));
    step(
      'secretsmanager',
      'CreateSecret',
      {
        Name: out.Name ?? scope.secret,
        SecretString: JSON.stringify({
          username: 'app',
          password: PLACEHOLDER_PASSWORD,
          host: 'demo-db',
          port: 5432,
          dbname: 'app',
        }),
      },
      { ARN: out.ARN, Name: out.Name },
    );
  }
  return { steps, network };
}

async function ec2Query(url: string, region: string, query: string): Promise<string> {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      // moto routes by the credential scope's service name; it does not check the signature.
      authorization: `AWS4-HMAC-SHA256 Credential=moto/20260101/${region}/ec2/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: `Version=2016-11-15&${query}`,
  });
  const text = await res.text();
  if (!res.ok)
    throw new Error(`moto at ${url}: EC2 ${query} answered HTTP ${res.status}: ${text.slice(0, 300)}`);
  return text;
}

const xmlValues = (xml: string, tag: string): string[] =>
  [...xml.matchAll(new RegExp(`<${tag}>([^<]+)</${tag}>`, 'g'))].map((m) => m[1] ?? '');

/** moto's default VPC, one of its default subnets and its default security group (EC2 has no client here). */
export async function motoNetwork(url: string, region = SEED_REGION): Promise<SeedNetwork> {
  const vpcs = xmlValues(
    await ec2Query(url, region, 'Action=DescribeVpcs&Filter.1.Name=is-default&Filter.1.Value.1=true'),
    'vpcId',
  );
  const vpcId = vpcs[0];
  if (vpcId === undefined) throw new Error(`moto at ${url} has no default VPC in ${region}`);
  const subnets = xmlValues(
    await ec2Query(url, region, `Action=DescribeSubnets&Filter.1.Name=vpc-id&Filter.1.Value.1=${vpcId}`),
    'subnetId',
  );
  const groups = xmlValues(
    await ec2Query(
      url,
      region,
      `Action=DescribeSecurityGroups&Filter.1.Name=vpc-id&Filter.1.Value.1=${vpcId}&Filter.2.Name=group-name&Filter.2.Value.1=default`,
    ),
    'groupId',
  );
  if (subnets.length === 0 || groups.length === 0) {
    throw new Error(`moto at ${url}: the default VPC ${vpcId} has no subnet or no default security group`);
  }
  return { vpcId, subnets: subnets.slice(0, 1), securityGroups: groups.slice(0, 1) };
}
