/**
 * A lab with several releases' tagged revisions, as ecs-release would have left them:
 *
 *   baseline  demo-api:1 demo-web:1                  succeeded (what ran before ecs-release)
 *   r1        demo-api:2 demo-web:2  commit a1a1a1a0… succeeded
 *   r2                   demo-web:3  commit b2b2b2b2… succeeded (left the api alone)
 *   r3        demo-api:3 demo-web:4  commit c3c3c3c3… rolled-back
 *   (staging) demo-api:4             commit e5e5e5e5… succeeded, environment staging
 *   r4        demo-api:5             commit a1a1a1a9… succeeded (left the web alone)
 *
 * Running now: demo-api:5 (r4) and demo-web:3 (r2), so the release running is r4.
 */
import { builtInWiring } from '../../lab/scenarios/built-in';
import { fargateTaskDefinition } from '../../lab/scenarios/task-definition';
import type { LiveService } from '../../src/model/contracts';
import { TAGS } from '../../src/record/release-record';
import type { World } from '../support/world';

export const MIN = 60_000;
export const CLUSTER = 'demo';

export const COMMITS = {
  r1: 'a1a1a1a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0',
  r2: 'b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2',
  r3: 'c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3',
  staging: 'e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5',
  r4: 'a1a1a1a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9',
};

export const tdArn = (family: string, revision: number) =>
  `arn:aws:ecs:eu-west-1:111122223333:task-definition/${family}:${revision}`;

interface RecordTags {
  release: string;
  commit?: string;
  environment?: string;
  outcome?: string;
}

function tags(r: RecordTags) {
  return [
    { key: TAGS.release, value: r.release },
    ...(r.commit ? [{ key: TAGS.commit, value: r.commit }] : []),
    { key: TAGS.environment, value: r.environment ?? 'production' },
    ...(r.outcome ? [{ key: TAGS.outcome, value: r.outcome }] : []),
  ];
}

export interface Seeded {
  /** Image reference by task definition `family:revision`. */
  images: Map<string, string>;
}

async function register(
  world: World,
  seeded: Seeded,
  family: string,
  repo: string,
  record: RecordTags,
  missing: string[],
) {
  const revision = (world.lab.ecs.taskDefinitions.families.get(family)?.length ?? 0) + 1;
  // A missing image: referenced by digest but never pushed (as if a lifecycle policy expired it).
  const digest = missing.includes(`${family}:${revision}`)
    ? `sha256:${'0'.repeat(63)}${revision}`
    : await world.lab.ecr.pushImage(repo, `${family}-${revision}`);
  const image = `${world.lab.ecr.uri(repo)}@${digest}`;
  seeded.images.set(`${family}:${revision}`, image);
  const container = family === 'demo-api' ? 'api' : 'web';
  world.lab.ecs.registerTaskDefinition(
    fargateTaskDefinition(
      family,
      { name: container, image, portMappings: [{ containerPort: 8080 }] },
      { tags: tags(record) },
    ),
  );
  world.clock.advance(1000);
}

/** demo-web's two target groups and the built-in wiring over them, for CreateService. */
function blueGreenWeb(world: World) {
  const blue = world.lab.elbv2.createTargetGroup({ name: 'demo-web-blue', port: 8080 });
  const green = world.lab.elbv2.createTargetGroup({ name: 'demo-web-green', port: 8080 });
  return builtInWiring(
    world.lab,
    {
      service: 'demo-web',
      strategy: 'BLUE_GREEN',
      bakeTimeInMinutes: 5,
      hooks: [{ stage: 'POST_PRODUCTION_TRAFFIC_SHIFT' }],
    },
    { blueArn: blue.arn, greenArn: green.arn, containerName: 'web', containerPort: 8080 },
  ).service;
}

