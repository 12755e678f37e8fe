/**
 * A world for `ecs-release init` (docs/init.md), under the caller's own names beside the
 * demo's: a cluster `<run>` with a backend that names its RDS instance and a frontend,
 * behind an HTTPS ALB whose rules carry hosts, their ECR repositories, alarms on the load
 * balancer and a service, Application Auto Scaling's target tracking alarm (in ALARM, as
 * it sits by design) and an alarm about something else.
 */
import type { Lab } from '../sim/lab';

export interface InitWorld {
  cluster: string;
  api: string;
  web: string;
  repositories: { backend: string; frontend: string };
  alarms: { alb: string; api: string; targetTracking: string; other: string };
  db: string;
  hosts: string[];
}

function service(
  lab: Lab,
  run: string,
  s: { name: string; repo: string; port: number; env: { name: string; value: string }[] },
) {
  const tg = lab.elbv2.createTargetGroup({
    name: `${s.name}-tg`,
    port: s.port,
    targetType: 'ip',
    healthCheck: { path: '/healthz' },
  });
  lab.logs.createGroup(`/ecs/${s.name}`);
  const td = lab.ecs.registerTaskDefinition({
    family: s.name,
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: '256',
    memory: '512',
    executionRoleArn: `arn:aws:iam::${lab.account}:role/${run}-exec`,
    containerDefinitions: [
      {
        name: s.name.endsWith('api') ? 'api' : 'web',
        image: `${lab.ecr.uri(s.repo)}:bootstrap`,
        essential: true,
        portMappings: [{ containerPort: s.port, protocol: 'tcp' }],
        environment: [{ name: 'PORT', value: String(s.port) }, ...s.env],
        logConfiguration: {
          logDriver: 'awslogs',
          options: {
            'awslogs-group': `/ecs/${s.name}`,
            'awslogs-region': lab.region,
            'awslogs-stream-prefix': 'ecs',
          },
        },
      },
    ],
  });
  lab.ecs.createService({
    cluster: run,
    serviceName: s.name,
    taskDefinition: td.arn,
    desiredCount: 1,
    launchType: 'FARGATE',
    networkConfiguration: {
      awsvpcConfiguration: { subnets: ['subnet-0a1b2c3d'], securityGroups: ['sg-0demo'] },
    },
    loadBalancers: [
      {
        targetGroupArn: tg.arn,
        containerName: s.name.endsWith('api') ? 'api' : 'web',
        containerPort: s.port,
      },
    ],
    deploymentConfiguration: {
      minimumHealthyPercent: 100,
      maximumPercent: 200,
      deploymentCircuitBreaker: { enable: true, rollback: true },
    },
  });
  return tg.arn;
}

export function seedInitWorld(lab: Lab, run: string): InitWorld {
  const zone = `${run}.example`;
  const w: InitWorld = {
    cluster: run,
    api: `${run}-api`,
    web: `${run}-web`,
    repositories: { backend: `${run}/backend`, frontend: `${run}/frontend` },
    alarms: {
      alb: `${run}-alb-5xx`,
      api: `${run}-api-cpu`,
      targetTracking: `TargetTracking-service/${run}/${run}-api-AlarmLow-0f1e`,
      other: `${run}-unrelated`,
    },
    db: `${run}-db`,
    hosts: [`api.${zone}`, `www.${zone}`],
  };
  const address = `${w.db}.c0lab.${lab.region}.rds.amazonaws.com`;
  lab.ecs.createCluster(run);
  lab.iam.putRole(`${run}-exec`);
  for (const r of Object.values(w.repositories)) lab.ecr.createRepository(r);
  lab.rds.addInstance({
    id: w.db,
    engine: 'postgres',
    status: 'available',
    endpoint: { address, port: 5432 },
    dbName: 'app',
  });
  const apiTg = service(lab, run, {
    name: w.api,
    repo: w.repositories.backend,
    port: 8000,
    env: [{ name: 'PGHOST', value: address }],
  });
  const webTg = service(lab, run, { name: w.web, repo: w.repositories.frontend, port: 8080, env: [] });
  const cert = lab.acm.add({ domain: `*.${zone}`, inUseBy: [`${run}-alb`] });
  const https = lab.elbv2.rules.createListener({
    loadBalancer: `${run}-alb`,
    protocol: 'HTTPS',
    targetGroupArn: webTg,
    certificates: [cert.arn],
  });
  lab.elbv2.rules.createRule({
    listenerArn: https.arn,
    priority: 10,
    hosts: [`api.${zone}`],
    forward: [{ arn: apiTg, weight: 1 }],
  });
  lab.elbv2.rules.createRule({
    listenerArn: https.arn,
    priority: 20,
    hosts: [`www.${zone}`],
    forward: [{ arn: webTg, weight: 1 }],
  });
  const lbDimension = lab.elbv2.rules.loadBalancer(`${run}-alb`).arn.split(':loadbalancer/')[1] ?? '';
  const service_ = [
    { name: 'ClusterName', value: run },
    { name: 'ServiceName', value: w.api },
  ];
  lab.cloudwatch.putAlarm({
    name: w.alarms.alb,
    type: 'metric',
    state: 'OK',
    dimensions: [{ name: 'LoadBalancer', value: lbDimension }],
  });
  lab.cloudwatch.putAlarm({
    name: w.alarms.api,
    type: 'metric',
    state: 'OK',
    metricName: 'CPUUtilization',
    namespace: 'AWS/ECS',
    dimensions: service_,
  });
  lab.cloudwatch.putAlarm({
    name: w.alarms.targetTracking,
    type: 'metric',
    state: 'ALARM',
    metricName: 'CPUUtilization',
    namespace: 'AWS/ECS',
    dimensions: service_,
  });
  lab.cloudwatch.putAlarm({
    name: w.alarms.other,
    type: 'metric',
    state: 'OK',
    dimensions: [{ name: 'LoadBalancer', value: 'app/elsewhere/0123' }],
  });
  return w;
}
