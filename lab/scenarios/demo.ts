/**
 * The demo world: the AWS side of examples/app as a team would have it before its
 * first ecs-release run. One cluster `demo`, two Fargate services behind an ALB
 * (target groups with health checks), circuit breakers with rollback, a 5xx
 * alarm, the RDS instance (the lab PostgreSQL) and its credentials secret.
 * Used by the demo, the end-to-end tests and the pipeline scenario tests.
 */
import type { LabEnv } from '../env';
import type { Lab } from '../sim/lab';
import { type BuiltInWiringOptions, builtInWiring } from './built-in';

export const DEMO = {
  cluster: 'demo',
  api: { service: 'demo-api', family: 'demo-api', container: 'api', port: 8000, targetGroup: 'demo-api-tg' },
  web: { service: 'demo-web', family: 'demo-web', container: 'web', port: 8080, targetGroup: 'demo-web-tg' },
  alarm: 'demo-alb-5xx',
  db: 'demo-db',
  secret: 'demo/db-credentials',
  repositories: { frontend: 'demo/frontend', backend: 'demo/backend' },
} as const;

export interface DemoOptions {
  /** Tasks per service. */
  desiredCount?: number;
  /** Quick lab timings for real-clock runs (demo, e2e): a rollout takes seconds. */
  fast?: boolean;
  labEnv?: LabEnv | undefined;
  /**
   * demo-web deploys with ECS's BLUE_GREEN strategy and a PAUSE hook at
   * POST_PRODUCTION_TRAFFIC_SHIFT (the release's hold point), behind a production rule
   * over two target groups. Only the demo (and its world test) set it: every other
   * test keeps the rolling world.
   */
  blueGreenFrontend?: boolean;
}

/** demo-web's blue/green set-up: bake 0 keeps the demo short; the hold is where the gate runs. */
const FRONTEND_BLUE_GREEN: BuiltInWiringOptions = {
  service: DEMO.web.service,
  strategy: 'BLUE_GREEN',
  bakeTimeInMinutes: 0,
  hooks: [{ stage: 'POST_PRODUCTION_TRAFFIC_SHIFT', timeoutInMinutes: 60, action: 'ROLLBACK' }],
};

/**
 * The backend reaches the lab PostgreSQL through libpq's PG* variables. A real
 * task definition would take the password from Secrets Manager (`secrets`
 * valueFrom); the lab's real-container RunTask does not resolve those, so the
 * demo passes it as plain environment: acceptable for a loopback lab database only.
 */
function databaseEnvironment(labEnv: LabEnv | undefined): { name: string; value: string }[] {
  const pg = labEnv?.postgres;
  if (!pg) return [];
  return [
    { name: 'PGHOST', value: pg.host },
    { name: 'PGPORT', value: String(pg.port) },
    { name: 'PGUSER', value: pg.user },
    { name: 'PGPASSWORD', value: pg.password },
    { name: 'PGDATABASE', value: pg.database },
  ];
}

function taskDefinition(
  lab: Lab,
  s: (typeof DEMO)['api'] | (typeof DEMO)['web'],
  image: string,
  environment: { name: string; value: string }[],
) {
  return {
    family: s.family,
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: 'X86_64' },
    cpu: '256',
    memory: '512',
    executionRoleArn: `arn:aws:iam::${lab.account}:role/demo-task-execution`,
    containerDefinitions: [
      {
        name: s.container,
        image,
        essential: true,
        portMappings: [{ containerPort: s.port, protocol: 'tcp' }],
        environment: [{ name: 'PORT', value: String(s.port) }, ...environment],
        logConfiguration: {
          logDriver: 'awslogs',
          options: {
            'awslogs-group': `/ecs/${s.family}`,
            'awslogs-region': lab.region,
            'awslogs-stream-prefix': 'ecs',
          },
        },
      },
    ],
    tags: [{ key: 'team', value: 'demo' }],
  };
}

