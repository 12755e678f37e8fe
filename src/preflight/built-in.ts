/**
 * Preflight wiring checks for ECS's built-in strategies (BLUE_GREEN, LINEAR, CANARY):
 * what ECS would otherwise fail on minutes into the deployment, with
 * "Service deployment rolled back because of invalid networking configuration", and the
 * settings that weaken the gate. docs/strategies.md "What preflight checks".
 */

import type { LoadBalancer, Service } from '@aws-sdk/client-ecs';
import {
  type Action,
  DescribeListenersCommand,
  DescribeRulesCommand,
  type ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { formatDuration } from '../config/duration';
import type { LiveService } from '../model/contracts';
import type { StageContext } from '../runtime/context';
import { errorText, type Findings, newFindings } from './findings';

export const BUILT_IN_STRATEGIES = ['BLUE_GREEN', 'LINEAR', 'CANARY'] as const;

export function isBuiltIn(s: Service): boolean {
  const strategy = s.deploymentConfiguration?.strategy;
  return (BUILT_IN_STRATEGIES as readonly string[]).includes(strategy ?? '');
}

/**
 * A listener rule's actions as ELBv2 returned them; `null` when ELBv2 has no such rule.
 * An ARN that could not be read is absent: the read side reported it already.
 */
export type RuleActions = Map<string, Action[] | null>;

export interface BuiltInCheckInput {
  /** The service's name as configured (every finding starts with it). */
  name: string;
  service: Service;
  /** The actions of every production/test rule the service names (from `describeListenerRules`). */
  rules: RuleActions;
  /** The gate's bake-time. */
  bakeTimeMs: number;
}

/** Every target group an action sends traffic to, weighted or not. */
function forwardedTo(actions: Action[]): Set<string> {
  const out = new Set<string>();
  for (const a of actions) {
    if (a.TargetGroupArn) out.add(a.TargetGroupArn);
    for (const t of a.ForwardConfig?.TargetGroups ?? []) if (t.TargetGroupArn) out.add(t.TargetGroupArn);
  }
  return out;
}

/** A rule the service names: found, and forward-only (ECS rewrites forward actions only). */
function ruleProblems(
  where: string,
  arn: string,
  rules: RuleActions,
  problems: string[],
): Set<string> | undefined {
  if (!rules.has(arn)) return undefined;
  const actions = rules.get(arn);
  if (!actions) {
    problems.push(
      `${where} ${arn} was not found in ELBv2 (aws elbv2 describe-rules --rule-arns ${arn}); ` +
        'point it at an existing listener rule (or, for an NLB, a listener).',
    );
    return undefined;
  }
  const other = [...new Set(actions.map((a) => a.Type ?? '?').filter((t) => t !== 'forward'))];
  if (other.length > 0) {
    problems.push(
      `${where} ${arn} has ${other.join(', ')} action${other.length === 1 ? '' : 's'} besides forward; ` +
        'ECS fails a deployment whose rule mixes forward with redirect, fixed-response or authenticate: ' +
        'give the service a rule whose only action is forward.',
    );
  }
  return forwardedTo(actions);
}

/** One `loadBalancers[i]` entry with a target group: its advancedConfiguration and rules. */
function loadBalancerProblems(name: string, i: number, lb: LoadBalancer, rules: RuleActions): string[] {
  const problems: string[] = [];
  const at = `service ${name}: loadBalancers[${i}].advancedConfiguration`;
  const adv = lb.advancedConfiguration;
  if (!adv) {
    return [
      `${at} is not set; a built-in strategy needs alternateTargetGroupArn, productionListenerRule and roleArn ` +
        '(docs/strategies.md).',
    ];
  }
  if (!adv.alternateTargetGroupArn)
    problems.push(`${at}.alternateTargetGroupArn is not set; name the target group green tasks register in.`);
  if (!adv.roleArn)
    problems.push(
      `${at}.roleArn (the infrastructure role) is not set; ECS needs it to rewrite the listener rules ` +
        '(managed policy AmazonECSInfrastructureRolePolicyForLoadBalancers).',
    );
  if (!adv.productionListenerRule) {
    problems.push(
      `${at}.productionListenerRule is not set; name the listener rule that carries production traffic.`,
    );
    return problems;
  }
  const prod = ruleProblems(`${at}.productionListenerRule`, adv.productionListenerRule, rules, problems);
  const test = adv.testListenerRule
    ? ruleProblems(`${at}.testListenerRule`, adv.testListenerRule, rules, problems)
    : undefined;
  const blue = lb.targetGroupArn;
  const green = adv.alternateTargetGroupArn;
  if (!prod || !blue || !green || (adv.testListenerRule && !test)) return problems;
  const onProd = prod.has(blue) && prod.has(green);
  const split =
    test !== undefined && ((prod.has(blue) && test.has(green)) || (prod.has(green) && test.has(blue)));
  if (!onProd && !split) {
    problems.push(
      `${at}.productionListenerRule ${adv.productionListenerRule} does not forward to both target groups ` +
        `(targetGroupArn ${blue} and alternateTargetGroupArn ${green})` +
        (adv.testListenerRule ? ', nor does it and testListenerRule carry one each' : '') +
        '; ECS would roll the deployment back for invalid networking configuration. ' +
        'Forward the production rule to both (weights 100 and 0), or one on each of the production and test rules.',
    );
  }
  return problems;
}

/** The gate-weakening settings: a bake ECS ends before the gate does, a hook that continues if ecs-release dies. */
function builtInWarnings(name: string, s: Service, bakeTimeMs: number): string[] {
  const warnings: string[] = [];
  const config = s.deploymentConfiguration;
  const bake = config?.bakeTimeInMinutes;
  if (bake !== undefined && bake * 60_000 < bakeTimeMs) {
    warnings.push(
      `service ${name}: deploymentConfiguration.bakeTimeInMinutes ${bake} is shorter than bake-time ` +
        `${formatDuration(bakeTimeMs)}; after ECS's CLEAN_UP the previous revision is gone and a rollback is a new ` +
        'deployment, not a traffic shift. Raise bakeTimeInMinutes, or add a PAUSE hook at POST_PRODUCTION_TRAFFIC_SHIFT.',
    );
  }
  (config?.lifecycleHooks ?? []).forEach((h, i) => {
    if (h.targetType !== 'PAUSE' || h.timeoutConfiguration?.action !== 'CONTINUE') return;
    warnings.push(
      `service ${name}: deploymentConfiguration.lifecycleHooks[${i}] (PAUSE at ${(h.lifecycleStages ?? []).join(', ')}) ` +
        'has timeoutConfiguration.action CONTINUE: if ecs-release is killed while the hook waits, ECS goes on ' +
        'without the gate. Set it to ROLLBACK.',
    );
  });
  return warnings;
}

/** The findings for one service; a service with another strategy has none. */
export function checkBuiltInWiring(input: BuiltInCheckInput): Findings {
  const f = newFindings();
  const { name, service } = input;
  if (!isBuiltIn(service)) return f;
  (service.loadBalancers ?? []).forEach((lb, i) => {
    // An entry without a target group (Service Connect, or none at all) is not traffic ECS shifts on a listener.
    if (lb.targetGroupArn) f.problems.push(...loadBalancerProblems(name, i, lb, input.rules));
  });
  f.warnings.push(...builtInWarnings(name, service, input.bakeTimeMs));
  return f;
}

/** The rule (or NLB listener) ARNs every built-in service names. */
export function namedRules(services: Service[]): string[] {
  return [...ruleUsers(services.map((service) => ({ name: '', service }))).keys()];
}

/** Each named rule ARN, with the fields that name it (`service api: loadBalancers[0]…productionListenerRule`). */
function ruleUsers(services: { name: string; service: Service }[]): Map<string, string[]> {
  const users = new Map<string, string[]>();
  const add = (arn: string | undefined, where: string) => {
    if (arn) users.set(arn, [...(users.get(arn) ?? []), where]);
  };
  for (const { name, service } of services.filter((s) => isBuiltIn(s.service)))
    (service.loadBalancers ?? []).forEach((lb, i) => {
      const at = `service ${name}: loadBalancers[${i}].advancedConfiguration`;
      add(lb.advancedConfiguration?.productionListenerRule, `${at}.productionListenerRule`);
      add(lb.advancedConfiguration?.testListenerRule, `${at}.testListenerRule`);
    });
  return users;
}

const NOT_FOUND = new Set([
  'RuleNotFoundException',
  'RuleNotFound',
  'ListenerNotFoundException',
  'ListenerNotFound',
]);

/** One ARN's actions: a rule's, or for an NLB the listener's default actions. */
async function actionsOf(
  elbv2: ElasticLoadBalancingV2Client,
  arn: string,
  signal: AbortSignal,
): Promise<Action[] | null> {
  const opts = { abortSignal: signal };
  try {
    if (arn.includes(':listener-rule/')) {
      const out = await elbv2.send(new DescribeRulesCommand({ RuleArns: [arn] }), opts);
      return out.Rules?.[0]?.Actions ?? null;
    }
    const out = await elbv2.send(new DescribeListenersCommand({ ListenerArns: [arn] }), opts);
    return out.Listeners?.[0]?.DefaultActions ?? null;
  } catch (error) {
    if (NOT_FOUND.has((error as Error).name)) return null;
    throw error;
  }
}

/**
 * The read side: each named rule's actions, one ARN per call so a missing rule is
 * reported as that rule (DescribeRules fails the whole call for one unknown ARN).
 * A failed call (permissions, throttling) is a problem naming the rule.
 */
export async function describeListenerRules(
  elbv2: ElasticLoadBalancingV2Client,
  arns: string[],
  f: Findings,
  signal: AbortSignal,
  /** Who names the rule, for the problem's start (default "listener rule"). */
  where: (arn: string) => string = () => 'listener rule',
): Promise<RuleActions> {
  const rules: RuleActions = new Map();
  await Promise.all(
    arns.map(async (arn) => {
      try {
        rules.set(arn, await actionsOf(elbv2, arn, signal));
      } catch (error) {
        const call = arn.includes(':listener-rule/') ? 'DescribeRules' : 'DescribeListeners';
        f.problems.push(`${where(arn)} ${arn}: elasticloadbalancing:${call} failed (${errorText(error)}).`);
      }
    }),
  );
  return rules;
}

/** smoke-test-url runs only at a PAUSE hook at POST_TEST_TRAFFIC_SHIFT: without one in the release it checks nothing. */
function unusedSmokeTestUrl(url: string | undefined, builtIn: LiveService[]): string | undefined {
  if (!url) return undefined;
  const paused = builtIn.some((l) =>
    (l.service.deploymentConfiguration?.lifecycleHooks ?? []).some(
      (h) => h.targetType === 'PAUSE' && (h.lifecycleStages ?? []).includes('POST_TEST_TRAFFIC_SHIFT'),
    ),
  );
  if (paused) return undefined;
  return (
    `smoke-test-url ${url}: no service of this release has a PAUSE hook at POST_TEST_TRAFFIC_SHIFT ` +
    '(deploymentConfiguration.lifecycleHooks), so it is never checked. Add the hook on the services ' +
    'behind the test listener, or drop smoke-test-url.'
  );
}

/**
 * Preflight's part for built-in services: their listener rules read once (shared
 * rules once in all), then each service's wiring. A release of rolling services
 * only makes no ELBv2 call at all.
 */
export async function checkBuiltInServices(
  ctx: StageContext,
  live: LiveService[],
  f: Findings,
): Promise<void> {
  const builtIn = live.filter((l) => isBuiltIn(l.service));
  const unused = unusedSmokeTestUrl(ctx.config.gate.smokeTestUrl, builtIn);
  if (unused) f.warnings.push(unused);
  if (builtIn.length === 0) return;
  const users = ruleUsers(builtIn.map((l) => ({ name: l.config.service, service: l.service })));
  const rules = await describeListenerRules(ctx.aws.elbv2, [...users.keys()], f, ctx.signal, (arn) =>
    (users.get(arn) ?? ['listener rule']).join(', '),
  );
  for (const l of builtIn) {
    const found = checkBuiltInWiring({
      name: l.config.service,
      service: l.service,
      rules,
      bakeTimeMs: ctx.config.gate.bakeTimeMs,
    });
    f.problems.push(...found.problems);
    f.warnings.push(...found.warnings);
  }
}
