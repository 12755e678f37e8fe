/**
 * Seeds the lab with what preflight and render would have handed the migrate
 * stage: a cluster, a service on revision 1 with a network configuration, and
 * revision 2 with the release's image; then reads them back through the SDK
 * (as preflight would) into a PreflightResult and a RenderResult.
 */
import { DescribeServicesCommand, DescribeTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { awslogs, fargateTaskDefinition } from '../../lab/scenarios/task-definition';
import type { MigrationConfig, ReleaseConfig } from '../../src/config/types';
import type { LiveService, PreflightResult, RenderResult } from '../../src/model/contracts';
import { testConfig } from '../support/config';
import type { World } from '../support/world';

type Seedable = Pick<World, 'lab' | 'aws'>;

export interface SeedOptions {
  oldImage?: string;
  newImage?: string;
  /** The container's environment in both revisions (e.g. DATABASE_URL for a real migration). */
  environment?: { name: string; value: string }[];
  logConfiguration?: Record<string, unknown> | null;
  launchType?: string;
  capacityProviderStrategy?: { capacityProvider: string; weight?: number; base?: number }[];
  platformVersion?: string;
}

export const CLUSTER = 'demo';
export const SERVICE = 'demo-api';
export const FAMILY = 'demo-api';
export const CONTAINER = 'api';
export const NETWORK = {
  awsvpcConfiguration: {
    subnets: ['subnet-0a1b', 'subnet-0c2d'],
    securityGroups: ['sg-0123'],
    assignPublicIp: 'DISABLED',
  },
};

/** A release on the demo cluster whose migration (`sh /app/migrate`, a task, 15 minutes at most) runs in demo-api's `api` container. */
export function migrationConfig(
  migration: Partial<MigrationConfig> = {},
  rest: Partial<ReleaseConfig> = {},
): ReleaseConfig {
  return testConfig({
    cluster: CLUSTER,
    migration: {
      service: SERVICE,
      container: CONTAINER,
      command: ['sh', '/app/migrate'],
      mode: 'task',
      timeoutMs: 15 * 60_000,
      always: false,
      ...migration,
    },
    ...rest,
  });
}

function definition(image: string, options: SeedOptions) {
  const logConfiguration =
    options.logConfiguration === undefined ? awslogs(FAMILY, 'eu-west-1') : options.logConfiguration;
  return fargateTaskDefinition(FAMILY, {
    name: CONTAINER,
    image,
    portMappings: [{ containerPort: 8000, protocol: 'tcp' }],
    environment: options.environment ?? [],
    ...(logConfiguration !== null && { logConfiguration }),
  });
}

export async function seedMigrationService(
  world: Seedable,
  options: SeedOptions = {},
): Promise<{ preflight: PreflightResult; render: RenderResult; live: LiveService }> {
  const oldImage = options.oldImage ?? '111122223333.dkr.ecr.eu-west-1.amazonaws.com/demo/backend@sha256:old';
  const newImage = options.newImage ?? '111122223333.dkr.ecr.eu-west-1.amazonaws.com/demo/backend@sha256:new';
  const ecs = world.lab.ecs;
  ecs.createCluster(CLUSTER);
  const previous = ecs.registerTaskDefinition(definition(oldImage, options));
  ecs.createService({
    cluster: CLUSTER,
    serviceName: SERVICE,
    taskDefinition: `${FAMILY}:${previous.revision}`,
    desiredCount: 1,
    ...(options.capacityProviderStrategy
      ? { capacityProviderStrategy: options.capacityProviderStrategy }
      : { launchType: options.launchType ?? 'FARGATE' }),
    platformVersion: options.platformVersion ?? '1.4.0',
    networkConfiguration: NETWORK,
  });
  const target = newImage === oldImage ? previous : ecs.registerTaskDefinition(definition(newImage, options));

  const services = await world.aws.ecs.send(
    new DescribeServicesCommand({ cluster: CLUSTER, services: [SERVICE] }),
  );
  const service = services.services?.[0];
  if (!service?.serviceArn || !service.taskDefinition) throw new Error('seeded service missing');
  const current = await world.aws.ecs.send(
    new DescribeTaskDefinitionCommand({ taskDefinition: service.taskDefinition, include: ['TAGS'] }),
  );
  if (!current.taskDefinition) throw new Error('seeded task definition missing');
  const live: LiveService = {
    config: { service: SERVICE, containers: [{ container: CONTAINER, image: 'backend' }], wave: 1 },
    arn: service.serviceArn,
    service,
    taskDefinition: current.taskDefinition,
    taskDefinitionTags: current.tags ?? [],
    containers: [{ container: CONTAINER, image: 'backend' }],
  };
  world.lab.recorder.clear();
  return {
    live,
    preflight: { accountId: world.lab.account, services: [live], repositories: {}, alarms: [], warnings: [] },
    render: {
      services: [
        { live, previousArn: previous.arn, targetArn: target.arn, changed: target.arn !== previous.arn },
      ],
    },
  };
}
