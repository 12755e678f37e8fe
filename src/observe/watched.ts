/** One deployment the watch loop follows, what it has seen of it so far, and how it ended. */
import type { LoadBalancer } from '@aws-sdk/client-ecs';
import type { ServiceRolloutResult } from '../model/contracts';

/** A deployment ecs-release started (UpdateService's answer): what the watch follows. */
export interface StartedDeployment {
  service: string;
  deploymentId: string;
  taskDefinitionArn: string;
  /** When known (UpdateService's answer): tells ECS's rollback (older) from someone else's deployment (newer). */
  createdAt?: Date;
  /**
   * Deployments the service had when ours started (UpdateService's answer). ECS's
   * circuit breaker rolls back to one of these; anyone else's deployment is new.
   */
  priorDeploymentIds?: string[];
}

export interface Watched {
  target: StartedDeployment;
  seen: Set<string> | undefined;
  progress?: string;
  lastFailed: number;
  reported: Set<string>;
  taskReports: string[][];
  targetReport: string[];
  loadBalancers: LoadBalancer[];
  createdAt: Date | undefined;
  /** From service events: why the ALB found a task unhealthy, by task id. */
  healthReasons: Map<string, string>;
  /** From service events since our deployment: the ids of the tasks ECS started (any deployment's). */
  startedTasks: Set<string>;
  result?: ServiceRolloutResult;
}

export const newWatched = (target: StartedDeployment, seen: Set<string> | undefined): Watched => ({
  target,
  seen,
  lastFailed: 0,
  reported: new Set(),
  taskReports: [],
  targetReport: [],
  loadBalancers: [],
  createdAt: target.createdAt,
  healthReasons: new Map(),
  startedTasks: new Set(),
});

/** The deployments still without a result. */
export const openOf = (watched: Watched[]) => watched.filter((w) => !w.result);

export function settle(
  w: Watched,
  state: ServiceRolloutResult['state'],
  detail?: string,
  extra: Partial<ServiceRolloutResult> = {},
): void {
  w.result = {
    service: w.target.service,
    taskDefinitionArn: w.target.taskDefinitionArn,
    deploymentId: w.target.deploymentId,
    state,
    ...(detail !== undefined && { detail }),
    ...extra,
  };
}

/** A result's detail: the head line, then what the stopped tasks and the targets said. */
export const detailOf = (w: Watched, head: string) =>
  [head, ...w.taskReports.flat(), ...w.targetReport].join('\n');
