/**
 * One release world, seeded the same way into the lab and into moto_server, so
 * the calls the action makes against the lab find the same resources in moto.
 * The names match __tests__/support/config.ts `testConfig()` (cluster demo,
 * services demo-api and demo-web, repositories demo/backend and demo/frontend).
 *
 * Both worlds use moto's default account and eu-west-1, so ARNs agree; what
 * still differs (random ids: target group ARNs, task ARNs, image digests) is
 * learned from the paired outputs of the seeding calls (see replay.ts).
 */
import type { Lab } from '../sim/lab.js';
import type { AwsCall } from './sdk-call.js';

export const SEED_REGION = 'eu-west-1';
/** moto's default account; the lab is created with it too. */
export const SEED_ACCOUNT = '123456789012';

export const SEED = {
  cluster: 'demo',
  services: [
    { service: 'demo-api', container: 'api', port: 8080, targetGroup: 'demo-api-tg' },
    { service: 'demo-web', container: 'web', port: 3000, targetGroup: 'demo-web-tg' },
  ],
  /** demo/frontend is left for the release to create. */
  existingRepository: 'demo/backend',
  newRepository: 'demo/frontend',
  imageTag: 'c0ffee0',
  alarms: ['demo-5xx', 'demo-latency'],
  alarmPrefix: 'demo-',
  dbInstance: 'demo-db',
  secret: 'demo/db',
} as const;

/** Where services run. moto checks that these exist (EC2's default VPC); the lab takes any ids. */
export interface SeedNetwork {
  vpcId: string;
  subnets: string[];
  securityGroups: string[];
}

export const LAB_NETWORK: SeedNetwork = {
  vpcId: 'vpc-0lab00000000000001',
  subnets: ['subnet-0lab00000000000001'],
  securityGroups: ['sg-0lab00000000000001'],
};

export const logGroupOf = (container: string): string => `/ecs/demo-${container}`;

/** A single-platform image manifest: what the images stage reads back and retags with PutImage. */
export const SEED_MANIFEST = JSON.stringify({
  schemaVersion: 2,
  mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
  config: {
    mediaType: 'application/vnd.docker.container.image.v1+json',
    size: 1469,
    digest: `sha256:${'c'.repeat(64)}`,
  },
  layers: [
    {
      mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
      size: 977,
      digest: `sha256:${'a'.repeat(64)}`,
    },
  ],
});

export function taskDefinitionInput(container: string, image: string): Record<string, unknown> {
  return {
    family: `demo-${container}`,
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: '256',
    memory: '512',
    executionRoleArn: `arn:aws:iam::${SEED_ACCOUNT}:role/demo-execution`,
    containerDefinitions: [
      {
        name: container,
        image,
        essential: true,
        // Container-level memory too: moto's RunTask needs it (Fargate itself does not).
        memory: 512,
        portMappings: [{ containerPort: container === 'api' ? 8080 : 3000, protocol: 'tcp' }],
        environment: [{ name: 'APP_ENV', value: 'production' }],
        logConfiguration: {
          logDriver: 'awslogs',
          options: {
            'awslogs-group': logGroupOf(container),
            'awslogs-region': SEED_REGION,
            'awslogs-stream-prefix': 'ecs',
          },
        },
      },
    ],
    tags: [{ key: 'team', value: 'web' }],
  };
}

export interface SeedStep {
  call: AwsCall;
  output: Record<string, unknown>;
}

export type Send = (call: AwsCall) => Promise<Record<string, unknown>>;

/**
 * Seeds the release world through `send`, in an order both worlds accept;
 * returns every step with its output so the two worlds' ids can be paired.
 */
