/**
 * The ECS world: clusters, services, task definitions and tasks, advanced lazily
 * against the lab clock in fixed 1 s steps, so a virtual clock that jumps 30 s
 * gets exactly 30 deterministic steps.
 */
import type Docker from 'dockerode';
import type { Elbv2World } from '../elbv2/world.js';
import { AwsError, type LogSink, type SimClock } from '../types.js';
import {
  type Behaviour,
  type BehaviourMatch,
  Behaviours,
  DEFAULT_TIMINGS,
  type Timings,
} from './behaviours.js';
import { isLive, newDeployment, recordFailure, recordHealthy, stepService } from './deployments.js';
import { pushEvent, say } from './events.js';
import { IdSource } from './ids.js';
import type { Input, Tag } from './input.js';
import type { Cluster, Deployment, Service, Task, TaskDefinition } from './model.js';
import { settleServiceDeployment } from './service-deployments.js';
import { createService } from './services.js';
import { parseContainers, TaskDefinitions } from './task-definitions.js';
import { beginStop, stepTask } from './tasks.js';

export const STEP_MS = 1000;

export type AlarmState = (alarmName: string) => string | undefined;

export interface EcsDeps {
  clock: SimClock;
  logs: LogSink;
  elb: Elbv2World;
  region: string;
  account: string;
  docker?: Docker;
  registryAuth?: { username: string; password: string; serveraddress: string };
  /** Logins of other registries (the lab's second one), used for images on their hosts. */
  otherRegistryAuth?: { username: string; password: string; serveraddress: string }[];
  /** Deployment alarms: the CloudWatch state of an alarm by name. */
  alarmState?: AlarmState;
  /** Seed for ids (task ids, deployment ids, event ids). */
  seed?: number;
}

interface PendingNote {
  svc: Service;
  ids: string[];
  make: (ids: string[]) => string;
  dedupe: boolean;
}

export class EcsWorld {
  readonly clusters = new Map<string, Cluster>();
  readonly services = new Map<string, Service>();
  readonly tasks = new Map<string, Task>();
  readonly taskDefinitions: TaskDefinitions;
  readonly behaviours = new Behaviours();
  readonly ids: IdSource;
  readonly logs: LogSink;
  readonly elb: Elbv2World;
  readonly region: string;
  readonly account: string;
  readonly clock: SimClock;
  readonly docker: Docker | undefined;
  readonly registryAuth: EcsDeps['registryAuth'];
  readonly otherRegistryAuth: NonNullable<EcsDeps['otherRegistryAuth']>;
  alarmState: AlarmState | undefined;
  timing: Timings = { ...DEFAULT_TIMINGS };
  /** Fargate capacity: when false, RunTask returns failures and services cannot place tasks. */
  private capacityReason: string | undefined;
  private lastTick: number;
  private advancing = false;
  private notes = new Map<string, PendingNote>();
  private ipCounter = 10;
  /** Real containers still running (RunTask on the lab engine). */
  readonly running = new Set<Promise<void>>();

  constructor(deps: EcsDeps) {
    this.clock = deps.clock;
    this.logs = deps.logs;
    this.elb = deps.elb;
    this.region = deps.region;
    this.account = deps.account;
    this.docker = deps.docker;
    this.registryAuth = deps.registryAuth;
    this.otherRegistryAuth = deps.otherRegistryAuth ?? [];
    this.alarmState = deps.alarmState;
    this.ids = new IdSource(deps.seed ?? 1);
    this.taskDefinitions = new TaskDefinitions(deps.region, deps.account);
    this.lastTick = deps.clock.now();
    // ELBv2 reads see the targets as of now: bring ECS (which registers them) up to date first.
    this.elb.beforeRead.push((now) => this.advance(now));
  }

  /** The login a pull of `image` needs: the registry whose host the image names. */
  authFor(image: string): EcsDeps['registryAuth'] {
    const other = this.otherRegistryAuth.find((a) => image.startsWith(`${a.serveraddress}/`));
    const auth = other ?? this.registryAuth;
    return auth && { ...auth };
  }

  // ---- scenario API -------------------------------------------------------

  /** How the application in matching task definitions behaves (newest rule wins). */
  behave(match: BehaviourMatch, behaviour: Behaviour): this {
    this.behaviours.add(match, behaviour);
    return this;
  }

  /** Overrides lab timings (ms), e.g. `{ noHealthCheckHealthyMs: 5000 }`. */
  timings(overrides: Partial<Timings>): this {
    this.timing = { ...this.timing, ...overrides };
    return this;
  }

  /** Turns capacity off (RunTask failures, services unable to place tasks) or back on. */
  capacity(available: boolean, reason = 'RESOURCE:FARGATE'): this {
    this.capacityReason = available ? undefined : reason;
    return this;
  }

  /** Someone else's UpdateService (another pipeline, a console click): a new PRIMARY deployment. */
  externalUpdate(service: string, taskDefinition: string, cluster = 'default'): Deployment {
    this.advance();
    const svc = this.service(cluster, service);
    const td = this.taskDefinitions.get(taskDefinition);
    return newDeployment(this, svc, td.arn, this.clock.now());
  }

