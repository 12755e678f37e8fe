/**
 * The rolling-update scheduler (deployment controller `ECS`), one step at a time.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-ecs.html
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-circuit-breaker.html
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-alarm-failure.html
 */
import { failureThreshold } from './circuit-breaker.js';
import { reason, say } from './events.js';
import type { Deployment, Service, Task } from './model.js';
import { beginServiceDeployment, detectorFailed, STATUS_TEXT, stepBuiltIn } from './service-deployments.js';
import type { EcsWorld } from './world.js';

export function isLive(task: Task): boolean {
  return task.desiredStatus === 'RUNNING' && task.lastStatus !== 'STOPPED';
}

export function isPendingStatus(task: Task): boolean {
  return (
    task.lastStatus === 'PROVISIONING' || task.lastStatus === 'PENDING' || task.lastStatus === 'ACTIVATING'
  );
}

/** Counted against minimumHealthyPercent: RUNNING and healthy, and not being stopped. */
function countsHealthy(task: Task): boolean {
  return isLive(task) && task.lastStatus === 'RUNNING' && task.healthy;
}

export function bounds(svc: Service): { minHealthy: number; maxTotal: number } {
  const c = svc.deploymentConfiguration;
  return {
    minHealthy: Math.ceil((svc.desiredCount * c.minimumHealthyPercent) / 100),
    maxTotal: Math.floor((svc.desiredCount * c.maximumPercent) / 100),
  };
}

export function newDeployment(world: EcsWorld, svc: Service, taskDefinition: string, t: number): Deployment {
  const id = `ecs-svc/${world.ids.digits(19)}`;
  const dep: Deployment = {
    id,
    status: 'PRIMARY',
    taskDefinition,
    createdAt: t,
    updatedAt: t,
    rolloutState: 'IN_PROGRESS',
    rolloutStateReason: reason.inProgress(id),
    failedTasks: 0,
    alarmsIgnored: alarmsFiring(world, svc).length > 0,
  };
  if (svc.launchType !== undefined) dep.launchType = svc.launchType;
  if (svc.capacityProviderStrategy !== undefined) dep.capacityProviderStrategy = svc.capacityProviderStrategy;
  if (svc.platformVersion !== undefined) dep.platformVersion = svc.platformVersion;
  if (svc.networkConfiguration !== undefined) dep.networkConfiguration = svc.networkConfiguration;
  // The deployment this one replaces (even one still IN_PROGRESS) becomes ACTIVE and is drained.
  for (const d of svc.deployments) {
    if (d.status === 'PRIMARY') {
      d.status = 'ACTIVE';
      d.updatedAt = t;
    }
  }
  svc.deployments.unshift(dep);
  svc.history.push(dep);
  svc.steady = false;
  beginServiceDeployment(world, svc, dep, t);
  return dep;
}

/** Deployment alarms of the service now in ALARM (none when alarms are off). */
export function alarmsFiring(world: EcsWorld, svc: Service): string[] {
  const a = svc.deploymentConfiguration.alarms;
  const state = world.alarmState;
  if (!a?.enable || !state) return [];
  return a.alarmNames.filter((n) => state(n) === 'ALARM');
}

/** The circuit breaker counts a failure; at its threshold the deployment fails (and maybe rolls back). */
export function recordFailure(world: EcsWorld, svc: Service, dep: Deployment, t: number): void {
  // Only a deployment still rolling out counts: a FAILED or replaced one is no longer judged.
  if (dep.status !== 'PRIMARY' || dep.rolloutState !== 'IN_PROGRESS') return;
  dep.failedTasks += 1;
  dep.updatedAt = t;
  const cb = svc.deploymentConfiguration.deploymentCircuitBreaker;
  if (!cb.enable) return;
  if (dep.failedTasks >= failureThreshold(cb, svc.desiredCount)) {
    world.note(svc, `failed|${dep.id}`, '', () => say.failedToStart(svc.name, dep.id));
    fail(world, svc, dep, t, reason.circuitBreaker(), cb.rollback === true);
  }
}

export function recordHealthy(svc: Service, dep: Deployment): void {
  if (svc.deploymentConfiguration.deploymentCircuitBreaker.resetOnHealthyTask !== false) dep.failedTasks = 0;
}

function fail(
  world: EcsWorld,
  svc: Service,
  dep: Deployment,
  t: number,
  why: string,
  rollback: boolean,
): void {
  dep.rolloutState = 'FAILED';
  dep.rolloutStateReason = why;
  dep.updatedAt = t;
  // Built-in strategies roll back by a traffic shift while blue runs (service-deployments.ts).
  if (detectorFailed(world, svc, dep, t, STATUS_TEXT.circuitBreaker, rollback)) return;
  if (!rollback) return;
  // The newest COMPLETED deployment; a first deployment has nothing to roll back to.
  const target = [...svc.history].reverse().find((d) => d !== dep && d.rolloutState === 'COMPLETED');
  if (!target) return;
  target.status = 'PRIMARY';
  target.rolloutState = 'IN_PROGRESS';
  target.rolloutStateReason = reason.rollingBack(target.id);
  target.failedTasks = 0;
  target.updatedAt = t;
  delete target.steadyAt;
  target.alarmsIgnored = alarmsFiring(world, svc).length > 0;
  dep.status = 'ACTIVE';
  svc.deployments = [target, ...svc.deployments.filter((d) => d !== target)];
  svc.steady = false;
  world.note(svc, `rollback|${target.id}`, '', () => say.rollingBack(svc.name, target.id));
}