/** demo-web's alternate (green) target group, health-checked like its own, and the built-in wiring over both. */
function blueGreen(
  lab: Lab,
  target: { targetGroupArn: string; containerName: string; containerPort: number },
) {
  const green = lab.elbv2.createTargetGroup({
    name: `${DEMO.web.targetGroup}-green`,
    port: target.containerPort,
    targetType: 'ip',
    healthCheck: { path: '/healthz' },
  });
  return builtInWiring(lab, FRONTEND_BLUE_GREEN, {
    blueArn: target.targetGroupArn,
    greenArn: green.arn,
    containerName: target.containerName,
    containerPort: target.containerPort,
  });
}

/**
 * What the demo's tasks need before they can start, as a team would have it: the
 * execution role (trusting ecs-tasks.amazonaws.com) and the awslogs groups, which the
 * ground checks look for before anything moves (docs/ground.md).
 */
function seedTaskGround(lab: Lab): void {
  lab.iam.putRole('demo-task-execution');
  for (const s of [DEMO.api, DEMO.web]) lab.logs.createGroup(`/ecs/${s.family}`);
}

/** Seeds the demo world; returns the initial task definition ARNs. */
export function seedDemo(lab: Lab, options: DemoOptions = {}): { api: string; web: string } {
  const desiredCount = options.desiredCount ?? 2;
  if (options.fast) {
    lab.ecs.timings({ provisioningMs: 500, pendingMs: 500, stopMs: 500, exitAfterMs: 1000 });
    lab.elbv2.labDeregistrationDelaySeconds = 1;
    lab.elbv2.labHealthCheckIntervalSeconds = 1;
  }
  lab.ecs.createCluster(DEMO.cluster);
  seedTaskGround(lab);
  const registry = options.labEnv?.registry ?? '127.0.0.1:5055';
  const arns = { api: '', web: '' };
  for (const [key, s] of [
    ['api', DEMO.api],
    ['web', DEMO.web],
  ] as const) {
    const group = lab.elbv2.createTargetGroup({
      name: s.targetGroup,
      port: s.port,
      targetType: 'ip',
      healthCheck: { path: '/healthz' },
    });
    const image = `${registry}/${key === 'api' ? DEMO.repositories.backend : DEMO.repositories.frontend}:bootstrap`;
    const environment = key === 'api' ? databaseEnvironment(options.labEnv) : [];
    const td = lab.ecs.registerTaskDefinition(taskDefinition(lab, s, image, environment));
    arns[key] = td.arn;
    const target = { targetGroupArn: group.arn, containerName: s.container, containerPort: s.port };
    const deployment =
      key === 'web' && options.blueGreenFrontend
        ? blueGreen(lab, target).service
        : {
            loadBalancers: [target],
            deploymentConfiguration: {
              minimumHealthyPercent: 100,
              maximumPercent: 200,
              deploymentCircuitBreaker: { enable: true, rollback: true },
            },
          };
    lab.ecs.createService({
      cluster: DEMO.cluster,
      serviceName: s.service,
      taskDefinition: td.arn,
      desiredCount,
      launchType: 'FARGATE',
      platformVersion: 'LATEST',
      networkConfiguration: {
        awsvpcConfiguration: {
          subnets: ['subnet-0a1b2c3d'],
          securityGroups: ['sg-0demo'],
          assignPublicIp: 'DISABLED',
        },
      },
      ...deployment,
      healthCheckGracePeriodSeconds: 0,
    });
  }
  lab.cloudwatch.putAlarm({
    name: DEMO.alarm,
    type: 'metric',
    period: 60,
    evaluationPeriods: 1,
    state: 'OK',
  });
  const pg = options.labEnv?.postgres;
  lab.rds.addInstance({
    id: DEMO.db,
    engine: 'postgres',
    status: 'available',
    endpoint: { address: pg?.host ?? '127.0.0.1', port: pg?.port ?? 5432 },
    dbName: pg?.database ?? 'lab',
  });
  lab.secrets.putDatabaseSecret(DEMO.secret, {
    username: pg?.user ?? 'lab',
    password: pg?.password ?? 'lab',
    host: pg?.host ?? '127.0.0.1',
    port: pg?.port ?? 5432,
    dbname: pg?.database ?? 'lab',
    engine: 'postgres',
  });
  return arns;
}