  createCluster(name: string, tags: Tag[] = [], body: Input = {}): Cluster {
    const existing = this.clusters.get(name);
    if (existing) return existing;
    const c: Cluster = {
      arn: `arn:aws:ecs:${this.region}:${this.account}:cluster/${name}`,
      name,
      createdAt: this.clock.now(),
      tags,
      body,
    };
    this.clusters.set(name, c);
    return c;
  }

  /** Seeding: RegisterTaskDefinition's input (API member names). */
  registerTaskDefinition(input: Input): TaskDefinition {
    this.advance();
    return this.taskDefinitions.register(input, this.clock.now());
  }

  /**
   * Seeding: CreateService's input (API member names). With `steady` (the default) the
   * service starts at steady state: desiredCount healthy tasks, deployment COMPLETED.
   */
  createService(input: Input, options: { steady?: boolean } = {}): Service {
    this.advance();
    if (
      !this.clusters.has(
        String(input.cluster ?? 'default')
          .split('/')
          .pop() ?? 'default',
      )
    ) {
      this.createCluster(
        String(input.cluster ?? 'default')
          .split('/')
          .pop() ?? 'default',
      );
    }
    const svc = createService(this, input, this.clock.now());
    if (options.steady !== false) this.makeSteady(svc);
    return svc;
  }

  /** Moves the world to `now` in whole steps. Re-entrant calls (via ELB reads) are ignored. */
  advance(now = this.clock.now()): void {
    if (this.advancing) return;
    this.advancing = true;
    try {
      while (this.lastTick + STEP_MS <= now) {
        this.lastTick += STEP_MS;
        this.tick(this.lastTick);
      }
    } finally {
      this.advancing = false;
    }
  }

  /** Lets the world run until `done` holds or `maxMs` of sim time pass (seeding helper for a virtual clock's owner). */
  settle(predicate: () => boolean, maxMs: number, step: (ms: number) => void): boolean {
    for (let spent = 0; spent <= maxMs; spent += STEP_MS) {
      this.advance();
      if (predicate()) return true;
      step(STEP_MS);
    }
    return false;
  }

  /** Resolves when every real container started by RunTask has finished. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  // ---- lookups -------------------------------------------------------------

  cluster(ref: string | undefined): Cluster {
    const name = (ref ?? 'default').replace(/^arn:aws[a-z-]*:ecs:[^:]+:\d+:cluster\//, '');
    const c = this.clusters.get(name);
    if (!c) throw new AwsError('ClusterNotFoundException', 'Cluster not found.');
    return c;
  }

  findService(cluster: Cluster, ref: string): Service | undefined {
    const name = ref.includes(':service/') ? (ref.split('/').pop() ?? ref) : ref;
    const s = this.services.get(`${cluster.name}/${name}`);
    return s && s.status !== 'INACTIVE' ? s : undefined;
  }

  service(clusterRef: string | undefined, ref: string): Service {
    const s = this.findService(this.cluster(clusterRef), ref);
    if (!s) throw new AwsError('ServiceNotFoundException', 'Service not found.');
    return s;
  }

  serviceTasks(svc: Service): Task[] {
    return [...this.tasks.values()].filter((x) => x.service === svc);
  }

  // ---- engine hooks (used by deployments.ts and tasks.ts) -------------------

  /** Queues a service event for the current step; tasks noted under one key share one message. */
  note(svc: Service, key: string, taskId: string, make: (ids: string[]) => string, dedupe = false): void {
    const k = `${svc.arn}|${key}`;
    const n = this.notes.get(k) ?? { svc, ids: [], make, dedupe };
    if (taskId) n.ids.push(taskId);
    this.notes.set(k, n);
  }

  placement(svc: Service): true | string {
    if (this.capacityReason === undefined) return true;
    const ec2 = svc.launchType === 'EC2';
    return ec2 ? say.unablePlace(svc.name) : say.unablePlaceReason(svc.name, this.capacityReason);
  }

  capacityFailure(): string | undefined {
    return this.capacityReason;
  }

  taskFailed(task: Task, t: number): void {
    const svc = task.service;
    const dep = svc?.history.find((d) => d.id === task.deploymentId);
    if (svc && dep) recordFailure(this, svc, dep, t);
    if (svc) svc.steady = false;
  }

  taskHealthy(task: Task): void {
    const svc = task.service;
    const dep = svc?.history.find((d) => d.id === task.deploymentId);
    if (svc && dep) recordHealthy(svc, dep);
  }

  /** A task that had been healthy exited: the service replaces it, the breaker does not count it. */
  taskLost(task: Task): void {
    if (task.service) task.service.steady = false;
  }

  stopServiceTask(task: Task, t: number, reason: string, scaling = false): void {
    const svc = task.service;
    const wasRunning = task.lastStatus === 'RUNNING';
    beginStop(this, task, t, 'ServiceSchedulerInitiated', reason);
    if (svc && wasRunning && scaling) {
      this.note(svc, 'stopped', task.id, (ids) => say.stopped(svc.name, ids));
    }
  }

