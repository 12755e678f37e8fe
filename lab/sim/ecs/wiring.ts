/**
 * The traffic plumbing of a built-in deployment: `loadBalancers[].advancedConfiguration`
 * checked as ECS checks it when a deployment starts, and the listener-rule weights
 * ECS writes at each shift (docs/aws-facts.md "Traffic plumbing").
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/alb-resources-for-blue-green.html
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/blue-green-deployment-implementation.html
 */
import type { LoadBalancer, Service } from './model.js';
import type { EcsWorld } from './world.js';

export interface Wiring {
  lb: LoadBalancer;
  /** Blue: where production traffic is when the deployment starts. */
  blueTg: string;
  greenTg: string;
  prodRule: string;
  testRule?: string;
}

export const WIRING_TEXT = {
  // [doc] alb-resources-for-blue-green.html
  association:
    'Service deployment rolled back because of invalid networking configuration. Both targetGroup and alternateTargetGroup must be associated with the productionListenerRule or testListenerRule.',
  // AWS names the failure, not its text [gap]: the lab's own wording, in the same form.
  forwardOnly:
    'Service deployment rolled back because of invalid networking configuration. The productionListenerRule and testListenerRule must only forward traffic.',
  missing: (field: string) =>
    `Service deployment rolled back because of invalid networking configuration. ${field} is missing or does not exist.`,
};

/**
 * The wiring of the service's (first) load balancer with an advancedConfiguration; a
 * statusReason when it is wrong; undefined for a service without a load balancer
 * (BLUE_GREEN is allowed then, and shifts no traffic [doc]).
 */
export function checkWiring(
  world: EcsWorld,
  svc: Service,
  live: (svc: Service, lb: LoadBalancer) => string,
): Wiring | string | undefined {
  if (svc.loadBalancers.length === 0) return undefined;
  const lb = svc.loadBalancers.find((x) => x.advancedConfiguration);
  const adv = lb?.advancedConfiguration;
  if (!lb || !adv) return WIRING_TEXT.missing('loadBalancers[].advancedConfiguration');
  const alternate = typeof adv.alternateTargetGroupArn === 'string' ? adv.alternateTargetGroupArn : '';
  if (!world.elb.groups.has(alternate)) return WIRING_TEXT.missing('alternateTargetGroupArn');
  if (typeof adv.roleArn !== 'string' || adv.roleArn === '') return WIRING_TEXT.missing('roleArn');
  const rules = world.elb.rules;
  const prod = rules.rule(typeof adv.productionListenerRule === 'string' ? adv.productionListenerRule : '');
  if (!prod) return WIRING_TEXT.missing('productionListenerRule');
  const testRef = typeof adv.testListenerRule === 'string' ? adv.testListenerRule : undefined;
  const test = testRef !== undefined ? rules.rule(testRef) : undefined;
  if (testRef !== undefined && !test) return WIRING_TEXT.missing('testListenerRule');
  for (const r of [prod, test])
    if (r?.actions.some((a) => a.Type !== 'forward')) return WIRING_TEXT.forwardOnly;
  const both = [lb.targetGroupArn, alternate];
  const onProd = rules.forwardTargets(prod);
  if (!test) {
    if (!both.every((tg) => onProd.includes(tg))) return WIRING_TEXT.association;
  } else {
    const onTest = rules.forwardTargets(test);
    const each = both.some((a) => onProd.includes(a) && both.some((b) => b !== a && onTest.includes(b)));
    if (!each) return WIRING_TEXT.association;
  }
  const blueTg = live(svc, lb);
  return {
    lb,
    blueTg,
    greenTg: blueTg === lb.targetGroupArn ? alternate : lb.targetGroupArn,
    prodRule: prod.arn,
    ...(test && { testRule: test.arn }),
  };
}

/** Rewrites the rules as ECS does: one weighted forward over blue and green [obs: go-to-k/cdk-real-drift#1730]. */
export function writeWeights(world: EcsWorld, sd: { wiring?: Wiring; prod: number; test: number }): void {
  const w = sd.wiring;
  if (!w) return;
  const pair = (green: number) => [
    { arn: w.blueTg, weight: 100 - green },
    { arn: w.greenTg, weight: green },
  ];
  world.elb.rules.setWeights(w.prodRule, pair(sd.prod));
  // How ECS weights the test rule is not documented [gap]: the lab gives it green's test share.
  if (w.testRule) world.elb.rules.setWeights(w.testRule, pair(sd.test));
}