/** One scheduler step for a service: alarms, stops, starts, draining, completion. */
export function stepService(world: EcsWorld, svc: Service, t: number): void {
  const primary = svc.deployments[0];
  if (!primary || svc.status !== 'ACTIVE') return;
  if (stepBuiltIn(world, svc, t)) return;
  const tasks = world.serviceTasks(svc);

  const alarms = svc.deploymentConfiguration.alarms;
  if (primary.rolloutState === 'IN_PROGRESS' && !primary.alarmsIgnored && alarms) {
    const firing = alarmsFiring(world, svc);
    if (firing.length > 0) {
      world.note(svc, `alarm|${primary.id}`, '', () => say.failedAlarm(svc.name, primary.id));
      fail(world, svc, primary, t, reason.alarm(firing), alarms.rollback);
    }
  }

  const current = svc.deployments[0] ?? primary;
  const { minHealthy, maxTotal } = bounds(svc);
  const live = tasks.filter(isLive);
  let healthy = live.filter(countsHealthy).length;
  const ours = live.filter((x) => x.deploymentId === current.id);
  const order = new Map(svc.deployments.map((d, i) => [d.id, i]));
  // Old tasks first (oldest deployment first), then primary tasks beyond the desired count; unhealthy ones go first.
  const candidates = [
    ...live
      .filter((x) => x.deploymentId !== current.id)
      .sort((a, b) => (order.get(b.deploymentId ?? '') ?? 0) - (order.get(a.deploymentId ?? '') ?? 0)),
    ...ours.slice(svc.desiredCount),
  ].sort((a, b) => Number(countsHealthy(a)) - Number(countsHealthy(b)));
  let stopped = 0;
  const mayReplace = current.rolloutState !== 'FAILED';
  for (const task of candidates) {
    const isHealthy = countsHealthy(task);
    if (!mayReplace && isHealthy && task.deploymentId !== current.id) continue;
    if (isHealthy && healthy - 1 < minHealthy) continue;
    if (isHealthy) healthy -= 1;
    world.stopServiceTask(task, t, `Scaling activity initiated by (deployment ${current.id})`, true);
    stopped += 1;
  }

  const liveNow = tasks.filter(isLive).length;
  const oursNow = tasks.filter((x) => isLive(x) && x.deploymentId === current.id).length;
  const need = mayReplace ? svc.desiredCount - oursNow : 0;
  const room = maxTotal - liveNow;
  let started = 0;
  if (need > 0 && room > 0) {
    const placed = world.placement(svc);
    if (placed === true) {
      started = Math.min(need, room);
      world.startServiceTasks(svc, current, started, t);
    } else {
      world.note(svc, 'unable-place', '', () => placed, true);
    }
  }

  const oldLive = tasks.filter((x) => isLive(x) && x.deploymentId !== current.id).length;
  const inFlight = tasks.some(
    (x) => x.lastStatus !== 'STOPPED' && (!isLive(x) || (x.deploymentId === current.id && !x.healthy)),
  );
  if (mayReplace && stopped === 0 && started === 0 && !inFlight && (need > 0 || oldLive > 0)) {
    world.note(svc, 'unable-stop-start', '', () => say.unableStopStart(svc.name), true);
  }

  // An old deployment leaves the list once all its tasks have stopped.
  const remaining = world.serviceTasks(svc);
  for (const d of svc.deployments.slice(1)) {
    if (!remaining.some((x) => x.deploymentId === d.id && x.lastStatus !== 'STOPPED')) {
      d.status = 'INACTIVE';
      d.updatedAt = t;
    }
  }
  svc.deployments = svc.deployments.filter((d) => d.status !== 'INACTIVE');

  const steadyNow =
    svc.deployments.length === 1 &&
    remaining.filter((x) => x.lastStatus !== 'STOPPED').length === svc.desiredCount &&
    remaining.filter(countsHealthy).length === svc.desiredCount;
  if (!steadyNow) {
    delete current.steadyAt;
    if (started > 0 || stopped > 0) svc.steady = false;
    return;
  }
  if (current.rolloutState === 'IN_PROGRESS') {
    current.steadyAt ??= t;
    // With deployment alarms, ECS keeps watching for a bake time before it calls the deployment done.
    const bake = alarms?.enable && !current.alarmsIgnored ? world.timing.alarmBakeMs : 0;
    if (t < current.steadyAt + bake) return;
    current.rolloutState = 'COMPLETED';
    current.rolloutStateReason = reason.completed(current.id);
    current.updatedAt = t;
    world.note(svc, `completed|${current.id}`, '', () => say.completed(svc.name, current.id));
  }
  if (!svc.steady) {
    svc.steady = true;
    world.note(svc, 'steady', '', () => say.steady(svc.name));
  }
}

export function failureThresholdFor(svc: Service): number {
  return failureThreshold(svc.deploymentConfiguration.deploymentCircuitBreaker, svc.desiredCount);
}