  newTask(args: {
    cluster: Cluster;
    td: TaskDefinition;
    group: string;
    startedBy?: string;
    service?: Service;
    deploymentId?: string;
    launchType?: string;
    capacityProviderName?: string;
    platformVersion?: string;
    overrides?: Input;
    tags?: Tag[];
    real?: boolean;
    now: number;
  }): Task {
    const id = this.ids.hex(32);
    const defs = parseContainers(args.td);
    const behaviour = this.behaviours.find(
      args.td.family,
      args.td.revision,
      defs.map((d) => d.image),
    );
    const pendingAt = args.now + this.timing.provisioningMs;
    this.ipCounter += 1;
    const task: Task = {
      arn: `arn:aws:ecs:${this.region}:${this.account}:task/${args.cluster.name}/${id}`,
      id,
      cluster: args.cluster,
      taskDefinition: args.td,
      containerDefs: defs,
      lastStatus: 'PROVISIONING',
      desiredStatus: 'RUNNING',
      group: args.group,
      createdAt: args.now,
      containers: defs.map((d) => ({
        name: d.name,
        image: d.image,
        lastStatus: 'PENDING',
        healthStatus: 'UNKNOWN',
        runtimeId: `${id}-${this.ids.hex(10)}`,
      })),
      healthy: false,
      everHealthy: false,
      ip: `10.0.${(this.ipCounter >> 8) & 255}.${this.ipCounter & 255}`,
      overrides: args.overrides ?? {},
      tags: args.tags ?? [],
      behaviour,
      plan: { pendingAt, runningAt: pendingAt + (behaviour.startMs ?? this.timing.pendingMs) },
      pendingLogs: [],
      targets: [],
      real: args.real ?? false,
      version: 1,
      phaseAt: args.now,
    };
    if (args.startedBy !== undefined) task.startedBy = args.startedBy;
    if (args.service) task.service = args.service;
    if (args.deploymentId !== undefined) task.deploymentId = args.deploymentId;
    if (args.launchType !== undefined) task.launchType = args.launchType;
    if (args.capacityProviderName !== undefined) task.capacityProviderName = args.capacityProviderName;
    if (args.platformVersion !== undefined) task.platformVersion = args.platformVersion;
    this.tasks.set(task.arn, task);
    return task;
  }

  startServiceTasks(svc: Service, dep: Deployment, count: number, t: number): Task[] {
    const td = this.taskDefinitions.get(dep.taskDefinition);
    const started: Task[] = [];
    for (let i = 0; i < count; i += 1) {
      const strategy = dep.capacityProviderStrategy?.[0] as { capacityProvider?: string } | undefined;
      const task = this.newTask({
        cluster: svc.cluster,
        td,
        group: `service:${svc.name}`,
        startedBy: dep.id,
        service: svc,
        deploymentId: dep.id,
        ...(dep.launchType !== undefined && { launchType: dep.launchType }),
        ...(strategy?.capacityProvider !== undefined && { capacityProviderName: strategy.capacityProvider }),
        ...(dep.platformVersion !== undefined && { platformVersion: dep.platformVersion }),
        now: t,
      });
      started.push(task);
      this.note(svc, 'started', task.id, (ids) => say.started(svc.name, ids));
    }
    svc.steady = false;
    return started;
  }

  /** Service seeding: puts `desiredCount` healthy tasks in place at once and marks the deployment COMPLETED. */
  makeSteady(svc: Service): void {
    const dep = svc.deployments[0];
    if (!dep) return;
    const t = this.clock.now();
    for (const task of this.startServiceTasks(svc, dep, svc.desiredCount, t)) {
      task.lastStatus = 'RUNNING';
      task.pullStartedAt = t;
      task.pullStoppedAt = t;
      task.startedAt = t;
      task.healthy = true;
      task.everHealthy = true;
      for (const c of task.containers) {
        c.lastStatus = 'RUNNING';
        if (task.containerDefs.find((d) => d.name === c.name)?.healthCheck) c.healthStatus = 'HEALTHY';
      }
      for (const lb of svc.loadBalancers) {
        this.elb.register(lb.targetGroupArn, task.ip, lb.containerPort, t);
        this.elb.schedule(lb.targetGroupArn, task.ip, lb.containerPort, { at: t, State: 'healthy' });
        task.targets.push({ targetGroupArn: lb.targetGroupArn, port: lb.containerPort });
      }
    }
    for (const k of [...this.notes.keys()]) if (k.startsWith(`${svc.arn}|`)) this.notes.delete(k);
    dep.rolloutState = 'COMPLETED';
    dep.rolloutStateReason = `ECS deployment ${dep.id} completed.`;
    settleServiceDeployment(svc, t);
    svc.steady = true;
  }

  private tick(t: number): void {
    for (const task of this.tasks.values()) stepTask(this, task, t);
    for (const svc of this.services.values()) stepService(this, svc, t);
    for (const n of this.notes.values()) {
      pushEvent(n.svc.events, { id: this.ids.uuid(), createdAt: t, message: n.make(n.ids) }, n.dedupe);
    }
    this.notes.clear();
  }

  liveTasks(svc: Service): Task[] {
    return this.serviceTasks(svc).filter(isLive);
  }
}
