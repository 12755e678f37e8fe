/**
 * ELBv2 target groups and target health. A target's health is a timeline of
 * states (set by whoever knows how the application answers: the ECS engine for
 * service tasks), so DescribeTargetHealth is a pure function of the clock.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetHealth.html
 */
import { AwsError, type SimClock } from '../types.js';
import { ListenerRules } from './rules.js';

export type TargetState = 'initial' | 'healthy' | 'unhealthy' | 'unused' | 'draining' | 'unavailable';

export interface TargetHealth {
  State: TargetState;
  Reason?: string;
  Description?: string;
}

export interface HealthCheckConfig {
  protocol: string;
  path: string;
  port: string;
  intervalSeconds: number;
  timeoutSeconds: number;
  healthyThresholdCount: number;
  unhealthyThresholdCount: number;
  matcher: string;
}

export interface TargetGroup {
  arn: string;
  name: string;
  protocol: string;
  port: number;
  vpcId: string;
  targetType: 'ip' | 'instance' | 'lambda' | 'alb';
  deregistrationDelaySeconds: number;
  healthCheck: HealthCheckConfig;
  loadBalancerArns: string[];
  tags: { Key: string; Value: string }[];
  targets: Map<string, RegisteredTarget>;
}

interface HealthStep extends TargetHealth {
  at: number;
}

interface RegisteredTarget {
  id: string;
  port: number;
  registeredAt: number;
  /** Sorted by `at`; the last step at or before now is the state. */
  timeline: HealthStep[];
  /** Set by DeregisterTargets: the target is gone once the deregistration delay has passed. */
  drainingUntil?: number;
}

export interface TargetGroupSeed {
  name: string;
  port?: number;
  protocol?: string;
  vpcId?: string;
  targetType?: TargetGroup['targetType'];
  /** AWS's default is 300 s; the lab's seeding default is the world's `labDeregistrationDelaySeconds`. */
  deregistrationDelaySeconds?: number;
  healthCheck?: Partial<HealthCheckConfig>;
  loadBalancerArns?: string[];
}

const key = (id: string, port: number) => `${id}:${port}`;

/** Defaults documented for HTTP target groups (target-group-health-checks.html). */
export const AWS_HEALTH_CHECK_DEFAULTS: HealthCheckConfig = {
  protocol: 'HTTP',
  path: '/',
  port: 'traffic-port',
  intervalSeconds: 30,
  timeoutSeconds: 6,
  healthyThresholdCount: 5,
  unhealthyThresholdCount: 2,
  matcher: '200',
};

export class Elbv2World {
  readonly groups = new Map<string, TargetGroup>();
  /** Seeded target groups default to a short delay and interval so a lab deployment takes seconds, not minutes. */
  labDeregistrationDelaySeconds = 5;
  labHealthCheckIntervalSeconds = 5;
  /** Called before reads so that other engines (ECS) bring their targets up to date first. */
  readonly beforeRead: ((now: number) => void)[] = [];
  /** Listeners and listener rules (rules.ts): what ECS's built-in deployments re-weight. */
  readonly rules: ListenerRules = new ListenerRules(this);
  private counter = 0;

  constructor(
    private readonly clock: SimClock,
    readonly region: string,
    readonly account: string,
  ) {}

  sync(): number {
    const now = this.clock.now();
    for (const hook of this.beforeRead) hook(now);
    return now;
  }

  /** Lab seeding: lab-sized defaults (short delay, short interval). */
  createTargetGroup(seed: TargetGroupSeed): TargetGroup {
    return this.addGroup({
      ...seed,
      deregistrationDelaySeconds: seed.deregistrationDelaySeconds ?? this.labDeregistrationDelaySeconds,
      healthCheck: { intervalSeconds: this.labHealthCheckIntervalSeconds, ...seed.healthCheck },
    });
  }

