/**
 * What stands in front of the release's services: their target groups' load balancers,
 * the listeners, the rules that forward to the release, and each HTTPS listener's
 * certificates (docs/ground.md#tls). Read-only, each thing once.
 */
import type { Service } from '@aws-sdk/client-ecs';
import {
  type Action,
  type Certificate,
  DescribeListenerCertificatesCommand,
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeRulesCommand,
  DescribeTargetGroupsCommand,
  type ElasticLoadBalancingV2Client,
  type Listener,
  type LoadBalancer,
  type Rule,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { chunks } from '../aws/batch';
import { allPages, type GroundReads } from './read';

export interface FrontListener {
  listener: Listener;
  /** Host-header values of the rules (default action aside) that forward to the release. */
  ruleHosts: string[];
  /** Whether any of its rules, or its default action, forwards to the release. */
  forwardsToRelease: boolean;
  /** HTTPS/TLS: the certificate ARNs (default and SNI), once each. */
  certificateArns: string[];
}

export interface Front {
  loadBalancers: LoadBalancer[];
  /** Listeners per load balancer ARN. */
  listeners: Map<string, FrontListener[]>;
  /** Listeners a built-in service names as its test listener (not production). */
  testListeners: Set<string>;
}

/** The target groups the services send traffic to (built-in services' alternates too). */
export function releaseTargetGroups(services: readonly Service[]): Set<string> {
  const out = new Set<string>();
  for (const s of services) {
    for (const lb of s.loadBalancers ?? []) {
      if (lb.targetGroupArn) out.add(lb.targetGroupArn);
      const alternate = lb.advancedConfiguration?.alternateTargetGroupArn;
      if (alternate) out.add(alternate);
    }
  }
  return out;
}

/** A test listener rule's listener: `…:listener-rule/app/lb/id/listener/rule` → `…:listener/app/lb/id/listener`. */
export function listenerOfRule(arn: string): string {
  if (!arn.includes(':listener-rule/')) return arn;
  return arn.replace(':listener-rule/', ':listener/').replace(/\/[^/]+$/, '');
}

function testListenerArns(services: readonly Service[]): Set<string> {
  const out = new Set<string>();
  for (const s of services)
    for (const lb of s.loadBalancers ?? []) {
      const rule = lb.advancedConfiguration?.testListenerRule;
      if (rule) out.add(listenerOfRule(rule));
    }
  return out;
}

export function forwardsTo(actions: readonly Action[] | undefined, groups: ReadonlySet<string>): boolean {
  return (actions ?? []).some(
    (a) =>
      (a.TargetGroupArn !== undefined && groups.has(a.TargetGroupArn)) ||
      (a.ForwardConfig?.TargetGroups ?? []).some((t) => t.TargetGroupArn && groups.has(t.TargetGroupArn)),
  );
}

export function hostValues(rule: Rule): string[] {
  const out: string[] = [];
  for (const c of rule.Conditions ?? []) {
    if (c.Field !== 'host-header') continue;
    out.push(...(c.HostHeaderConfig?.Values ?? c.Values ?? []));
  }
  return out;
}

/** The load balancers in front of the release, their listeners, rules and certificates. */
export async function readFront(
  elbv2: ElasticLoadBalancingV2Client,
  reads: GroundReads,
  services: readonly Service[],
): Promise<Front> {
  const groups = releaseTargetGroups(services);
  const front: Front = { loadBalancers: [], listeners: new Map(), testListeners: testListenerArns(services) };
  if (groups.size === 0) return front;
  const lbArns = await loadBalancerArns(elbv2, reads, [...groups]);
  if (lbArns.length === 0) return front;
  const described = await reads.once(
    `lbs ${lbArns.join(' ')}`,
    'elasticloadbalancing:DescribeLoadBalancers',
    'the load balancers in front of the release',
    () =>
      allPages(
        () => elbv2.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: lbArns }), reads.opts),
        (Marker) =>
          elbv2.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: lbArns, Marker }), reads.opts),
        (p) => p.LoadBalancers,
        (p) => p.NextMarker,
      ),
  );
  front.loadBalancers = described ?? [];
  await Promise.all(
    front.loadBalancers.map(async (lb) => {
      const arn = lb.LoadBalancerArn ?? '';
      front.listeners.set(arn, await readListeners(elbv2, reads, arn, groups));
    }),
  );
  return front;
}

