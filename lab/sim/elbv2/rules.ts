/**
 * ALB listeners and listener rules, for ECS's built-in blue/green, linear and
 * canary deployments: ECS shifts traffic by rewriting a rule's forward action
 * into a weighted ForwardConfig over the two target groups (docs/aws-facts.md "Traffic plumbing").
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_Rule.html
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_ForwardActionConfig.html
 */
import { optObjects, optString, optStrings, reqString } from '../ecs/input.js';
import { AwsError, type ServiceOperations } from '../types.js';
import type { Elbv2World } from './world.js';

export interface RuleAction {
  Type: string;
  Order?: number;
  TargetGroupArn?: string;
  ForwardConfig?: { TargetGroups: { TargetGroupArn: string; Weight: number }[] };
  /** redirect / fixed-response / authenticate configs, kept verbatim. */
  [other: string]: unknown;
}

export interface ListenerRule {
  arn: string;
  listenerArn: string;
  priority: string;
  conditions: unknown[];
  actions: RuleAction[];
  isDefault: boolean;
}

export interface Listener {
  arn: string;
  loadBalancerArn: string;
  port: number;
  protocol: string;
  defaultRule: ListenerRule;
  /** HTTPS: the default certificate first, then the SNI list (docs/ground.md#the-lab). */
  certificates: string[];
}

export interface LabLoadBalancer {
  arn: string;
  name: string;
  dnsName: string;
  scheme: 'internet-facing' | 'internal';
}

export interface ListenerSeed {
  loadBalancer: string;
  port?: number;
  /** Where the default action forwards (absent: `defaultActions` must say what it does). */
  targetGroupArn?: string;
  /** Default HTTP. */
  protocol?: 'HTTP' | 'HTTPS';
  /** HTTPS: the default certificate first, then SNI certificates. */
  certificates?: string[];
  /** Replaces the default forward (an HTTP listener's redirect to HTTPS). */
  defaultActions?: RuleAction[];
  /** The load balancer's scheme when this listener creates it; default internet-facing. */
  scheme?: LabLoadBalancer['scheme'];
}

/** The default action of a port-80 listener that sends everyone to HTTPS. */
export const REDIRECT_TO_HTTPS: RuleAction = {
  Type: 'redirect',
  Order: 1,
  RedirectConfig: {
    Protocol: 'HTTPS',
    Port: '443',
    Host: '#{host}',
    Path: '/#{path}',
    Query: '#{query}',
    StatusCode: 'HTTP_301',
  },
};

/** Listeners and rules of one ELBv2 world; kept beside it so world.ts stays about target groups. */
export class ListenerRules {
  readonly listeners = new Map<string, Listener>();
  readonly rules = new Map<string, ListenerRule>();
  /** By ARN; one per name (listeners seeded with the same `loadBalancer` share it). */
  readonly loadBalancers = new Map<string, LabLoadBalancer>();
  private counter = 0;

  constructor(private readonly elb: Elbv2World) {}

  private suffix(): string {
    this.counter += 1;
    return (0x5e6f7a8b9c0d0000n + BigInt(this.counter)).toString(16).padStart(16, '0');
  }

  /** The load balancer named `name`, created on first use (its DNS name like an ALB's). */
  loadBalancer(name: string, scheme: LabLoadBalancer['scheme'] = 'internet-facing'): LabLoadBalancer {
    for (const lb of this.loadBalancers.values()) if (lb.name === name) return lb;
    const id = `0lab${this.suffix().slice(0, 12)}`;
    const lb: LabLoadBalancer = {
      arn: `arn:aws:elasticloadbalancing:${this.elb.region}:${this.elb.account}:loadbalancer/app/${name}/${id}`,
      name,
      dnsName: `${scheme === 'internal' ? 'internal-' : ''}${name}-${id.slice(4, 14)}.${this.elb.region}.elb.amazonaws.com`,
      scheme,
    };
    this.loadBalancers.set(lb.arn, lb);
    return lb;
  }

