/**
 * A demo-shaped world for preflight/render/rollout scenarios: cluster `demo`,
 * services demo-api (backend, ALB), demo-worker (backend, no LB) in wave 1 and
 * demo-web (frontend, ALB) in wave 2, each at steady state on revision 1.
 */

import { awslogs, fargateTaskDefinition } from '../../../lab/scenarios/task-definition';
import type { ReleaseConfig } from '../../../src/config/types';
import type { ImagesResult } from '../../../src/model/contracts';
import { testConfig } from '../../support/config';
import { createWorld, type World } from '../../support/world';

export const CLUSTER = 'demo';
export const OLD = { backend: 'sha256:'.padEnd(71, 'a'), frontend: 'sha256:'.padEnd(71, 'b') };
export const NEW = { backend: 'sha256:'.padEnd(71, 'c'), frontend: 'sha256:'.padEnd(71, 'd') };

export interface Scenario extends World {
  uri: { backend: string; frontend: string };
  config: ReleaseConfig;
  images(digests?: { backend: string; frontend: string }): ImagesResult;
  service(name: string): ReturnType<World['lab']['ecs']['service']>;
}

export function taskDefinition(family: string, image: string, extra: Record<string, unknown> = {}) {
  return fargateTaskDefinition(
    family,
    {
      name: family.replace(/^demo-/, ''),
      image,
      portMappings: [{ containerPort: 8080, protocol: 'tcp' }],
      environment: [{ name: 'MODE', value: 'production' }],
      logConfiguration: awslogs(family, 'eu-west-1'),
    },
    {
      executionRoleArn: 'arn:aws:iam::111122223333:role/ecsTaskExecutionRole',
      runtimePlatform: { cpuArchitecture: 'X86_64', operatingSystemFamily: 'LINUX' },
      tags: [
        { key: 'team', value: 'payments' },
        { key: 'cost-center', value: 'cc-42' },
      ],
      ...extra,
    },
  );
}

export function scenario(
  options: {
    breaker?: Record<string, unknown>;
    config?: Partial<ReleaseConfig>;
    desired?: number;
    /** More of every service's deploymentConfiguration, e.g. minimumHealthyPercent. */
    deployment?: Record<string, unknown>;
  } = {},
): Scenario {
  const world = createWorld({ real: false });
  const { lab } = world;
  const ecs = lab.ecs;
  lab.ecr.createRepository('demo/backend');
  lab.ecr.createRepository('demo/frontend');
  const host = `${lab.account}.dkr.ecr.${lab.region}.amazonaws.com`;
  const uri = { backend: `${host}/demo/backend`, frontend: `${host}/demo/frontend` };
  ecs.createCluster(CLUSTER);
  // What the tasks need to start, as a team would have it (the ground checks look: docs/ground.md).
  lab.iam.putRole('ecsTaskExecutionRole');
  for (const family of ['demo-api', 'demo-worker', 'demo-web']) lab.logs.createGroup(`/ecs/${family}`);
  const breaker = options.breaker ?? { enable: true, rollback: true };
  const specs = [
    { name: 'demo-api', image: `${uri.backend}@${OLD.backend}`, lb: true },
    { name: 'demo-worker', image: `${uri.backend}@${OLD.backend}`, lb: false },
    { name: 'demo-web', image: `${uri.frontend}@${OLD.frontend}`, lb: true },
  ];
  for (const s of specs) {
    ecs.registerTaskDefinition(taskDefinition(s.name, s.image));
    const tg = s.lb ? lab.elbv2.createTargetGroup({ name: `${s.name}-tg`, port: 8080 }) : undefined;
    ecs.createService({
      cluster: CLUSTER,
      serviceName: s.name,
      taskDefinition: `${s.name}:1`,
      desiredCount: options.desired ?? 2,
      launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'], assignPublicIp: 'DISABLED' } },
      ...(tg && {
        loadBalancers: [
          { targetGroupArn: tg.arn, containerName: s.name.replace(/^demo-/, ''), containerPort: 8080 },
        ],
      }),
      deploymentConfiguration: { ...options.deployment, deploymentCircuitBreaker: breaker },
    });
  }
  ecs.timings({ noHealthCheckHealthyMs: 10_000 });
  const config = testConfig({
    cluster: CLUSTER,
    services: [
      { service: 'demo-api', containers: [{ container: 'api', image: 'backend' }], wave: 1 },
      { service: 'demo-worker', containers: [{ image: 'backend' }], wave: 1 },
      { service: 'demo-web', containers: [{ container: 'web', image: 'frontend' }], wave: 2 },
    ],
    ...options.config,
  });
  const images = (digests = NEW): ImagesResult => ({
    backend: {
      key: 'backend',
      uri: uri.backend,
      digest: digests.backend,
      reference: `${uri.backend}@${digests.backend}`,
      contentTag: 'content-b',
      built: true,
    },
    frontend: {
      key: 'frontend',
      uri: uri.frontend,
      digest: digests.frontend,
      reference: `${uri.frontend}@${digests.frontend}`,
      contentTag: 'content-f',
      built: true,
    },
  });
  return { ...world, uri, config, images, service: (name) => ecs.service(CLUSTER, name) };
}
