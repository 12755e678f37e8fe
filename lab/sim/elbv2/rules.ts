/**
 * ALB listeners and listener rules, for ECS's built-in blue/green, linear and
 * canary deployments: ECS shifts traffic by rewriting a rule's forward action
 * into a weighted ForwardConfig over the two target groups (AWS-BEHAVIOUR §9.2).
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
}

/** Listeners and rules of one ELBv2 world; kept beside it so world.ts stays about target groups. */
export class ListenerRules {
  readonly listeners = new Map<string, Listener>();
  readonly rules = new Map<string, ListenerRule>();
  private counter = 0;

  constructor(private readonly elb: Elbv2World) {}

  private suffix(): string {
    this.counter += 1;
    return (0x5e6f7a8b9c0d0000n + BigInt(this.counter)).toString(16).padStart(16, '0');
  }

  /** Seeding: an ALB listener whose default action forwards to `targetGroupArn` (weight 1). */
  createListener(seed: { loadBalancer: string; port?: number; targetGroupArn: string }): Listener {
    const lbId = `app/${seed.loadBalancer}/0lab${this.suffix().slice(0, 12)}`;
    const loadBalancerArn = `arn:aws:elasticloadbalancing:${this.elb.region}:${this.elb.account}:loadbalancer/${lbId}`;
    const arn = `arn:aws:elasticloadbalancing:${this.elb.region}:${this.elb.account}:listener/${lbId}/${this.suffix()}`;
    const defaultRule: ListenerRule = {
      arn: `arn:aws:elasticloadbalancing:${this.elb.region}:${this.elb.account}:listener-rule/${lbId}/${arn.split('/').pop()}/${this.suffix()}`,
      listenerArn: arn,
      priority: 'default',
      conditions: [],
      actions: [forward([{ arn: seed.targetGroupArn, weight: 1 }])],
      isDefault: true,
    };
    const listener: Listener = {
      arn,
      loadBalancerArn,
      port: seed.port ?? 80,
      protocol: 'HTTP',
      defaultRule,
    };
    this.listeners.set(arn, listener);
    this.rules.set(defaultRule.arn, defaultRule);
    for (const g of this.elb.groups.values())
      if (g.arn === seed.targetGroupArn && !g.loadBalancerArns.includes(loadBalancerArn))
        g.loadBalancerArns.push(loadBalancerArn);
    return listener;
  }

  /**
   * Seeding: a rule on `listenerArn` forwarding to the given target groups (weights as
   * given; ECS wants blue 100 / green 0 on the production rule), or with `actions` verbatim.
   */
  createRule(seed: {
    listenerArn: string;
    priority: number;
    pathPattern?: string;
    forward?: { arn: string; weight: number }[];
    actions?: RuleAction[];
  }): ListenerRule {
    const listener = this.listener(seed.listenerArn);
    const tail = listener.arn.split(':listener/')[1] ?? '';
    const rule: ListenerRule = {
      arn: `arn:aws:elasticloadbalancing:${this.elb.region}:${this.elb.account}:listener-rule/${tail}/${this.suffix()}`,
      listenerArn: listener.arn,
      priority: String(seed.priority),
      conditions: [{ Field: 'path-pattern', Values: [seed.pathPattern ?? '/*'] }],
      actions: seed.actions ?? [forward(seed.forward ?? [])],
      isDefault: false,
    };
    this.rules.set(rule.arn, rule);
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
