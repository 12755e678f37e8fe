/**
 * Output shapes of ECS records, as the API returns them. Timestamps are JS Date
 * objects; the protocol layer writes them as epoch seconds.
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Service.html
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Task.html
 */
import { isLive, isPendingStatus } from './deployments.js';
import { clone } from './input.js';
import type { Cluster, Deployment, Service, Task } from './model.js';
import { currentOf } from './service-deployments.js';
import type { EcsWorld } from './world.js';

const date = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms));

/** Drops undefined members so the wire shows absent fields as AWS does. */
function compact<T extends Record<string, unknown>>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

export function describeCluster(world: EcsWorld, c: Cluster, withTags: boolean) {
  const services = [...world.services.values()].filter((s) => s.cluster === c && s.status === 'ACTIVE');
  const tasks = [...world.tasks.values()].filter((x) => x.cluster === c && x.lastStatus !== 'STOPPED');
  return compact({
    ...clone(c.body),
    clusterArn: c.arn,
    clusterName: c.name,
    status: 'ACTIVE',
    registeredContainerInstancesCount: 0,
    runningTasksCount: tasks.filter((x) => x.lastStatus === 'RUNNING').length,
    pendingTasksCount: tasks.filter(isPendingStatus).length,
    activeServicesCount: services.length,
    statistics: [],
    tags: withTags ? c.tags : undefined,
  });
}

export function describeDeployment(world: EcsWorld, svc: Service, d: Deployment) {
  const tasks = world.serviceTasks(svc).filter((x) => x.deploymentId === d.id);
  return compact({
    id: d.id,
    status: d.status,
    taskDefinition: d.taskDefinition,
    // ACTIVE deployments are scaled down as they are replaced: their desired count is what is left.
    desiredCount: d.status === 'PRIMARY' ? svc.desiredCount : tasks.filter(isLive).length,
    pendingCount: tasks.filter((x) => isPendingStatus(x)).length,
    runningCount: tasks.filter((x) => x.lastStatus === 'RUNNING').length,
    failedTasks: d.failedTasks,
    createdAt: new Date(d.createdAt),
    updatedAt: new Date(d.updatedAt),
    launchType: d.launchType,
    capacityProviderStrategy: d.capacityProviderStrategy,
    platformVersion: d.platformVersion,
    networkConfiguration: d.networkConfiguration,
    rolloutState: d.rolloutState,
    rolloutStateReason: d.rolloutStateReason,
  });
}

export function describeService(world: EcsWorld, svc: Service, withTags: boolean) {
  const deployments = svc.deployments.map((d) => describeDeployment(world, svc, d));
  const primary = svc.deployments[0];
  const c = svc.deploymentConfiguration;
  return compact({
    ...clone(svc.body),
    serviceArn: svc.arn,
    serviceName: svc.name,
    clusterArn: svc.cluster.arn,
    loadBalancers: svc.loadBalancers,
    serviceRegistries: [],
    status: svc.status,
    desiredCount: svc.desiredCount,
    runningCount: deployments.reduce((n, d) => n + d.runningCount, 0),
    pendingCount: deployments.reduce((n, d) => n + d.pendingCount, 0),
    launchType: svc.launchType,
    capacityProviderStrategy: svc.capacityProviderStrategy,
    platformVersion: svc.platformVersion,
    taskDefinition: primary?.taskDefinition,
    deploymentConfiguration: compact({
      ...clone(c.rest),
      deploymentCircuitBreaker: { enable: false, rollback: false, ...c.deploymentCircuitBreaker },
      maximumPercent: c.maximumPercent,
      minimumHealthyPercent: c.minimumHealthyPercent,
      alarms: c.alarms,
    }),
    deployments,
    currentServiceDeployment: currentOf(svc)?.arn,
    events: svc.events.map((e) => ({ id: e.id, createdAt: new Date(e.createdAt), message: e.message })),
    createdAt: new Date(svc.createdAt),
    placementConstraints: [],
    placementStrategy: [],
    networkConfiguration: svc.networkConfiguration,
    healthCheckGracePeriodSeconds: svc.healthCheckGracePeriodSeconds,
    schedulingStrategy: 'REPLICA',
    deploymentController: svc.deploymentController,
    createdBy: `arn:aws:iam::${world.account}:role/lab`,
    enableECSManagedTags: false,
    propagateTags: 'NONE',
    enableExecuteCommand: false,
    tags: withTags ? svc.tags : undefined,
  });
}

export function describeTask(world: EcsWorld, task: Task, withTags: boolean) {
  const def = task.taskDefinition.body;
  return compact({
    taskArn: task.arn,
    clusterArn: task.cluster.arn,
    taskDefinitionArn: task.taskDefinition.arn,
    lastStatus: task.lastStatus,
    desiredStatus: task.desiredStatus,
    healthStatus: task.containerDefs.some((d) => d.healthCheck)
      ? task.containers.some((c) => c.healthStatus === 'UNHEALTHY')
        ? 'UNHEALTHY'
        : task.healthy
          ? 'HEALTHY'
          : 'UNKNOWN'
      : 'UNKNOWN',
    cpu: typeof def.cpu === 'string' ? def.cpu : undefined,
    memory: typeof def.memory === 'string' ? def.memory : undefined,
    launchType: task.launchType,
    capacityProviderName: task.capacityProviderName,
    platformVersion: task.platformVersion,
    platformFamily: task.launchType === 'FARGATE' || task.capacityProviderName ? 'Linux' : undefined,
    availabilityZone: `${world.region}a`,
    connectivity: task.startedAt !== undefined ? 'CONNECTED' : undefined,
    connectivityAt: date(task.startedAt),
    createdAt: new Date(task.createdAt),
    pullStartedAt: date(task.pullStartedAt),
    pullStoppedAt: date(task.pullStoppedAt),
    startedAt: date(task.startedAt),
    stoppingAt: date(task.stoppingAt),
    executionStoppedAt: date(task.executionStoppedAt),
    stoppedAt: date(task.stoppedAt),
    startedBy: task.startedBy,
    group: task.group,
    stopCode: task.stopCode,
    stoppedReason: task.stoppedReason,
    version: task.version,
    overrides: { containerOverrides: [], inferenceAcceleratorOverrides: [], ...clone(task.overrides) },
    attachments: [
      {
        id: `${task.id.slice(0, 8)}-eni0-0000-0000-${task.id.slice(20)}`,
        type: 'ElasticNetworkInterface',
        status: task.lastStatus === 'STOPPED' ? 'DELETED' : 'ATTACHED',
        details: [
          { name: 'subnetId', value: 'subnet-0lab00000000000001' },
          { name: 'privateIPv4Address', value: task.ip },
        ],
      },
    ],
    containers: task.containers.map((c) => {
      const cd = task.containerDefs.find((d) => d.name === c.name);
      return compact({
        containerArn: `arn:aws:ecs:${world.region}:${world.account}:container/${task.cluster.name}/${task.id}/${c.runtimeId.slice(-10)}`,
        taskArn: task.arn,
        name: c.name,
        image: c.image,
        runtimeId: c.runtimeId,
        lastStatus: c.lastStatus,
        exitCode: c.exitCode,
        reason: c.reason,
        healthStatus: c.healthStatus,
        networkBindings: [],
        networkInterfaces: [{ attachmentId: `${task.id.slice(0, 8)}-eni0`, privateIpv4Address: task.ip }],
        essential: cd?.essential,
      });
    }),
    tags: withTags ? task.tags : undefined,
  });
}
