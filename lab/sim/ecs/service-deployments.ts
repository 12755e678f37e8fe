/**
 * ECS's built-in blue/green, linear and canary deployments over lab time: the
 * lifecycle stages, lifecycle hooks, traffic shifts on the listener rules, and
 * rollback while blue still runs (docs/aws-facts.md "Built-in deployments"; docs/lab.md "Built-in deployments").
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/blue-green-deployment-how-it-works.html
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-lifecycle-hooks.html
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/pause-lifecycle-hooks.html
 */
import { alarmsFiring } from './deployments.js';
import { say } from './events.js';
import type { Deployment, LoadBalancer, Service } from './model.js';
import {
  type BuiltInStrategy,
  bakeMinutes,
  builtInStrategy,
  type HookConfig,
  hooksOf,
  STAGE_ORDER,
  type Stage,
  trafficSteps,
} from './strategy.js';
import { checkWiring, type Wiring, writeWeights } from './wiring.js';
import type { EcsWorld } from './world.js';

export type { Stage } from './strategy.js';

export type SdStatus =
  | 'PENDING'
  | 'IN_PROGRESS'
  | 'STOP_REQUESTED'
  | 'ROLLBACK_REQUESTED'
  | 'ROLLBACK_IN_PROGRESS'
  | 'SUCCESSFUL'
  | 'STOPPED'
  | 'ROLLBACK_SUCCESSFUL'
  | 'ROLLBACK_FAILED';

export interface HookRun {
  hookId: string;
  targetType: 'AWS_LAMBDA' | 'PAUSE';
  targetArn?: string;
  status: 'AWAITING_ACTION' | 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT';
  expiresAt: number;
  timeoutAction: 'ROLLBACK' | 'CONTINUE';
  /** Lambda hooks: when the lab's always-SUCCEEDED answer arrives. */
  doneAt?: number;
}

export interface ServiceDeployment {
  arn: string;
  svc: Service;
  strategy: BuiltInStrategy;
  green: Deployment;
  blue?: Deployment;
  status: SdStatus;
  statusReason?: string;
  stage: Stage;
  /** `work`: the stage's own action; `hooks`: its lifecycle hooks run. */
  phase: 'work' | 'hooks';
  stageAt: number;
  createdAt: number;
  startedAt: number;
  updatedAt: number;
  finishedAt?: number;
  stoppedAt?: number;
  /** Green's share (%) of production and test traffic. */
  prod: number;
  test: number;
  steps: number[];
  step: number;
  stepBakeMinutes: number;
  bakeMinutes: number;
  hookConfigs: HookConfig[];
  /** Hooks of the current stage (AWS does not say whether finished ones stay listed [gap]). */
  hooks: HookRun[];
  wiring?: Wiring;
  wiringError?: string;
  rollback?: { reason: string; startedAt: number; serviceRevisionArn: string };
  /** The configuration the deployment runs with, as DescribeServiceDeployments shows it. */
  configuration: Record<string, unknown>;
}

export const STATUS_TEXT = {
  circuitBreaker: 'Service deployment rolled back because the circuit breaker threshold was exceeded.',
  hookFailed: 'Service deployment rolled back',
  noCandidate: 'No rollback candidate was found to run the rollback',
  // AWS documents no text for these [gap]: the lab's own.
  alarm: (names: string[]) =>
    `Service deployment rolled back because alarm(s) ${names.join(', ')} went into ALARM.`,
  userRollback: 'Service deployment rolled back by StopServiceDeployment.',
  userStop: 'Service deployment stopped by StopServiceDeployment.',
  timedOut: (hookId: string) => `Service deployment rolled back because lifecycle hook ${hookId} timed out.`,
  superseded: 'Service deployment stopped because a newer service deployment started.',
};

