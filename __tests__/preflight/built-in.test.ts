/**
 * Preflight's wiring checks for ECS's built-in strategies, as a pure function over
 * what DescribeServices and DescribeRules return: each wiring problem ECS would
 * fail on later is one finding that names the service and the field.
 */

import type { DeploymentLifecycleHook, Service } from '@aws-sdk/client-ecs';
import type { Action } from '@aws-sdk/client-elastic-load-balancing-v2';
import { describe, expect, it } from 'vitest';
import { checkBuiltInWiring, namedRules, type RuleActions } from '../../src/preflight/built-in';

const ARN = 'arn:aws:elasticloadbalancing:eu-west-1:111122223333';
const BLUE = `${ARN}:targetgroup/web-blue/1111`;
const GREEN = `${ARN}:targetgroup/web-green/2222`;
const PROD = `${ARN}:listener-rule/app/web/aaaa/bbbb/0001`;
const TEST = `${ARN}:listener-rule/app/web/aaaa/cccc/0002`;
const ROLE = 'arn:aws:iam::111122223333:role/ecs-infrastructure';

const weighted = (...arns: string[]): Action[] => [
  {
    Type: 'forward',
    ForwardConfig: { TargetGroups: arns.map((a, i) => ({ TargetGroupArn: a, Weight: i === 0 ? 100 : 0 })) },
  },
];

function service(over: {
  strategy?: 'ROLLING' | 'BLUE_GREEN' | 'LINEAR' | 'CANARY';
  advanced?: Record<string, string | undefined> | null;
  bake?: number;
  hooks?: DeploymentLifecycleHook[];
}): Service {
  const advanced =
    over.advanced === null
      ? undefined
      : { alternateTargetGroupArn: GREEN, productionListenerRule: PROD, roleArn: ROLE, ...over.advanced };
  return {
    serviceName: 'web',
    loadBalancers: [
      {
        targetGroupArn: BLUE,
        containerName: 'web',
        containerPort: 8080,
        advancedConfiguration: advanced as never,
      },
    ],
    deploymentConfiguration: {
      strategy: over.strategy ?? 'BLUE_GREEN',
      bakeTimeInMinutes: over.bake ?? 10,
      lifecycleHooks: over.hooks ?? [],
    },
  };
}

function check(
  s: Service,
  rules: [string, Action[] | null][] = [[PROD, weighted(BLUE, GREEN)]],
  bakeMin = 5,
) {
  return checkBuiltInWiring({
    name: 'web',
    service: s,
    rules: new Map(rules) as RuleActions,
    bakeTimeMs: bakeMin * 60_000,
  });
}

