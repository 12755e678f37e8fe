/**
 * What the action sends to AWS during a release, captured by the lab recorder.
 *
 * CAPTURE_SOURCE is the one switch point. Today it is 'sdk-sequence': a
 * STAND-IN that drives the SDK clients through the calls the stages make, in
 * the order and with the input shapes they make them, because the pipeline
 * (src/pipeline/deploy.ts) does not run a release yet. When `deployRelease`
 * runs one end to end, add a 'pipeline' branch in `driveRelease` that calls
 * `deployRelease(world.context(testConfig(...)), report)` on the same seeded
 * world, and switch CAPTURE_SOURCE to it; the replay suite needs no change.
 */
import { DescribeAlarmsCommand, type DescribeAlarmsCommandInput } from '@aws-sdk/client-cloudwatch';
import { GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  BatchGetImageCommand,
  CreateRepositoryCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  GetAuthorizationTokenCommand,
  PutImageCommand,
} from '@aws-sdk/client-ecr';
import {
  type ContainerDefinition,
  DescribeClustersCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ListTaskDefinitionsCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
  RunTaskCommand,
  StopTaskCommand,
  TagResourceCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import {
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import {
  CreateDBSnapshotCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
} from '@aws-sdk/client-rds';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { sendCall } from '../../lab/moto/sdk-call';
import {
  LAB_NETWORK,
  labSeedSender,
  SEED,
  SEED_ACCOUNT,
  type SeedStep,
  seedWorld,
} from '../../lab/moto/seed';
import type { RecordedCall } from '../../lab/sim/recorder';
import { TAGS } from '../../src/pipeline/contracts';
import { createWorld, type World } from '../support/world';

export const CAPTURE_SOURCE: 'sdk-sequence' = 'sdk-sequence';

const RELEASE = 'c0ffee0000000000000000000000000000000001';

export interface Capture {
  /** The release's calls, in order, as the lab recorder saw them (seeding excluded). */
  calls: RecordedCall[];
  /** The seeding calls and their lab outputs, to pair the lab's ids with another world's. */
  seed: SeedStep[];
  source: typeof CAPTURE_SOURCE;
}

/** Seeds a fresh lab (in memory: no registry or engine needed), runs a release against it, returns what it sent. */
export async function captureRelease(): Promise<Capture> {
  const world = createWorld({ real: false, account: SEED_ACCOUNT, maxAttempts: 1 });
  const seed = await seedWorld(
    labSeedSender(world.lab, (call) => sendCall(world.aws, call)),
    LAB_NETWORK,
  );
  world.lab.recorder.clear();
  await driveRelease(world);
  return { calls: world.lab.recorder.calls(), seed, source: CAPTURE_SOURCE };
}

export async function captureReleaseCalls(): Promise<RecordedCall[]> {
  return (await captureRelease()).calls;
}

/** The stand-in release: each block is one stage's AWS traffic. */
async function driveRelease(world: World): Promise<void> {
  const { ecs, ecr, cloudwatch, logs, elbv2, rds, secrets, sts } = world.aws;
  const cluster = SEED.cluster;
  const services = SEED.services.map((s) => s.service);
  const releaseTags = [
    { key: TAGS.release, value: RELEASE },
    { key: TAGS.commit, value: RELEASE },
    { key: TAGS.environment, value: 'production' },
  ];

  // preflight: identity, cluster, services, their running task definitions, repositories, alarms
  await sts.send(new GetCallerIdentityCommand({}));
  await ecs.send(new DescribeClustersCommand({ clusters: [cluster] }));
  const described = await ecs.send(new DescribeServicesCommand({ cluster, services, include: ['TAGS'] }));
  const running = new Map<string, string>();
  for (const svc of described.services ?? []) {
    const td = svc.deployments?.find((d) => d.status === 'PRIMARY')?.taskDefinition ?? svc.taskDefinition;
    if (svc.serviceName && td) running.set(svc.serviceName, td);
  }
  const taskDefinitions = [];
  for (const arn of running.values()) {
    taskDefinitions.push(
      await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn, include: ['TAGS'] })),
    );
  }
  const repositories = [SEED.existingRepository, SEED.newRepository];
  for (const repositoryName of repositories) {
    await ecr
      .send(new DescribeRepositoriesCommand({ repositoryNames: [repositoryName] }))
      .catch((e: unknown) => expectError(e, 'RepositoryNotFoundException'));
  }
  const alarmTypes: DescribeAlarmsCommandInput['AlarmTypes'] = ['MetricAlarm', 'CompositeAlarm'];
  await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [...SEED.alarms], AlarmTypes: alarmTypes }));
  await cloudwatch.send(
    new DescribeAlarmsCommand({ AlarmNamePrefix: SEED.alarmPrefix, AlarmTypes: alarmTypes, MaxRecords: 100 }),
  );
  await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: SEED.dbInstance }));

  // images: create the missing repository, log in, find the built image, retag it by digest
  await ecr.send(
    new CreateRepositoryCommand({
      repositoryName: SEED.newRepository,
      imageTagMutability: 'MUTABLE',
      imageScanningConfiguration: { scanOnPush: true },
      tags: [{ Key: TAGS.environment, Value: 'production' }],
    }),
  );
  await ecr.send(new GetAuthorizationTokenCommand({}));
  const images = await ecr.send(
    new DescribeImagesCommand({
      repositoryName: SEED.existingRepository,
      imageIds: [{ imageTag: SEED.imageTag }],
    }),
  );
  const digest = images.imageDetails?.[0]?.imageDigest;
  const got = await ecr.send(
    new BatchGetImageCommand({
      repositoryName: SEED.existingRepository,
      imageIds: [{ imageDigest: digest }],
      acceptedMediaTypes: [
        'application/vnd.docker.distribution.manifest.v2+json',
        'application/vnd.oci.image.manifest.v1+json',
      ],
    }),
  );
  const manifest = got.images?.[0];
  await ecr.send(
    new PutImageCommand({
      repositoryName: SEED.existingRepository,
      imageManifest: manifest?.imageManifest,
      imageManifestMediaType: manifest?.imageManifestMediaType,
      imageTag: `release-${RELEASE.slice(0, 12)}`,
    }),
  );

  // render: the latest revisions of the family, then a new revision per service, tagged
  const uri = `${SEED_ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/${SEED.existingRepository}@${digest}`;
  const registered: string[] = [];
  for (const d of taskDefinitions) {
    const td = d.taskDefinition;
    if (!td?.family) continue;
    await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: td.family, sort: 'DESC', maxResults: 10 }));
    const input: RegisterTaskDefinitionCommandInput = {
      family: td.family,
      networkMode: td.networkMode,
      requiresCompatibilities: td.requiresCompatibilities,
      cpu: td.cpu,
      memory: td.memory,
      executionRoleArn: td.executionRoleArn,
      containerDefinitions: (td.containerDefinitions ?? []).map(
        (c): ContainerDefinition => ({ ...c, image: uri }),
      ),
      tags: [...releaseTags, ...(d.tags ?? []).filter((t) => !t.key?.startsWith('ecs-release:'))],
    };
    const out = await ecs.send(new RegisterTaskDefinitionCommand(input));
    if (out.taskDefinition?.taskDefinitionArn) registered.push(out.taskDefinition.taskDefinitionArn);
  }

  // migrate: one task from the backend revision, its command overridden, on the service's network
  const api = described.services?.find((s) => s.serviceName === 'demo-api');
  const migrationTd = registered[0] ?? '';
  const run = await ecs.send(
    new RunTaskCommand({
      cluster,
      taskDefinition: migrationTd,
      launchType: 'FARGATE',
      count: 1,
      startedBy: `ecs-release/${RELEASE.slice(0, 12)}`,
      networkConfiguration: api?.networkConfiguration,
      overrides: { containerOverrides: [{ name: 'api', command: ['sh', '/app/migrate'] }] },
      tags: [{ key: TAGS.release, value: RELEASE }],
    }),
  );
  const taskArn = run.tasks?.[0]?.taskArn ?? '';
  // the migrate stage polls on the clock until the task stops, then reads its log stream
  for (let i = 0; i < 60; i++) {
    const seen = await ecs.send(new DescribeTasksCommand({ cluster, tasks: [taskArn] }));
    if (seen.tasks?.[0]?.lastStatus === 'STOPPED') break;
    await world.clock.sleep(6000);
  }
  await logs.send(
    new GetLogEventsCommand({
      logGroupName: '/ecs/demo-api',
      logStreamName: `ecs/api/${taskArn.split('/').pop()}`,
      startFromHead: true,
    }),
  );
  // a migration that outlives its timeout is stopped
  await ecs.send(new StopTaskCommand({ cluster, task: taskArn, reason: 'ecs-release: migration timed out' }));

  // record: a snapshot before the rollout (the rollback's safety net for the database)
  const snapshot = `ecs-release-${RELEASE.slice(0, 12)}`;
  await rds.send(
    new CreateDBSnapshotCommand({
      DBInstanceIdentifier: SEED.dbInstance,
      DBSnapshotIdentifier: snapshot,
      Tags: [{ Key: TAGS.release, Value: RELEASE }],
    }),
  );
  await rds.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: snapshot }));
  await secrets.send(new GetSecretValueCommand({ SecretId: SEED.secret }));

  // rollout: move each service, then watch it (tasks, target health)
  for (const [i, service] of services.entries()) {
    const taskDefinition = registered[i];
    if (!taskDefinition) continue;
    await ecs.send(new UpdateServiceCommand({ cluster, service, taskDefinition }));
  }
  await ecs.send(new DescribeServicesCommand({ cluster, services }));
  const listed = await ecs.send(
    new ListTasksCommand({ cluster, serviceName: 'demo-api', desiredStatus: 'RUNNING' }),
  );
  if ((listed.taskArns ?? []).length > 0) {
    await ecs.send(new DescribeTasksCommand({ cluster, tasks: listed.taskArns }));
  }
  const groups = (api?.loadBalancers ?? []).flatMap((lb) => (lb.targetGroupArn ? [lb.targetGroupArn] : []));
  await elbv2.send(new DescribeTargetGroupsCommand({ TargetGroupArns: groups }));
  for (const TargetGroupArn of groups) await elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn }));

  // gate passed: mark the release's revisions
  for (const resourceArn of registered) {
    await ecs.send(
      new TagResourceCommand({ resourceArn, tags: [{ key: TAGS.outcome, value: 'succeeded' }] }),
    );
  }
}

function expectError(e: unknown, code: string): void {
  if (!(e instanceof Error) || e.name !== code) throw e;
}