  /** Seeding: a listener whose default action forwards to `targetGroupArn` (weight 1), or does `defaultActions`. */
  createListener(seed: ListenerSeed): Listener {
    const loadBalancerArn = this.loadBalancer(seed.loadBalancer, seed.scheme).arn;
    const lbId = loadBalancerArn.split(':loadbalancer/')[1] ?? '';
    const arn = `arn:aws:elasticloadbalancing:${this.elb.region}:${this.elb.account}:listener/${lbId}/${this.suffix()}`;
    const defaultRule: ListenerRule = {
      arn: `arn:aws:elasticloadbalancing:${this.elb.region}:${this.elb.account}:listener-rule/${lbId}/${arn.split('/').pop()}/${this.suffix()}`,
      listenerArn: arn,
      priority: 'default',
      conditions: [],
      actions:
        seed.defaultActions ??
        (seed.targetGroupArn ? [forward([{ arn: seed.targetGroupArn, weight: 1 }])] : []),
      isDefault: true,
    };
    const listener: Listener = {
      arn,
      loadBalancerArn,
      port: seed.port ?? (seed.protocol === 'HTTPS' ? 443 : 80),
      protocol: seed.protocol ?? 'HTTP',
      defaultRule,
      certificates: seed.certificates ?? [],
    };
    this.listeners.set(arn, listener);
    this.rules.set(defaultRule.arn, defaultRule);
    if (seed.targetGroupArn) this.attach(seed.targetGroupArn, loadBalancerArn);
    return listener;
  }

  /** A target group a rule of the load balancer forwards to lists the load balancer, as in ELBv2. */
  private attach(targetGroupArn: string, loadBalancerArn: string): void {
    for (const g of this.elb.groups.values())
      if (g.arn === targetGroupArn && !g.loadBalancerArns.includes(loadBalancerArn))
        g.loadBalancerArns.push(loadBalancerArn);
  }

  /**
   * Seeding: a rule on `listenerArn` forwarding to the given target groups (weights as
   * given; ECS wants blue 100 / green 0 on the production rule), or with `actions` verbatim.
   */
  createRule(seed: {
    listenerArn: string;
    priority: number;
    pathPattern?: string;
    /** host-header condition values (patterns with `*` and `?` allowed). */
    hosts?: string[];
    forward?: { arn: string; weight: number }[];
    actions?: RuleAction[];
  }): ListenerRule {
    const listener = this.listener(seed.listenerArn);
    const tail = listener.arn.split(':listener/')[1] ?? '';
    const rule: ListenerRule = {
      arn: `arn:aws:elasticloadbalancing:${this.elb.region}:${this.elb.account}:listener-rule/${tail}/${this.suffix()}`,
      listenerArn: listener.arn,
      priority: String(seed.priority),
      conditions: [
        { Field: 'path-pattern', Values: [seed.pathPattern ?? '/*'] },
        ...(seed.hosts ? [{ Field: 'host-header', HostHeaderConfig: { Values: seed.hosts } }] : []),
      ],
      actions: seed.actions ?? [forward(seed.forward ?? [])],
      isDefault: false,
    };
    this.rules.set(rule.arn, rule);
    for (const t of this.forwardTargets(rule)) this.attach(t, listener.loadBalancerArn);
    return rule;
  }

  listener(arn: string): Listener {
    const l = this.listeners.get(arn);
    if (!l) throw new AwsError('ListenerNotFound', `One or more listeners not found`);
    return l;
  }

  /** A rule by ARN; for an NLB-style reference, a listener ARN names its default rule. */
  rule(arn: string): ListenerRule | undefined {
    return this.rules.get(arn) ?? this.listeners.get(arn)?.defaultRule;
  }

  /** The target groups a rule's forward action names (one action only, or none when it mixes types). */
  forwardTargets(rule: ListenerRule): string[] {
    return rule.actions.flatMap((a) =>
      a.Type !== 'forward'
        ? []
        : (a.ForwardConfig?.TargetGroups.map((t) => t.TargetGroupArn) ??
          (a.TargetGroupArn ? [a.TargetGroupArn] : [])),
    );
  }

  /** What ECS does at each traffic shift: one weighted forward action over the rule's target groups. */
  setWeights(ruleArn: string, weights: { arn: string; weight: number }[]): void {
    const rule = this.rule(ruleArn);
    if (!rule) return;
    rule.actions = [forward(weights)];
  }

  /** The weight a rule currently gives a target group (0 when it is not on the rule). */
  weightOf(ruleArn: string, targetGroupArn: string): number {
    const rule = this.rule(ruleArn);
    const action = rule?.actions.find((a) => a.Type === 'forward');
    const tg = action?.ForwardConfig?.TargetGroups.find((t) => t.TargetGroupArn === targetGroupArn);
    return tg?.Weight ?? 0;
  }
}

