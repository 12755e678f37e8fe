/**
 * Service event wording, as ECS writes it (docs/aws-facts.md "Service events").
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-event-messages.html
 */

const tasks = (ids: string[]) => ids.map((id) => `(task ${id})`).join(' ');

export const say = {
  steady: (s: string) => `(service ${s}) has reached a steady state.`,
  started: (s: string, ids: string[]) => `(service ${s}) has started ${ids.length} tasks: ${tasks(ids)}.`,
  stopped: (s: string, ids: string[]) =>
    `(service ${s}) has stopped ${ids.length} running tasks: ${tasks(ids)}.`,
  registered: (s: string, n: number, tg: string) =>
    `(service ${s}) registered ${n} targets in (target-group ${tg})`,
  deregistered: (s: string, n: number, tg: string) =>
    `(service ${s}) deregistered ${n} targets in (target-group ${tg})`,
  draining: (s: string, dep: string, n: number) =>
    `(service ${s}, taskSet ${dep}) has begun draining connections on ${n} tasks.`,
  unhealthyTarget: (s: string, task: string, port: number, tg: string, why: string) =>
    `(service ${s}) (task ${task}) (port ${port}) is unhealthy in (target-group ${tg}) due to (reason ${why}).`,
  failedContainerHealth: (s: string, task: string) =>
    `(service ${s}) (task ${task}) failed container health checks.`,
  completed: (s: string, dep: string) => `(service ${s}) (deployment ${dep}) deployment completed.`,
  failedToStart: (s: string, dep: string) =>
    `(service ${s}) (deployment ${dep}) deployment failed: tasks failed to start.`,
  failedAlarm: (s: string, dep: string) =>
    `(service ${s}) (deployment ${dep}) deployment failed: alarm detected.`,
  rollingBack: (s: string, dep: string) => `(service ${s}) rolling back to deployment ${dep}.`,
  unablePlaceReason: (s: string, reason: string) =>
    `(service ${s}) was unable to place a task. Reason: ${reason}`,
  unablePlace: (s: string) =>
    `(service ${s}) was unable to place a task because no container instance met all of its requirements.`,
  unableStopStart: (s: string) =>
    `(service ${s}) was unable to stop or start tasks during a deployment because of the service deployment configuration. Update the minimumHealthyPercent or maximumPercent value and try again.`,
};

/** rolloutStateReason texts (API_Deployment; EventBridge deployment state change reasons). */
export const reason = {
  inProgress: (dep: string) => `ECS deployment ${dep} in progress.`,
  completed: (dep: string) => `ECS deployment ${dep} completed.`,
  circuitBreaker: () => 'ECS deployment circuit breaker: task failed to start.',
  rollingBack: (dep: string) => `ECS deployment circuit breaker: rolling back to deploymentId ${dep}.`,
  alarm: (names: string[]) => `ECS deployment alarms detected: ${names.join(', ')}.`,
};

export interface ServiceEvent {
  id: string;
  createdAt: number;
  message: string;
}

/** Newest first, at most 100; a repeated message is suppressed while it is still the latest one. */
export function pushEvent(list: ServiceEvent[], event: ServiceEvent, dedupe: boolean): void {
  if (dedupe && list[0]?.message === event.message) return;
  list.unshift(event);
  if (list.length > 100) list.length = 100;
}