/** Seeds the history above and the two services running r4; `missing` revisions reference images ECR does not hold. */
export async function seedReleases(
  world: World,
  options: {
    missing?: string[];
    breakerRollback?: boolean;
    /** demo-web deploys BLUE_GREEN with a PAUSE hook at POST_PRODUCTION_TRAFFIC_SHIFT (lab/scenarios/built-in.ts). */
    blueGreenWeb?: boolean;
  } = {},
): Promise<Seeded> {
  const missing = options.missing ?? [];
  const seeded: Seeded = { images: new Map() };
  world.lab.ecr.createRepository('demo/backend');
  world.lab.ecr.createRepository('demo/frontend');
  world.lab.ecs.createCluster(CLUSTER);
  world.lab.ecs.timings({
    noHealthCheckHealthyMs: 5_000,
    provisioningMs: 1_000,
    pendingMs: 1_000,
    stopMs: 1_000,
  });
  const api = (r: RecordTags) => register(world, seeded, 'demo-api', 'demo/backend', r, missing);
  const web = (r: RecordTags) => register(world, seeded, 'demo-web', 'demo/frontend', r, missing);

  await api({ release: 'baseline', outcome: 'succeeded' });
  await web({ release: 'baseline', outcome: 'succeeded' });
  world.clock.advance(10 * MIN);
  await api({ release: 'r1', commit: COMMITS.r1, outcome: 'succeeded' });
  await web({ release: 'r1', commit: COMMITS.r1, outcome: 'succeeded' });
  world.clock.advance(10 * MIN);
  await web({ release: 'r2', commit: COMMITS.r2, outcome: 'succeeded' });
  world.clock.advance(10 * MIN);
  await api({ release: 'r3', commit: COMMITS.r3, outcome: 'rolled-back' });
  await web({ release: 'r3', commit: COMMITS.r3, outcome: 'rolled-back' });
  world.clock.advance(10 * MIN);
  await api({ release: 's1', commit: COMMITS.staging, environment: 'staging', outcome: 'succeeded' });
  world.clock.advance(10 * MIN);
  await api({ release: 'r4', commit: COMMITS.r4, outcome: 'succeeded' });
  world.clock.advance(10 * MIN);

  for (const [service, taskDefinition] of [
    ['demo-api', 'demo-api:5'],
    ['demo-web', 'demo-web:3'],
  ] as const) {
    world.lab.ecs.createService({
      cluster: CLUSTER,
      serviceName: service,
      taskDefinition,
      desiredCount: 2,
      launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'], assignPublicIp: 'DISABLED' } },
      ...(service === 'demo-web' && options.blueGreenWeb
        ? blueGreenWeb(world)
        : {
            deploymentConfiguration: {
              minimumHealthyPercent: 100,
              maximumPercent: 200,
              deploymentCircuitBreaker: { enable: true, rollback: options.breakerRollback ?? true },
            },
          }),
    });
  }
  return seeded;
}

/** Registers a new release's revisions (no outcome yet), as render would. */
export async function registerRelease(
  world: World,
  release: string,
  commit: string,
  families: ('demo-api' | 'demo-web')[],
): Promise<Record<string, string>> {
  const seeded: Seeded = { images: new Map() };
  const arns: Record<string, string> = {};
  for (const family of families) {
    const repo = family === 'demo-api' ? 'demo/backend' : 'demo/frontend';
    await register(world, seeded, family, repo, { release, commit }, []);
    const revision = world.lab.ecs.taskDefinitions.families.get(family)?.length ?? 0;
    arns[family] = tdArn(family, revision);
  }
  return arns;
}

/** LiveService as preflight reports it, for the stages that take one without running preflight. */
export function live(service: 'demo-api' | 'demo-web', revision: number): LiveService {
  const family = service;
  const container = service === 'demo-api' ? 'api' : 'web';
  const image = service === 'demo-api' ? 'backend' : 'frontend';
  return {
    config: { service, containers: [{ container, image }], wave: 1 },
    arn: `arn:aws:ecs:eu-west-1:111122223333:service/${CLUSTER}/${service}`,
    service: { serviceName: service },
    taskDefinition: { family, revision, taskDefinitionArn: tdArn(family, revision) },
    taskDefinitionTags: [],
    containers: [{ container, image }],
  };
}
