/**
 * CreateService / UpdateService: what each sends and when a new deployment starts.
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateService.html
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentConfiguration.html
 */
import { AwsError } from '../types.js';
import type { CircuitBreakerConfig } from './circuit-breaker.js';
import { newDeployment } from './deployments.js';
import {
  clone,
  type Input,
  invalid,
  optBool,
  optNumber,
  optObject,
  optObjects,
  optString,
  optTags,
  reqString,
} from './input.js';
import type { DeploymentConfiguration, LoadBalancer, Service } from './model.js';
import type { EcsWorld } from './world.js';

const SERVICE_KEYS = new Set([
  'cluster',
  'serviceName',
  'service',
  'taskDefinition',
  'desiredCount',
  'deploymentConfiguration',
  'deploymentController',
  'loadBalancers',
  'networkConfiguration',
  'launchType',
  'capacityProviderStrategy',
  'platformVersion',
  'healthCheckGracePeriodSeconds',
  'tags',
  'forceNewDeployment',
  'clientToken',
]);

function deploymentConfiguration(
  raw: Input | undefined,
  base?: DeploymentConfiguration,
): DeploymentConfiguration {
  const { minimumHealthyPercent, maximumPercent, deploymentCircuitBreaker, alarms, ...rest } = raw ?? {};
  const cfg: DeploymentConfiguration = {
    // REPLICA defaults (API_DeploymentConfiguration).
    minimumHealthyPercent:
      typeof minimumHealthyPercent === 'number'
        ? minimumHealthyPercent
        : (base?.minimumHealthyPercent ?? 100),
    maximumPercent: typeof maximumPercent === 'number' ? maximumPercent : (base?.maximumPercent ?? 200),
    deploymentCircuitBreaker:
      typeof deploymentCircuitBreaker === 'object' && deploymentCircuitBreaker !== null
        ? (clone(deploymentCircuitBreaker) as CircuitBreakerConfig)
        : (base?.deploymentCircuitBreaker ?? {}),
    rest: { ...base?.rest, ...clone(rest) },
  };
  if (typeof alarms === 'object' && alarms !== null) {
    const a = alarms as Input;
    cfg.alarms = {
      alarmNames: Array.isArray(a.alarmNames) ? a.alarmNames.map(String) : [],
      enable: a.enable === true,
      rollback: a.rollback === true,
    };
  } else if (base?.alarms) {
    cfg.alarms = base.alarms;
  }
  if (cfg.minimumHealthyPercent < 0 || cfg.maximumPercent < cfg.minimumHealthyPercent) {
    throw invalid('maximumPercent must be greater than or equal to minimumHealthyPercent.');
  }
  return cfg;
}

function loadBalancers(world: EcsWorld, input: Input): LoadBalancer[] | undefined {
  const list = optObjects(input, 'loadBalancers');
  if (!list) return undefined;
  if (list.length > 5) throw invalid('A service can have at most 5 target groups.');
  return list.map((lb) => {
    const arn = reqString(lb, 'targetGroupArn');
    if (!world.elb.groups.has(arn))
      throw invalid(`Unable to assume role and validate the specified targetGroupArn: ${arn}`);
    return {
      targetGroupArn: arn,
      containerName: reqString(lb, 'containerName'),
      containerPort: optNumber(lb, 'containerPort') ?? 80,
      ...(optObject(lb, 'advancedConfiguration') && {
        advancedConfiguration: clone(optObject(lb, 'advancedConfiguration') as Input),
      }),
    };
  });
}