describe('checkBuiltInWiring', () => {
  it('finds nothing on a well-wired blue/green service, nor on a rolling one', () => {
    expect(check(service({}))).toEqual({ problems: [], warnings: [] });
    expect(check(service({ strategy: 'ROLLING', advanced: null }), [])).toEqual({
      problems: [],
      warnings: [],
    });
  });

  it('accepts one target group on each of the production and test rules', () => {
    const s = service({ advanced: { testListenerRule: TEST } });
    const f = check(s, [
      [PROD, [{ Type: 'forward', TargetGroupArn: BLUE }]],
      [TEST, [{ Type: 'forward', TargetGroupArn: GREEN }]],
    ]);
    expect(f.problems).toEqual([]);
  });

  it('refuses a service with no advancedConfiguration', () => {
    const f = check(service({ strategy: 'LINEAR', advanced: null }), []);
    expect(f.problems).toEqual([
      expect.stringMatching(/^service web: loadBalancers\[0\]\.advancedConfiguration is not set;/),
    ]);
  });

  it.each([
    ['alternateTargetGroupArn', /alternate|green tasks/],
    ['productionListenerRule', /production traffic/],
    ['roleArn', /infrastructure role.*AmazonECSInfrastructureRolePolicyForLoadBalancers/],
  ])('names the missing field %s', (field, why) => {
    const f = check(service({ strategy: 'CANARY', advanced: { [field]: undefined } }));
    expect(f.problems).toHaveLength(1);
    expect(f.problems[0]).toContain(`service web: loadBalancers[0].advancedConfiguration.${field}`);
    expect(f.problems[0]).toMatch(why);
  });

  it('refuses a production rule that ELBv2 does not have', () => {
    const f = check(service({}), [[PROD, null]]);
    expect(f.problems).toEqual([
      expect.stringContaining(
        `service web: loadBalancers[0].advancedConfiguration.productionListenerRule ${PROD} was not found in ELBv2`,
      ),
    ]);
  });

  it('refuses a production rule that forwards to blue only', () => {
    const f = check(service({}), [[PROD, weighted(BLUE)]]);
    expect(f.problems).toHaveLength(1);
    expect(f.problems[0]).toContain(
      `service web: loadBalancers[0].advancedConfiguration.productionListenerRule ${PROD} does not forward to both target groups`,
    );
    expect(f.problems[0]).toContain(`alternateTargetGroupArn ${GREEN}`);
  });

  it('refuses production and test rules that both carry blue only', () => {
    const s = service({ advanced: { testListenerRule: TEST } });
    const f = check(s, [
      [PROD, weighted(BLUE)],
      [TEST, weighted(BLUE)],
    ]);
    expect(f.problems).toEqual([expect.stringContaining('nor does it and testListenerRule carry one each')]);
  });

  it('refuses a rule whose actions are not only forward, naming the rule field', () => {
    const s = service({ advanced: { testListenerRule: TEST } });
    const auth: Action = { Type: 'authenticate-oidc', Order: 1 };
    const f = check(s, [
      [PROD, weighted(BLUE, GREEN)],
      [TEST, [auth, { Type: 'forward', Order: 2, TargetGroupArn: GREEN }]],
    ]);
    expect(f.problems).toEqual([
      expect.stringContaining(
        `service web: loadBalancers[0].advancedConfiguration.testListenerRule ${TEST} has authenticate-oidc action besides forward`,
      ),
    ]);
  });

  it('leaves an unreadable rule to the read side (no second, misleading finding)', () => {
    expect(check(service({}), []).problems).toEqual([]);
  });

  it('warns when bakeTimeInMinutes is shorter than the gate bake-time', () => {
    const f = check(service({ bake: 2 }), undefined, 5);
    expect(f.problems).toEqual([]);
    expect(f.warnings).toEqual([
      expect.stringMatching(
        /^service web: deploymentConfiguration\.bakeTimeInMinutes 2 is shorter than bake-time 5m/,
      ),
    ]);
    expect(check(service({ bake: 5 }), undefined, 5).warnings).toEqual([]);
    // A PAUSE hook after the production shift holds the deployment for the gate, before BAKE_TIME: no warning.
    const hold: DeploymentLifecycleHook = {
      targetType: 'PAUSE',
      lifecycleStages: ['POST_PRODUCTION_TRAFFIC_SHIFT'],
      timeoutConfiguration: { timeoutInMinutes: 60, action: 'ROLLBACK' },
    };
    expect(check(service({ bake: 0, hooks: [hold] }), undefined, 5).warnings).toEqual([]);
  });

  it('warns on a PAUSE hook whose timeoutAction is CONTINUE, not on ROLLBACK or Lambda hooks', () => {
    const pause = (action: 'CONTINUE' | 'ROLLBACK'): DeploymentLifecycleHook => ({
      targetType: 'PAUSE',
      lifecycleStages: ['POST_PRODUCTION_TRAFFIC_SHIFT'],
      timeoutConfiguration: { timeoutInMinutes: 60, action },
    });
    const lambda: DeploymentLifecycleHook = {
      targetType: 'AWS_LAMBDA',
      hookTargetArn: 'arn:aws:lambda:eu-west-1:111122223333:function:x',
      lifecycleStages: ['POST_SCALE_UP'],
      timeoutConfiguration: { timeoutInMinutes: 60, action: 'CONTINUE' },
    };
    const f = check(service({ hooks: [pause('ROLLBACK'), lambda, pause('CONTINUE')] }));
    expect(f.warnings).toEqual([
      expect.stringContaining(
        'service web: deploymentConfiguration.lifecycleHooks[2] (PAUSE at POST_PRODUCTION_TRAFFIC_SHIFT) has timeoutConfiguration.action CONTINUE',
      ),
    ]);
  });
});

describe('namedRules', () => {
  it('lists the production and test rules of built-in services only, once each', () => {
    const bg = service({ advanced: { testListenerRule: TEST } });
    const rolling = service({ strategy: 'ROLLING', advanced: { productionListenerRule: `${PROD}9` } });
    expect(namedRules([bg, bg, rolling]).sort()).toEqual([PROD, TEST].sort());
  });
});