export async function seedWorld(send: Send, network: SeedNetwork): Promise<SeedStep[]> {
  const steps: SeedStep[] = [];
  const run = async (service: string, operation: string, input: Record<string, unknown>) => {
    const call = { service, operation, input };
    const output = await send(call);
    steps.push({ call, output });
    return output;
  };
  const repositoryUri = `${SEED_ACCOUNT}.dkr.ecr.${SEED_REGION}.amazonaws.com/${SEED.existingRepository}`;

  await run('ecs', 'CreateCluster', { clusterName: SEED.cluster });
  for (const s of SEED.services) {
    const tg = await run('elasticloadbalancing', 'CreateTargetGroup', {
      Name: s.targetGroup,
      Protocol: 'HTTP',
      Port: s.port,
      VpcId: network.vpcId,
      TargetType: 'ip',
      HealthCheckPath: '/healthz',
    });
    const targetGroupArn = (tg.TargetGroups as { TargetGroupArn?: string }[] | undefined)?.[0]
      ?.TargetGroupArn;
    await run('ecs', 'RegisterTaskDefinition', taskDefinitionInput(s.container, `${repositoryUri}:previous`));
    await run('ecs', 'CreateService', {
      cluster: SEED.cluster,
      serviceName: s.service,
      taskDefinition: `demo-${s.container}`,
      desiredCount: 2,
      launchType: 'FARGATE',
      networkConfiguration: {
        awsvpcConfiguration: {
          subnets: network.subnets,
          securityGroups: network.securityGroups,
          assignPublicIp: 'DISABLED',
        },
      },
      loadBalancers: [{ targetGroupArn, containerName: s.container, containerPort: s.port }],
      deploymentConfiguration: {
        deploymentCircuitBreaker: { enable: true, rollback: true },
        maximumPercent: 200,
        minimumHealthyPercent: 100,
      },
      tags: [{ key: 'team', value: 'web' }],
    });
    await run('logs', 'CreateLogGroup', { logGroupName: logGroupOf(s.container) });
  }
  await run('ecr', 'CreateRepository', { repositoryName: SEED.existingRepository });
  await run('ecr', 'PutImage', {
    repositoryName: SEED.existingRepository,
    imageManifest: SEED_MANIFEST,
    imageManifestMediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    imageTag: SEED.imageTag,
  });
  for (const name of SEED.alarms) {
    await run('monitoring', 'PutMetricAlarm', {
      AlarmName: name,
      MetricName: name === 'demo-5xx' ? 'HTTPCode_Target_5XX_Count' : 'TargetResponseTime',
      Namespace: 'AWS/ApplicationELB',
      Statistic: 'Sum',
      Period: 60,
      EvaluationPeriods: 3,
      Threshold: 5,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  }
  await run('rds', 'CreateDBInstance', {
    DBInstanceIdentifier: SEED.dbInstance,
    DBInstanceClass: 'db.t4g.micro',
    Engine: 'postgres',
    EngineVersion: '16.4',
    MasterUsername: 'app',
    MasterUserPassword: 'seed-only-password',
    AllocatedStorage: 20,
    DBName: 'app',
  });
  await run('secretsmanager', 'CreateSecret', {
    Name: SEED.secret,
    SecretString: JSON.stringify({
      username: 'app',
      password: 'seed-only-password',
      host: 'demo-db',
      port: 5432,
    }),
  });
  return steps;
}

/**
 * The lab's `send` for seeding: SDK calls to the lab, except what the lab has
 * no API for (CreateDBInstance, CreateSecret: seeded through its worlds), and
 * services start steady (their tasks running and healthy), as in production.
 */
export function labSeedSender(lab: Lab, sdk: Send): Send {
  return async (call) => {
    if (call.operation === 'CreateDBInstance') {
      const id = String(call.input.DBInstanceIdentifier);
      lab.rds.addInstance({
        id,
        engine: String(call.input.Engine),
        engineVersion: String(call.input.EngineVersion),
        dbName: String(call.input.DBName),
        masterUsername: String(call.input.MasterUsername),
        endpoint: { address: `${id}.lab.eu-west-1.rds.amazonaws.com`, port: 5432 },
      });
      return {
        DBInstance: {
          DBInstanceIdentifier: id,
          DBInstanceArn: `arn:aws:rds:${lab.region}:${lab.account}:db:${id}`,
        },
      };
    }
    if (call.operation === 'CreateSecret') {
      const arn = lab.secrets.put(String(call.input.Name), String(call.input.SecretString));
      return { ARN: arn, Name: call.input.Name };
    }
    const output = await sdk(call);
    if (call.operation === 'CreateService') {
      lab.ecs.makeSteady(lab.ecs.service(String(call.input.cluster), String(call.input.serviceName)));
    }
    return output;
  };
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
