/**
 * One task's life on the lab clock: PROVISIONING → PENDING → (ACTIVATING) → RUNNING
 * → (DEACTIVATING) → STOPPING → STOPPED, with the outcome its behaviour scripts.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-lifecycle.html
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stopped-task-errors.html
 */
import { say } from './events.js';
import type { ContainerDef, Task } from './model.js';
import { targetGroupsFor } from './service-deployments.js';
import type { EcsWorld } from './world.js';

const ACTIVATING_MS = 1000;

/** The awslogs stream of a container: `<prefix>/<container>/<task id>`, else the Docker container id. */
export function logTarget(task: Task, def: ContainerDef): { group: string; stream: string } | undefined {
  if (!def.logGroup) return undefined;
  const runtimeId = task.containers.find((c) => c.name === def.name)?.runtimeId ?? task.id;
  return {
    group: def.logGroup,
    stream: def.logPrefix ? `${def.logPrefix}/${def.name}/${task.id}` : runtimeId,
  };
}

function essential(task: Task): ContainerDef | undefined {
  return task.containerDefs.find((c) => c.essential) ?? task.containerDefs[0];
}

function flushLogs(world: EcsWorld, task: Task, t: number): void {
  if (task.pendingLogs.length === 0) return;
  const def = essential(task);
  const target = def && logTarget(task, def);
  const due = task.pendingLogs.filter((l) => l.at <= t);
  task.pendingLogs = task.pendingLogs.filter((l) => l.at > t);
  if (target && due.length > 0) {
    world.logs.put(
      target.group,
      target.stream,
      due.map((l) => ({ timestamp: l.at, message: l.message })),
    );
  }
}

function setContainers(task: Task, lastStatus: string): void {
  for (const c of task.containers) c.lastStatus = lastStatus;
  task.version += 1;
}

/** How long the essential container runs before exiting by itself, or undefined when it does not. */
function exitAfter(world: EcsWorld, task: Task): number | undefined {
  const b = task.behaviour;
  if (b.outcome === 'exit') return b.after ?? world.timing.exitAfterMs;
  // A one-off task that "works" finishes; a service task that works keeps running.
  if (b.outcome === 'healthy' && !task.service) return b.after ?? world.timing.exitAfterMs;
  return undefined;
}

function toRunning(world: EcsWorld, task: Task, t: number): void {
  task.lastStatus = 'RUNNING';
  task.startedAt = t;
  setContainers(task, 'RUNNING');
  for (const def of task.containerDefs) {
    const target = logTarget(task, def);
    if (target) world.logs.ensureStream(target.group, target.stream);
  }
  const lines = task.behaviour.logLines ?? [];
  const window = exitAfter(world, task) ?? 100 * (lines.length + 1);
  lines.forEach((message, i) => {
    task.pendingLogs.push({ at: t + Math.floor(((i + 1) * window) / (lines.length + 1)), message });
  });
}

/** Registers the task's targets and scripts their health from the behaviour and the target group's checks. */
function activate(world: EcsWorld, task: Task, t: number): void {
  const svc = task.service;
  if (!svc) return;
  task.lastStatus = 'ACTIVATING';
  task.phaseAt = t;
  const b = task.behaviour;
  for (const lb of targetGroupsFor(svc, task.deploymentId)) {
    const g = world.elb.group(lb.targetGroupArn);
    world.elb.register(lb.targetGroupArn, task.ip, lb.containerPort, t);
    task.targets.push({ targetGroupArn: lb.targetGroupArn, port: lb.containerPort });
    world.note(svc, `registered|${lb.targetGroupArn}`, task.id, (ids) =>
      say.registered(svc.name, ids.length, lb.targetGroupArn),
    );
    const interval = g.healthCheck.intervalSeconds * 1000;
    const checking = {
      State: 'initial' as const,
      Reason: 'Elb.InitialHealthChecking',
      Description: 'Initial health checking',
    };
    world.elb.schedule(lb.targetGroupArn, task.ip, lb.containerPort, { at: t + 1000, ...checking });
    if (b.outcome === 'healthy') {
      world.elb.schedule(lb.targetGroupArn, task.ip, lb.containerPort, {
        at: t + (b.healthyAfterMs ?? interval),
        State: 'healthy',
      });
    } else if (b.outcome === 'unhealthy') {
      const codes = b.httpCodes ?? [503];
      world.elb.schedule(lb.targetGroupArn, task.ip, lb.containerPort, {
        at: t + (b.after ?? interval * g.healthCheck.unhealthyThresholdCount),
        State: 'unhealthy',
        Reason: 'Target.ResponseCodeMismatch',
        Description: `Health checks failed with these codes: [${codes.join(',')}]`,
      });
    }
  }
}