export function createService(world: EcsWorld, input: Input, now: number): Service {
  const cluster = world.cluster(optString(input, 'cluster'));
  const name = reqString(input, 'serviceName');
  if (world.findService(cluster, name)) throw invalid('Creation of service was not idempotent.');
  const td = world.taskDefinitions.get(reqString(input, 'taskDefinition'));
  const body: Input = {};
  for (const [k, v] of Object.entries(input)) if (!SERVICE_KEYS.has(k)) body[k] = clone(v);
  const svc: Service = {
    arn: `arn:aws:ecs:${world.region}:${world.account}:service/${cluster.name}/${name}`,
    name,
    cluster,
    createdAt: now,
    desiredCount: optNumber(input, 'desiredCount') ?? 0,
    loadBalancers: loadBalancers(world, input) ?? [],
    deploymentConfiguration: deploymentConfiguration(optObject(input, 'deploymentConfiguration')),
    deploymentController: optObject(input, 'deploymentController') ?? { type: 'ECS' },
    deployments: [],
    history: [],
    events: [],
    tags: optTags(input) ?? [],
    body,
    status: 'ACTIVE',
    steady: false,
  };
  const launchType = optString(input, 'launchType');
  const strategy = optObjects(input, 'capacityProviderStrategy');
  if (launchType && strategy)
    throw invalid('Specifying both a launch type and capacity provider strategy is not supported.');
  if (strategy) svc.capacityProviderStrategy = clone(strategy);
  else svc.launchType = launchType ?? 'EC2';
  const pv = optString(input, 'platformVersion');
  if (pv !== undefined) svc.platformVersion = pv;
  else if (svc.launchType === 'FARGATE' || strategy) svc.platformVersion = 'LATEST';
  const net = optObject(input, 'networkConfiguration');
  if (net) svc.networkConfiguration = clone(net);
  const grace = optNumber(input, 'healthCheckGracePeriodSeconds');
  if (grace !== undefined) svc.healthCheckGracePeriodSeconds = grace;
  else if (svc.loadBalancers.length > 0) svc.healthCheckGracePeriodSeconds = 0;
  world.services.set(`${cluster.name}/${name}`, svc);
  newDeployment(world, svc, td.arn, now);
  return svc;
}

/** Only the members sent change; a new deployment starts when a deploying setting changes (or on force). */
export function updateService(world: EcsWorld, input: Input, now: number): Service {
  const svc = world.service(optString(input, 'cluster'), reqString(input, 'service'));
  const primary = svc.deployments[0];
  let deploy = optBool(input, 'forceNewDeployment') === true;
  let taskDefinition = primary?.taskDefinition;
  const tdRef = optString(input, 'taskDefinition');
  if (tdRef !== undefined) {
    const td = world.taskDefinitions.get(tdRef);
    if (td.status !== 'ACTIVE') throw invalid(`TaskDefinition is inactive`);
    if (td.arn !== taskDefinition) deploy = true;
    taskDefinition = td.arn;
  }
  const desired = optNumber(input, 'desiredCount');
  if (desired !== undefined) {
    if (desired < 0) throw invalid('desiredCount must be at least 0.');
    svc.desiredCount = desired;
    svc.steady = false;
  }
  const cfg = optObject(input, 'deploymentConfiguration');
  if (cfg) svc.deploymentConfiguration = deploymentConfiguration(cfg, svc.deploymentConfiguration);
  const lbs = loadBalancers(world, input);
  if (lbs) {
    svc.loadBalancers = lbs;
    deploy = true;
  }
  const net = optObject(input, 'networkConfiguration');
  if (net) {
    svc.networkConfiguration = clone(net);
    deploy = true;
  }
  const pv = optString(input, 'platformVersion');
  if (pv !== undefined && pv !== svc.platformVersion) {
    svc.platformVersion = pv;
    deploy = true;
  }
  const strategy = optObjects(input, 'capacityProviderStrategy');
  if (strategy) {
    svc.capacityProviderStrategy = clone(strategy);
    delete svc.launchType;
    deploy = true;
  }
  const grace = optNumber(input, 'healthCheckGracePeriodSeconds');
  if (grace !== undefined) svc.healthCheckGracePeriodSeconds = grace;
  for (const [k, v] of Object.entries(input)) if (!SERVICE_KEYS.has(k)) svc.body[k] = clone(v);
  if (deploy) {
    if (!taskDefinition) throw new AwsError('ClientException', 'TaskDefinition not found.');
    newDeployment(world, svc, taskDefinition, now);
  }
  return svc;
}