function forward(weights: { arn: string; weight: number }[]): RuleAction {
  const first = weights.length === 1 ? weights[0]?.arn : undefined;
  return {
    Type: 'forward',
    Order: 1,
    ...(first !== undefined && { TargetGroupArn: first }),
    ForwardConfig: {
      TargetGroups: weights.map((w) => ({ TargetGroupArn: w.arn, Weight: w.weight })),
    },
  };
}

function describeRule(r: ListenerRule) {
  return {
    RuleArn: r.arn,
    Priority: r.priority,
    Conditions: r.conditions,
    Actions: r.actions,
    IsDefault: r.isDefault,
  };
}

/** DescribeListeners, DescribeRules, ModifyRule (ECS's infrastructure role calls the last). */
export function ruleOperations(world: Elbv2World, rules: ListenerRules): ServiceOperations {
  return {
    DescribeListeners(input) {
      world.sync();
      const arns = optStrings(input, 'ListenerArns');
      const lb = optString(input, 'LoadBalancerArn');
      const list = arns
        ? arns.map((a) => rules.listener(a))
        : [...rules.listeners.values()].filter((l) => lb === undefined || l.loadBalancerArn === lb);
      return {
        Listeners: list.map((l) => ({
          ListenerArn: l.arn,
          LoadBalancerArn: l.loadBalancerArn,
          Port: l.port,
          Protocol: l.protocol,
          DefaultActions: l.defaultRule.actions,
          // DescribeListeners names the default certificate only; the SNI list is DescribeListenerCertificates'.
          ...(l.certificates[0] ? { Certificates: [{ CertificateArn: l.certificates[0] }] } : {}),
        })),
      };
    },

    DescribeListenerCertificates(input) {
      world.sync();
      const l = rules.listener(reqString(input, 'ListenerArn'));
      // The default appears with IsDefault true, and again in the SNI list when it was added there too.
      return {
        Certificates: l.certificates.map((arn, i) => ({ CertificateArn: arn, IsDefault: i === 0 })),
      };
    },

    DescribeLoadBalancers(input) {
      world.sync();
      const arns = optStrings(input, 'LoadBalancerArns');
      const names = optStrings(input, 'Names');
      const all = [...rules.loadBalancers.values()];
      const list = arns
        ? arns.map((a) => {
            const lb = rules.loadBalancers.get(a);
            if (!lb) throw new AwsError('LoadBalancerNotFound', `Load balancers '[${a}]' not found`);
            return lb;
          })
        : all.filter((lb) => !names || names.includes(lb.name));
      return {
        LoadBalancers: list.map((lb) => ({
          LoadBalancerArn: lb.arn,
          LoadBalancerName: lb.name,
          DNSName: lb.dnsName,
          CanonicalHostedZoneId: 'Z32O12XQLNTSW2',
          Scheme: lb.scheme,
          Type: 'application',
          State: { Code: 'active' },
          VpcId: 'vpc-0lab',
          IpAddressType: 'ipv4',
        })),
      };
    },

    DescribeRules(input) {
      world.sync();
      const arns = optStrings(input, 'RuleArns');
      const listener = optString(input, 'ListenerArn');
      if (!arns && !listener)
        throw new AwsError('ValidationError', 'Either a listener ARN or rule ARNs must be specified');
      const list = arns
        ? arns.map((a) => {
            const r = rules.rules.get(a);
            if (!r) throw new AwsError('RuleNotFound', 'One or more rules not found');
            return r;
          })
        : [...rules.rules.values()].filter((r) => r.listenerArn === rules.listener(listener ?? '').arn);
      return { Rules: list.map(describeRule) };
    },

    ModifyRule(input) {
      world.sync();
      const r = rules.rules.get(reqString(input, 'RuleArn'));
      if (!r) throw new AwsError('RuleNotFound', 'One or more rules not found');
      const actions = optObjects(input, 'Actions');
      if (actions) r.actions = actions.map(normaliseAction);
      return { Rules: [describeRule(r)] };
    },
  };
}

/** Query-protocol input arrives as strings: weights and orders become numbers again. */
function normaliseAction(a: Record<string, unknown>): RuleAction {
  const fc = a.ForwardConfig as { TargetGroups?: Record<string, unknown>[] } | undefined;
  return {
    ...a,
    Type: String(a.Type),
    ...(a.Order !== undefined && { Order: Number(a.Order) }),
    ...(fc?.TargetGroups && {
      ForwardConfig: {
        TargetGroups: fc.TargetGroups.map((t) => ({
          TargetGroupArn: String(t.TargetGroupArn),
          Weight: Number(t.Weight ?? 1),
        })),
      },
    }),
  } as RuleAction;
}