function markHealthy(world: EcsWorld, task: Task): void {
  if (task.healthy) return;
  task.healthy = true;
  task.everHealthy = true;
  for (const c of task.containers)
    if (task.containerDefs.find((d) => d.name === c.name)?.healthCheck) c.healthStatus = 'HEALTHY';
  task.version += 1;
  world.taskHealthy(task);
}

/** Begins stopping: ECS deregisters targets first (DEACTIVATING) and sends SIGTERM (STOPPING). */
export function beginStop(world: EcsWorld, task: Task, t: number, stopCode: string, reason?: string): void {
  if (task.desiredStatus === 'STOPPED' && task.lastStatus !== 'RUNNING') return;
  task.desiredStatus = 'STOPPED';
  task.stoppingAt = t;
  task.stopCode = stopCode;
  if (reason !== undefined) task.stoppedReason = reason;
  task.version += 1;
  if (task.lastStatus === 'PROVISIONING' || task.lastStatus === 'PENDING') {
    finish(world, task, t);
    return;
  }
  const live = task.targets.filter((x) => !world.elb.isGone(x.targetGroupArn, task.ip, x.port, t));
  if (live.length > 0 && task.service) {
    const svc = task.service;
    task.lastStatus = 'DEACTIVATING';
    for (const x of live) {
      world.elb.deregister(x.targetGroupArn, task.ip, x.port, t);
      world.note(svc, `deregistered|${x.targetGroupArn}`, task.id, (ids) =>
        say.deregistered(svc.name, ids.length, x.targetGroupArn),
      );
    }
    world.note(svc, `draining|${task.deploymentId}`, task.id, (ids) =>
      say.draining(svc.name, task.deploymentId ?? '', ids.length),
    );
  } else {
    task.lastStatus = 'STOPPING';
  }
  task.phaseAt = t;
  task.healthy = false;
}

/** The task is STOPPED: containers too, with exit codes where the container ran. */
export function finish(world: EcsWorld, task: Task, t: number, exitCode?: number): void {
  flushLogs(world, task, t);
  const ran = task.startedAt !== undefined;
  task.lastStatus = 'STOPPED';
  task.desiredStatus = 'STOPPED';
  task.healthy = false;
  task.stoppingAt ??= t;
  task.executionStoppedAt = t;
  task.stoppedAt = t;
  for (const c of task.containers) {
    c.lastStatus = 'STOPPED';
    // A scheduler or user stop is SIGTERM: a well-behaved app exits 0.
    if (ran && c.exitCode === undefined) c.exitCode = exitCode ?? 0;
  }
  task.pendingLogs = [];
  task.version += 1;
}