async function loadBalancerArns(
  elbv2: ElasticLoadBalancingV2Client,
  reads: GroundReads,
  groups: string[],
): Promise<string[]> {
  const out = new Set<string>();
  await Promise.all(
    chunks(groups, 20).map(async (arns) => {
      const tgs = await reads.once(
        `tgs ${arns.join(' ')}`,
        'elasticloadbalancing:DescribeTargetGroups',
        "the release's target groups",
        async () =>
          (await elbv2.send(new DescribeTargetGroupsCommand({ TargetGroupArns: arns }), reads.opts))
            .TargetGroups ?? [],
      );
      for (const tg of tgs ?? []) for (const lb of tg.LoadBalancerArns ?? []) out.add(lb);
    }),
  );
  return [...out];
}

async function readListeners(
  elbv2: ElasticLoadBalancingV2Client,
  reads: GroundReads,
  lbArn: string,
  groups: ReadonlySet<string>,
): Promise<FrontListener[]> {
  const listeners = await reads.once(
    `listeners ${lbArn}`,
    'elasticloadbalancing:DescribeListeners',
    `the listeners of ${lbArn}`,
    () =>
      allPages(
        () => elbv2.send(new DescribeListenersCommand({ LoadBalancerArn: lbArn }), reads.opts),
        (Marker) => elbv2.send(new DescribeListenersCommand({ LoadBalancerArn: lbArn, Marker }), reads.opts),
        (p) => p.Listeners,
        (p) => p.NextMarker,
      ),
  );
  return Promise.all((listeners ?? []).map((l) => readListener(elbv2, reads, l, groups)));
}

async function readListener(
  elbv2: ElasticLoadBalancingV2Client,
  reads: GroundReads,
  listener: Listener,
  groups: ReadonlySet<string>,
): Promise<FrontListener> {
  const arn = listener.ListenerArn ?? '';
  const secure = listener.Protocol === 'HTTPS' || listener.Protocol === 'TLS';
  const [rules, certificates] = await Promise.all([
    reads.once(`rules ${arn}`, 'elasticloadbalancing:DescribeRules', `the rules of listener ${arn}`, () =>
      allPages(
        () => elbv2.send(new DescribeRulesCommand({ ListenerArn: arn }), reads.opts),
        (Marker) => elbv2.send(new DescribeRulesCommand({ ListenerArn: arn, Marker }), reads.opts),
        (p) => p.Rules,
        (p) => p.NextMarker,
      ),
    ),
    secure ? readCertificates(elbv2, reads, arn) : Promise.resolve([] as Certificate[]),
  ]);
  const forwarding = (rules ?? []).filter((r) => forwardsTo(r.Actions, groups));
  return {
    listener,
    ruleHosts: forwarding.flatMap(hostValues),
    forwardsToRelease: forwarding.length > 0 || forwardsTo(listener.DefaultActions, groups),
    certificateArns: [
      ...new Set(
        [...(listener.Certificates ?? []), ...certificates]
          .map((c) => c.CertificateArn ?? '')
          .filter(Boolean),
      ),
    ],
  };
}

async function readCertificates(
  elbv2: ElasticLoadBalancingV2Client,
  reads: GroundReads,
  arn: string,
): Promise<Certificate[]> {
  const out = await reads.once(
    `certs ${arn}`,
    'elasticloadbalancing:DescribeListenerCertificates',
    `the certificates of listener ${arn}`,
    () =>
      allPages(
        () => elbv2.send(new DescribeListenerCertificatesCommand({ ListenerArn: arn }), reads.opts),
        (Marker) =>
          elbv2.send(new DescribeListenerCertificatesCommand({ ListenerArn: arn, Marker }), reads.opts),
        (p) => p.Certificates,
        (p) => p.NextMarker,
      ),
  );
  return out ?? [];
}