  /** The API's CreateTargetGroup: AWS defaults (300 s delay, 30 s interval). */
  addGroup(seed: TargetGroupSeed): TargetGroup {
    for (const g of this.groups.values()) {
      if (g.name === seed.name) {
        throw new AwsError(
          'DuplicateTargetGroupName',
          `A target group with the same name '${seed.name}' exists`,
        );
      }
    }
    this.counter += 1;
    const suffix = (0x1a2b3c4d5e6f0000n + BigInt(this.counter)).toString(16).padStart(16, '0');
    const arn = `arn:aws:elasticloadbalancing:${this.region}:${this.account}:targetgroup/${seed.name}/${suffix}`;
    const group: TargetGroup = {
      arn,
      name: seed.name,
      protocol: seed.protocol ?? 'HTTP',
      port: seed.port ?? 80,
      vpcId: seed.vpcId ?? 'vpc-0lab0000000000001',
      targetType: seed.targetType ?? 'ip',
      deregistrationDelaySeconds: seed.deregistrationDelaySeconds ?? 300,
      healthCheck: { ...AWS_HEALTH_CHECK_DEFAULTS, ...seed.healthCheck },
      loadBalancerArns: seed.loadBalancerArns ?? [],
      tags: [],
      targets: new Map(),
    };
    this.groups.set(arn, group);
    return group;
  }

  group(arn: string): TargetGroup {
    const g = this.groups.get(arn);
    if (!g) throw new AwsError('TargetGroupNotFound', `Target groups '${arn}' not found`);
    return g;
  }

  register(arn: string, id: string, port: number | undefined, at: number): void {
    const g = this.group(arn);
    const p = port ?? g.port;
    g.targets.set(key(id, p), {
      id,
      port: p,
      registeredAt: at,
      timeline: [
        {
          at,
          State: 'initial',
          Reason: 'Elb.RegistrationInProgress',
          Description: 'Target registration is in progress',
        },
      ],
    });
  }

  /** Appends a future (or present) health state; the engine that knows the application decides it. */
  schedule(arn: string, id: string, port: number, step: HealthStep): void {
    const t = this.group(arn).targets.get(key(id, port));
    if (!t || t.drainingUntil !== undefined) return;
    t.timeline.push(step);
    t.timeline.sort((a, b) => a.at - b.at);
  }

  deregister(arn: string, id: string, port: number | undefined, at: number): void {
    const g = this.group(arn);
    const t = g.targets.get(key(id, port ?? g.port));
    if (!t || t.drainingUntil !== undefined) return;
    // Future steps no longer apply: the target stops receiving health checks while it drains.
    t.timeline = t.timeline.filter((s) => s.at <= at);
    t.timeline.push({
      at,
      State: 'draining',
      Reason: 'Target.DeregistrationInProgress',
      Description: 'Target deregistration is in progress',
    });
    t.drainingUntil = at + g.deregistrationDelaySeconds * 1000;
  }

  /** Health at `now`; `unused`/`Target.NotRegistered` once a target is gone or was never registered. */
  health(arn: string, id: string, port: number | undefined, now: number): TargetHealth {
    const g = this.group(arn);
    const t = g.targets.get(key(id, port ?? g.port));
    if (!t || (t.drainingUntil !== undefined && now >= t.drainingUntil)) {
      return {
        State: 'unused',
        Reason: 'Target.NotRegistered',
        Description: 'Target is not registered to the target group',
      };
    }
    let current: HealthStep | undefined;
    for (const s of t.timeline) if (s.at <= now) current = s;
    const { at: _at, ...h } = current ?? { at: 0, State: 'initial' as const };
    return h;
  }

  /** Registered targets at `now` (drained ones are forgotten, as AWS forgets them). */
  targets(arn: string, now: number): { id: string; port: number }[] {
    const g = this.group(arn);
    for (const [k, t] of g.targets)
      if (t.drainingUntil !== undefined && now >= t.drainingUntil) g.targets.delete(k);
    return [...g.targets.values()].map((t) => ({ id: t.id, port: t.port }));
  }

  isGone(arn: string, id: string, port: number, now: number): boolean {
    return this.health(arn, id, port, now).State === 'unused';
  }
}