export function stepTask(world: EcsWorld, task: Task, t: number): void {
  if (task.real || task.lastStatus === 'STOPPED') return;
  flushLogs(world, task, t);
  const b = task.behaviour;
  const svc = task.service;
  switch (task.lastStatus) {
    case 'PROVISIONING':
      if (t >= task.plan.pendingAt) {
        task.lastStatus = 'PENDING';
        task.pullStartedAt = t;
        setContainers(task, 'PENDING');
      }
      return;
    case 'PENDING':
      if (b.outcome === 'fail-to-start' && t >= task.plan.pendingAt + (b.after ?? world.timing.pendingMs)) {
        const why =
          b.reason ??
          `CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref ${essential(task)?.image ?? ''}: not found`;
        task.stopCode = 'TaskFailedToStart';
        task.stoppedReason = why;
        const c = task.containers.find((x) => x.name === essential(task)?.name);
        if (c) c.reason = why;
        finish(world, task, t);
        world.taskFailed(task, t);
        return;
      }
      if (b.outcome !== 'fail-to-start' && t >= task.plan.runningAt) {
        task.pullStoppedAt = t;
        if (svc && svc.loadBalancers.length > 0) activate(world, task, t);
        else toRunning(world, task, t);
      }
      return;
    case 'ACTIVATING':
      if (t >= task.phaseAt + ACTIVATING_MS) toRunning(world, task, t);
      return;
    case 'RUNNING':
      runningStep(world, task, t);
      return;
    case 'DEACTIVATING':
      if (task.targets.every((x) => world.elb.isGone(x.targetGroupArn, task.ip, x.port, t))) {
        task.lastStatus = 'STOPPING';
        task.phaseAt = t;
      }
      return;
    case 'STOPPING':
    case 'DEPROVISIONING':
      if (t >= task.phaseAt + world.timing.stopMs) finish(world, task, t);
      return;
    default:
      return;
  }
}

function runningStep(world: EcsWorld, task: Task, t: number): void {
  const b = task.behaviour;
  const started = task.startedAt ?? t;
  const exitIn = exitAfter(world, task);
  if (exitIn !== undefined && t >= started + exitIn) {
    const code = b.outcome === 'exit' ? (b.exitCode ?? 1) : 0;
    const c = task.containers.find((x) => x.name === essential(task)?.name);
    if (c) c.exitCode = code;
    task.stopCode = 'EssentialContainerExited';
    task.stoppedReason = 'Essential container in task exited';
    finish(world, task, t, code);
    // A container that dies before its task was ever healthy is a failed start for the circuit breaker.
    if (task.service && !task.everHealthy) world.taskFailed(task, t);
    else if (task.service) world.taskLost(task);
    return;
  }
  const svc = task.service;
  if (!svc || task.desiredStatus !== 'RUNNING') return;
  const graceUntil = started + (svc.healthCheckGracePeriodSeconds ?? 0) * 1000;
  const hasContainerCheck = task.containerDefs.some((d) => d.healthCheck);
  if (task.targets.length > 0) {
    const states = task.targets.map((x) => ({
      x,
      h: world.elb.health(x.targetGroupArn, task.ip, x.port, t),
    }));
    if (states.every((s) => s.h.State === 'healthy')) {
      markHealthy(world, task);
      return;
    }
    const bad = states.find((s) => s.h.State === 'unhealthy');
    if (bad && t >= graceUntil) {
      world.note(svc, `unhealthy|${task.id}`, task.id, () =>
        say.unhealthyTarget(svc.name, task.id, bad.x.port, bad.x.targetGroupArn, bad.h.Description ?? ''),
      );
      world.stopServiceTask(
        task,
        t,
        `Task failed ELB health checks in (target-group ${bad.x.targetGroupArn})`,
      );
      world.taskFailed(task, t);
    }
    return;
  }
  if (hasContainerCheck) {
    if (
      b.outcome === 'unhealthy' &&
      t >= started + (b.after ?? world.timing.containerHealthMs) &&
      t >= graceUntil
    ) {
      for (const c of task.containers) c.healthStatus = 'UNHEALTHY';
      world.note(svc, `unhealthy|${task.id}`, task.id, () => say.failedContainerHealth(svc.name, task.id));
      world.stopServiceTask(task, t, 'Task failed container health checks');
      world.taskFailed(task, t);
    } else if (
      b.outcome === 'healthy' &&
      t >= started + (b.healthyAfterMs ?? world.timing.containerHealthMs)
    ) {
      markHealthy(world, task);
    }
    return;
  }
  // Nothing checks health: ECS counts the task healthy 40 s after RUNNING, whatever the app does.
  if (b.outcome !== 'hang' && t >= started + (b.healthyAfterMs ?? world.timing.noHealthCheckHealthyMs)) {
    markHealthy(world, task);
  }
}