const digits = (depId: string) => depId.replace(/^ecs-svc\//, '');

export function revisionArn(world: EcsWorld, svc: Service, dep: Deployment): string {
  return `arn:aws:ecs:${world.region}:${world.account}:service-revision/${svc.cluster.name}/${svc.name}/${digits(dep.id)}`;
}

export function currentOf(svc: Service): ServiceDeployment | undefined {
  return svc.serviceDeployments?.at(-1);
}

export const ONGOING: SdStatus[] = [
  'PENDING',
  'IN_PROGRESS',
  'STOP_REQUESTED',
  'ROLLBACK_REQUESTED',
  'ROLLBACK_IN_PROGRESS',
];

function activeFor(svc: Service, depId: string | undefined): ServiceDeployment | undefined {
  const sd = currentOf(svc);
  return sd && sd.green.id === depId && ONGOING.includes(sd.status) ? sd : undefined;
}

/** Target groups a task of `depId` registers in: green tasks go in the alternate (non-live) target group. */
export function targetGroupsFor(svc: Service, depId: string | undefined): LoadBalancer[] {
  const sd = svc.serviceDeployments?.find((x) => x.green.id === depId);
  if (!sd?.wiring) return svc.loadBalancers;
  const w = sd.wiring;
  return svc.loadBalancers.map((lb) => (lb === w.lb ? { ...lb, targetGroupArn: w.greenTg } : lb));
}

/** The target group production traffic is on now: the last successful deployment's green, else the service's own. */
export function liveTargetGroup(svc: Service, lb: LoadBalancer): string {
  const done = [...(svc.serviceDeployments ?? [])]
    .reverse()
    .find((x) => x.status === 'SUCCESSFUL' && x.wiring);
  return done?.wiring?.lb.targetGroupArn === lb.targetGroupArn ? done.wiring.greenTg : lb.targetGroupArn;
}

/** Called by newDeployment for a built-in strategy: the service deployment that moves traffic to `dep`. */
export function beginServiceDeployment(world: EcsWorld, svc: Service, dep: Deployment, t: number): void {
  const rest = svc.deploymentConfiguration.rest;
  const strategy = builtInStrategy(rest);
  if (!strategy) return;
  const previous = currentOf(svc);
  const blue = [...svc.history].reverse().find((d) => d !== dep && d.rolloutState === 'COMPLETED');
  const { steps, stepBakeMinutes } = trafficSteps(rest);
  const sd: ServiceDeployment = {
    arn: `arn:aws:ecs:${world.region}:${world.account}:service-deployment/${svc.cluster.name}/${svc.name}/${world.ids.hex(22)}`,
    svc,
    strategy,
    green: dep,
    ...(blue && { blue }),
    status: 'PENDING',
    stage: 'PRE_SCALE_UP',
    phase: 'work',
    stageAt: t,
    createdAt: t,
    startedAt: t,
    updatedAt: t,
    prod: 0,
    test: 0,
    steps,
    step: 0,
    stepBakeMinutes,
    bakeMinutes: bakeMinutes(rest),
    hookConfigs: hooksOf(rest),
    hooks: [],
    configuration: structuredClone({ ...rest, ...svc.deploymentConfiguration }),
  };
  const wired = checkWiring(world, svc, liveTargetGroup);
  if (typeof wired === 'string') sd.wiringError = wired;
  else if (wired) sd.wiring = wired;
  if (previous && ONGOING.includes(previous.status)) supersede(world, previous, t);
  // More than one revision still running at start: ECS reconciles first (RECONCILE_SERVICE).
  const running = new Set(world.liveTasks(svc).map((x) => x.deploymentId));
  running.delete(blue?.id);
  if (running.size > 0) sd.stage = 'RECONCILE_SERVICE';
  svc.serviceDeployments = [...(svc.serviceDeployments ?? []), sd];
}

function supersede(world: EcsWorld, old: ServiceDeployment, t: number): void {
  old.prod = 0;
  old.test = 0;
  writeWeights(world, old);
  finishAs(old, 'STOPPED', t, STATUS_TEXT.superseded);
  old.stoppedAt = t;
  old.green.rolloutState = 'FAILED';
}

/** Seeding (world.makeSteady): the first deployment is already done, its rules as seeded. */
export function settleServiceDeployment(svc: Service, t: number): void {
  const sd = currentOf(svc);
  if (!sd || !ONGOING.includes(sd.status)) return;
  sd.prod = 100;
  sd.test = 100;
  sd.stage = 'CLEAN_UP';
  sd.stageAt = t;
  finishAs(sd, 'SUCCESSFUL', t);
  // The seeded service serves from its own target group: there is no green target group yet.
  delete sd.wiring;
}

export function finishAs(sd: ServiceDeployment, status: SdStatus, t: number, why?: string): void {
  sd.status = status;
  sd.finishedAt = t;
  sd.updatedAt = t;
  if (why !== undefined) sd.statusReason = why;
  for (const h of sd.hooks)
    if (h.status === 'AWAITING_ACTION' || h.status === 'IN_PROGRESS') h.status = 'FAILED';
}

function enter(sd: ServiceDeployment, stage: Stage, t: number): void {
  sd.stage = stage;
  sd.phase = 'work';
  sd.stageAt = t;
  sd.updatedAt = t;
  sd.hooks = [];
}

function openHooks(world: EcsWorld, sd: ServiceDeployment, t: number): void {
  sd.phase = 'hooks';
  sd.hooks = sd.hookConfigs
    .filter((h) => h.lifecycleStages.includes(sd.stage))
    .map((h) => ({
      hookId: h.targetType === 'PAUSE' ? `ecs-pause-${world.ids.hex(43)}` : `ecs-hook-${world.ids.hex(43)}`,
      targetType: h.targetType,
      ...(h.hookTargetArn !== undefined && { targetArn: h.hookTargetArn }),
      status: h.targetType === 'PAUSE' ? 'AWAITING_ACTION' : 'IN_PROGRESS',
      expiresAt: t + h.timeoutInMinutes * world.timing.minuteMs,
      timeoutAction: h.timeoutAction,
      ...(h.targetType === 'AWS_LAMBDA' && { doneAt: t + world.timing.lambdaHookMs }),
    }));
}

/** Lambda answers and PAUSE timeouts; true when every hook of the stage let the deployment go on. */
function hooksDone(world: EcsWorld, sd: ServiceDeployment, t: number): boolean {
  for (const h of sd.hooks) {
    if (h.status === 'IN_PROGRESS' && h.doneAt !== undefined && t >= h.doneAt) h.status = 'SUCCEEDED';
    if ((h.status === 'AWAITING_ACTION' || h.status === 'IN_PROGRESS') && t >= h.expiresAt) {
      h.status = 'TIMED_OUT';
      if (h.timeoutAction === 'ROLLBACK') {
        startRollback(world, sd, t, STATUS_TEXT.timedOut(h.hookId), false);
        return false;
      }
    }
  }
  return sd.hooks.every((h) => h.status === 'SUCCEEDED' || h.status === 'TIMED_OUT');
}

/** Green at the desired count and healthy (failed tasks are replaced; the circuit breaker counts them). */
function scaleGreen(world: EcsWorld, sd: ServiceDeployment, t: number): boolean {
  const svc = sd.svc;
  const green = world.liveTasks(svc).filter((x) => x.deploymentId === sd.green.id);
  const need = svc.desiredCount - green.length;
  if (need > 0) {
    const placed = world.placement(svc);
    if (placed === true) world.startServiceTasks(svc, sd.green, need, t);
    else world.note(svc, 'unable-place', '', () => placed, true);
    return false;
  }
  return green.filter((x) => x.lastStatus === 'RUNNING' && x.healthy).length >= svc.desiredCount;
}

function stopTasksOf(world: EcsWorld, svc: Service, keep: string, t: number, by: string): boolean {
  const others = world.liveTasks(svc).filter((x) => x.deploymentId !== keep);
  for (const task of others)
    world.stopServiceTask(task, t, `Scaling activity initiated by (deployment ${by})`, true);
  return !world.serviceTasks(svc).some((x) => x.deploymentId !== keep && x.lastStatus !== 'STOPPED');
}

function shifted(world: EcsWorld, sd: ServiceDeployment, t: number): boolean {
  return t >= sd.stageAt + world.timing.trafficShiftMs;
}

/** The stage's own action; true when it is done and the stage's hooks may run. */
function work(world: EcsWorld, sd: ServiceDeployment, t: number): boolean {
  const svc = sd.svc;
  switch (sd.stage) {
    case 'RECONCILE_SERVICE':
      return stopTasksOf(world, svc, sd.blue?.id ?? sd.green.id, t, sd.green.id) || !sd.blue;
    case 'SCALE_UP':
      return scaleGreen(world, sd, t);
    case 'TEST_TRAFFIC_SHIFT':
      if (!shifted(world, sd, t)) return false;
      sd.test = 100;
      writeWeights(world, sd);
      return true;
    case 'PRODUCTION_TRAFFIC_SHIFT':
      if (!shifted(world, sd, t)) return false;
      sd.prod = sd.steps[sd.step] ?? 100;
      writeWeights(world, sd);
      return true;
    case 'BAKE_TIME':
      return t >= sd.stageAt + sd.bakeMinutes * world.timing.minuteMs;
    case 'CLEAN_UP':
      return stopTasksOf(world, svc, sd.green.id, t, sd.green.id);
    default:
      return true;
  }
}

function next(world: EcsWorld, sd: ServiceDeployment, t: number): void {
  if (sd.stage === 'PRODUCTION_TRAFFIC_SHIFT' && sd.step < sd.steps.length - 1) {
    // LINEAR/CANARY: wait the step bake, then PRE_PRODUCTION_TRAFFIC_SHIFT again (a new hookId per step).
    if (t < sd.stageAt + world.timing.trafficShiftMs + sd.stepBakeMinutes * world.timing.minuteMs) return;
    sd.step += 1;
    enter(sd, 'PRE_PRODUCTION_TRAFFIC_SHIFT', t);
    return;
  }
  if (sd.stage === 'CLEAN_UP') {
    complete(world, sd, t);
    return;
  }
  const following = STAGE_ORDER[STAGE_ORDER.indexOf(sd.stage) + 1];
  if (following) enter(sd, following, t);
}

function complete(world: EcsWorld, sd: ServiceDeployment, t: number): void {
  const svc = sd.svc;
  finishAs(sd, 'SUCCESSFUL', t);
  sd.green.rolloutState = 'COMPLETED';
  sd.green.rolloutStateReason = `ECS deployment ${sd.green.id} completed.`;
  sd.green.updatedAt = t;
  for (const d of svc.deployments.slice(1)) d.status = 'INACTIVE';
  svc.deployments = svc.deployments.filter((d) => d.status !== 'INACTIVE');
  world.note(svc, `completed|${sd.green.id}`, '', () => say.completed(svc.name, sd.green.id));
  svc.steady = true;
  world.note(svc, 'steady', '', () => say.steady(svc.name));
}

/** Rollback before CLEAN_UP: traffic back to blue (one shift), then green scaled in. */
export function startRollback(
  world: EcsWorld,
  sd: ServiceDeployment,
  t: number,
  why: string,
  requested: boolean,
): void {
  const svc = sd.svc;
  sd.green.rolloutState = 'FAILED';
  sd.green.rolloutStateReason = why;
  sd.green.updatedAt = t;
  for (const h of sd.hooks)
    if (h.status === 'AWAITING_ACTION' || h.status === 'IN_PROGRESS') h.status = 'FAILED';
  if (!sd.blue) {
    finishAs(sd, 'ROLLBACK_FAILED', t, STATUS_TEXT.noCandidate);
    return;
  }
  sd.status = requested ? 'ROLLBACK_REQUESTED' : 'ROLLBACK_IN_PROGRESS';
  sd.statusReason = why;
  sd.updatedAt = t;
  sd.rollback = { reason: why, startedAt: t, serviceRevisionArn: revisionArn(world, svc, sd.blue) };
  // There is no ROLLBACK stage: ECS re-runs the traffic shifts, back to blue [doc]; the lab shows PRODUCTION_TRAFFIC_SHIFT [gap].
  const answered = sd.hooks;
  enter(sd, 'PRODUCTION_TRAFFIC_SHIFT', t);
  // The hook that failed or timed out stays listed, so a watcher sees why [gap].
  sd.hooks = answered;
  world.note(svc, `rollback|${sd.blue.id}`, '', () => say.rollingBack(svc.name, sd.blue?.id ?? ''));
}

function stepRollback(world: EcsWorld, sd: ServiceDeployment, t: number): void {
  const svc = sd.svc;
  const blue = sd.blue;
  if (!blue) return;
  if (sd.status === 'ROLLBACK_REQUESTED') {
    sd.status = 'ROLLBACK_IN_PROGRESS';
    sd.updatedAt = t;
    return;
  }
  if (sd.prod > 0 || sd.test > 0) {
    if (!shifted(world, sd, t)) return;
    sd.prod = 0;
    sd.test = 0;
    writeWeights(world, sd);
    return;
  }
  if (!stopTasksOf(world, svc, blue.id, t, blue.id)) return;
  finishAs(sd, 'ROLLBACK_SUCCESSFUL', t);
  blue.status = 'PRIMARY';
  blue.rolloutState = 'COMPLETED';
  blue.updatedAt = t;
  sd.green.status = 'INACTIVE';
  svc.deployments = [blue, ...svc.deployments.filter((d) => d !== blue && d.status !== 'INACTIVE')];
  svc.steady = true;
  world.note(svc, 'steady', '', () => say.steady(svc.name));
}

/** A detector (circuit breaker, alarm) failed green: roll back when its `rollback` is on, else stop. */
export function detectorFailed(
  world: EcsWorld,
  svc: Service,
  dep: Deployment,
  t: number,
  why: string,
  rollback: boolean,
): boolean {
  const sd = activeFor(svc, dep.id);
  if (!sd) return false;
  if (sd.status !== 'IN_PROGRESS' && sd.status !== 'PENDING') return true;
  if (rollback) startRollback(world, sd, t, why, false);
  else {
    finishAs(sd, 'STOPPED', t, why);
    sd.stoppedAt = t;
  }
  return true;
}

/** One step of a built-in service; false when the service is not run by a built-in deployment now. */
export function stepBuiltIn(world: EcsWorld, svc: Service, t: number): boolean {
  const sd = currentOf(svc);
  if (!sd) return false;
  // After success or a rollback the rolling scheduler keeps the service at its desired count;
  // a STOPPED or ROLLBACK_FAILED deployment stays frozen where it stopped [gap].
  if (!ONGOING.includes(sd.status)) return sd.status !== 'SUCCESSFUL' && sd.status !== 'ROLLBACK_SUCCESSFUL';
  if (sd.status === 'PENDING') {
    sd.status = 'IN_PROGRESS';
    sd.updatedAt = t;
    if (sd.wiringError !== undefined) startRollback(world, sd, t, sd.wiringError, false);
    return true;
  }
  if (sd.status === 'ROLLBACK_REQUESTED' || sd.status === 'ROLLBACK_IN_PROGRESS') {
    stepRollback(world, sd, t);
    return true;
  }
  if (sd.status === 'STOP_REQUESTED') {
    finishAs(sd, 'STOPPED', t, STATUS_TEXT.userStop);
    sd.stoppedAt = t;
    return true;
  }
  const alarms = svc.deploymentConfiguration.alarms;
  const firing = sd.green.alarmsIgnored ? [] : alarmsFiring(world, svc);
  if (firing.length > 0 && sd.stage !== 'CLEAN_UP') {
    world.note(svc, `alarm|${sd.green.id}`, '', () => say.failedAlarm(svc.name, sd.green.id));
    detectorFailed(world, svc, sd.green, t, STATUS_TEXT.alarm(firing), alarms?.rollback === true);
    return true;
  }
  if (!['RECONCILE_SERVICE', 'PRE_SCALE_UP', 'SCALE_UP'].includes(sd.stage)) scaleGreen(world, sd, t);
  if (sd.phase === 'work') {
    if (!work(world, sd, t)) return true;
    openHooks(world, sd, t);
  }
  if (hooksDone(world, sd, t)) next(world, sd, t);
  return true;
}
