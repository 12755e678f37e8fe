/** The ECS world's records. Times are epoch milliseconds on the lab clock. */
import type Docker from 'dockerode';
import type { Behaviour } from './behaviours.js';
import type { CircuitBreakerConfig } from './circuit-breaker.js';
import type { ServiceEvent } from './events.js';
import type { Input, Tag } from './input.js';
import type { ServiceDeployment } from './service-deployments.js';

export interface Cluster {
  arn: string;
  name: string;
  createdAt: number;
  tags: Tag[];
  /** Everything else CreateCluster was sent, kept verbatim (settings, configuration, ...). */
  body: Input;
}

export interface TaskDefinition {
  arn: string;
  family: string;
  revision: number;
  status: 'ACTIVE' | 'INACTIVE' | 'DELETE_IN_PROGRESS';
  registeredAt: number;
  deregisteredAt?: number;
  tags: Tag[];
  /** RegisterTaskDefinition's input minus `tags`, verbatim. */
  body: Input;
}

export interface ContainerDef {
  name: string;
  image: string;
  essential: boolean;
  command?: string[];
  entryPoint?: string[];
  environment: { name: string; value: string }[];
  healthCheck: boolean;
  portMappings: { containerPort: number }[];
  logGroup?: string;
  logPrefix?: string;
  workingDirectory?: string;
  user?: string;
}

export interface LoadBalancer {
  targetGroupArn: string;
  containerName: string;
  containerPort: number;
  /** Built-in strategies: alternateTargetGroupArn, productionListenerRule, testListenerRule, roleArn. */
  advancedConfiguration?: Input;
}

export interface DeploymentConfiguration {
  minimumHealthyPercent: number;
  maximumPercent: number;
  deploymentCircuitBreaker: CircuitBreakerConfig;
  alarms?: { alarmNames: string[]; enable: boolean; rollback: boolean };
  /** Any other members (strategy, bakeTimeInMinutes, ...) kept as sent. */
  rest: Input;
}

export interface Deployment {
  id: string;
  status: 'PRIMARY' | 'ACTIVE' | 'INACTIVE';
  taskDefinition: string;
  createdAt: number;
  updatedAt: number;
  rolloutState: 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';
  rolloutStateReason: string;
  failedTasks: number;
  launchType?: string;
  capacityProviderStrategy?: unknown[];
  platformVersion?: string;
  networkConfiguration?: Input;
  /** Deployment alarms that were already in ALARM when it began are ignored for it (deployment-alarm-failure.html). */
  alarmsIgnored: boolean;
  /** Steady state reached (waiting for the alarm bake time when alarms are on). */
  steadyAt?: number;
}

export interface Service {
  arn: string;
  name: string;
  cluster: Cluster;
  createdAt: number;
  desiredCount: number;
  launchType?: string;
  capacityProviderStrategy?: unknown[];
  platformVersion?: string;
  networkConfiguration?: Input;
  loadBalancers: LoadBalancer[];
  healthCheckGracePeriodSeconds?: number;
  deploymentConfiguration: DeploymentConfiguration;
  deploymentController: Input;
  /** PRIMARY first, then ACTIVE (newest first), as DescribeServices lists them. */
  deployments: Deployment[];
  /** Every deployment ever made, for the circuit breaker's rollback target. */
  history: Deployment[];
  events: ServiceEvent[];
  tags: Tag[];
  /** Verbatim extra members of CreateService (propagateTags, enableExecuteCommand, ...). */
  body: Input;
  status: 'ACTIVE' | 'DRAINING' | 'INACTIVE';
  /** The last steady state was reported and nothing changed since. */
  steady: boolean;
  /** Service deployments of the built-in strategies, oldest first (service-deployments.ts). */
  serviceDeployments?: ServiceDeployment[];
}

export type TaskStatus =
  | 'PROVISIONING'
  | 'PENDING'
  | 'ACTIVATING'
  | 'RUNNING'
  | 'DEACTIVATING'
  | 'STOPPING'
  | 'DEPROVISIONING'
  | 'STOPPED';

export interface ContainerState {
  name: string;
  image: string;
  lastStatus: string;
  exitCode?: number;
  reason?: string;
  healthStatus: 'HEALTHY' | 'UNHEALTHY' | 'UNKNOWN';
  runtimeId: string;
}

export interface Task {
  arn: string;
  id: string;
  cluster: Cluster;
  taskDefinition: TaskDefinition;
  containerDefs: ContainerDef[];
  lastStatus: TaskStatus;
  desiredStatus: 'RUNNING' | 'STOPPED';
  startedBy?: string;
  group: string;
  launchType?: string;
  capacityProviderName?: string;
  platformVersion?: string;
  createdAt: number;
  pullStartedAt?: number;
  pullStoppedAt?: number;
  startedAt?: number;
  stoppingAt?: number;
  stoppedAt?: number;
  executionStoppedAt?: number;
  stopCode?: string;
  stoppedReason?: string;
  containers: ContainerState[];
  healthy: boolean;
  /** Became healthy at some point (a later failure is a stage-2 failure). */
  everHealthy: boolean;
  ip: string;
  overrides: Input;
  tags: Tag[];
  service?: Service;
  deploymentId?: string;
  behaviour: Behaviour;
  /** Scripted plan, fixed when the task is created. */
  plan: { pendingAt: number; runningAt: number };
  /** Log lines still to write, with their times. */
  pendingLogs: { at: number; message: string }[];
  /** Target registrations of this task (service tasks with load balancers). */
  targets: { targetGroupArn: string; port: number }[];
  /** Runs on the real Docker engine: its state comes from the engine, not the tick. */
  real: boolean;
  /** The real container, for StopTask. */
  dockerContainer?: Docker.Container;
  version: number;
  /** When the current lastStatus began (ACTIVATING, STOPPING). */
  phaseAt: number;
}
