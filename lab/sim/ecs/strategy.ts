/**
 * deploymentConfiguration of the built-in strategies (BLUE_GREEN, LINEAR, CANARY):
 * what CreateService/UpdateService refuse, and the traffic steps a deployment takes.
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentConfiguration.html
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-linear.html
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/canary-deployment.html
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/pause-lifecycle-hooks.html
 */
import { type Input, invalid } from './input.js';

export const BUILT_IN = ['BLUE_GREEN', 'LINEAR', 'CANARY'] as const;
export type BuiltInStrategy = (typeof BUILT_IN)[number];

export interface HookConfig {
  targetType: 'AWS_LAMBDA' | 'PAUSE';
  hookTargetArn?: string;
  lifecycleStages: string[];
  timeoutInMinutes: number;
  timeoutAction: 'ROLLBACK' | 'CONTINUE';
}

/** ServiceDeployment.lifecycleStage in the order a deployment goes through them (docs/aws-facts.md "Lifecycle stages"). */
export const STAGE_ORDER = [
  'RECONCILE_SERVICE',
  'PRE_SCALE_UP',
  'SCALE_UP',
  'POST_SCALE_UP',
  'TEST_TRAFFIC_SHIFT',
  'POST_TEST_TRAFFIC_SHIFT',
  'PRE_PRODUCTION_TRAFFIC_SHIFT',
  'PRODUCTION_TRAFFIC_SHIFT',
  'POST_PRODUCTION_TRAFFIC_SHIFT',
  'BAKE_TIME',
  'CLEAN_UP',
] as const;
export type Stage = (typeof STAGE_ORDER)[number];

/** Stages a lifecycle hook may name: all but SCALE_UP, BAKE_TIME and CLEAN_UP. */
const HOOK_STAGES: readonly string[] = STAGE_ORDER.filter(
  (s) => s !== 'SCALE_UP' && s !== 'BAKE_TIME' && s !== 'CLEAN_UP',
);

export function builtInStrategy(rest: Input): BuiltInStrategy | undefined {
  const s = rest.strategy;
  return BUILT_IN.find((x) => x === s);
}

const num = (v: unknown, fallback: number): number => (v === undefined || v === null ? fallback : Number(v));

/** Lifecycle hooks with their documented defaults (AWS_LAMBDA; timeout 1440 min, action ROLLBACK). */
export function hooksOf(rest: Input): HookConfig[] {
  const list = Array.isArray(rest.lifecycleHooks) ? (rest.lifecycleHooks as Input[]) : [];
  return list.map((h) => {
    const timeout = (h.timeoutConfiguration ?? {}) as Input;
    return {
      targetType: h.targetType === 'PAUSE' ? 'PAUSE' : 'AWS_LAMBDA',
      ...(typeof h.hookTargetArn === 'string' && { hookTargetArn: h.hookTargetArn }),
      lifecycleStages: Array.isArray(h.lifecycleStages) ? h.lifecycleStages.map(String) : [],
      timeoutInMinutes: num(timeout.timeoutInMinutes, 1440),
      timeoutAction: timeout.action === 'CONTINUE' ? 'CONTINUE' : 'ROLLBACK',
    };
  });
}

/** Production weights (green %) of each PRODUCTION_TRAFFIC_SHIFT step, and the bake between steps. */
export function trafficSteps(rest: Input): { steps: number[]; stepBakeMinutes: number } {
  const strategy = builtInStrategy(rest);
  if (strategy === 'LINEAR') {
    const c = (rest.linearConfiguration ?? {}) as Input;
    const p = num(c.stepPercent, 10);
    const steps: number[] = [];
    for (let w = p; w < 100 - 1e-9; w += p) steps.push(Math.round(w * 10) / 10);
    steps.push(100);
    return { steps, stepBakeMinutes: num(c.stepBakeTimeInMinutes, 6) };
  }
  if (strategy === 'CANARY') {
    const c = (rest.canaryConfiguration ?? {}) as Input;
    const p = num(c.canaryPercent, 5);
    return { steps: p >= 100 ? [100] : [p, 100], stepBakeMinutes: num(c.canaryBakeTimeInMinutes, 10) };
  }
  return { steps: [100], stepBakeMinutes: 0 };
}

/** `bakeTimeInMinutes`; the API default for LINEAR/CANARY is not documented: the lab uses 0 [gap]. */
export function bakeMinutes(rest: Input): number {
  return num(rest.bakeTimeInMinutes, 0);
}

function inRange(v: unknown, lo: number, hi: number, name: string): void {
  if (v === undefined || v === null) return;
  const n = Number(v);
  if (!Number.isFinite(n) || n < lo || n > hi) throw invalid(`${name} must be between ${lo} and ${hi}.`);
}

/**
 * What the API refuses. AWS does not publish these messages [gap]: the lab's name the field.
 * bakeTimeInMinutes is required for BLUE_GREEN ("You must provide this parameter").
 */
export function validateStrategy(rest: Input): void {
  const s = rest.strategy;
  if (s !== undefined && s !== 'ROLLING' && !builtInStrategy(rest))
    throw invalid(`Invalid deploymentConfiguration.strategy: ${String(s)}.`);
  if (rest.linearConfiguration !== undefined && s !== 'LINEAR')
    throw invalid('linearConfiguration is only valid with strategy LINEAR.');
  if (rest.canaryConfiguration !== undefined && s !== 'CANARY')
    throw invalid('canaryConfiguration is only valid with strategy CANARY.');
  if (s === 'BLUE_GREEN' && (rest.bakeTimeInMinutes === undefined || rest.bakeTimeInMinutes === null))
    throw invalid('bakeTimeInMinutes is required for strategy BLUE_GREEN.');
  const lin = (rest.linearConfiguration ?? {}) as Input;
  inRange(lin.stepPercent, 3, 100, 'linearConfiguration.stepPercent');
  inRange(lin.stepBakeTimeInMinutes, 0, 1440, 'linearConfiguration.stepBakeTimeInMinutes');
  const can = (rest.canaryConfiguration ?? {}) as Input;
  inRange(can.canaryPercent, 0.1, 100, 'canaryConfiguration.canaryPercent');
  inRange(can.canaryBakeTimeInMinutes, 0, 1440, 'canaryConfiguration.canaryBakeTimeInMinutes');
  const hooks = hooksOf(rest);
  for (const h of hooks) {
    if (h.lifecycleStages.length === 0) throw invalid('lifecycleHooks[].lifecycleStages must not be empty.');
    for (const st of h.lifecycleStages)
      if (!HOOK_STAGES.includes(st)) throw invalid(`Invalid lifecycle hook stage: ${st}.`);
    if (h.targetType === 'PAUSE') {
      const bad = h.lifecycleStages.find(
        (x) => x === 'TEST_TRAFFIC_SHIFT' || x === 'PRODUCTION_TRAFFIC_SHIFT',
      );
      if (bad) throw invalid(`PAUSE lifecycle hooks cannot be configured at the ${bad} stage.`);
      if (h.hookTargetArn !== undefined) throw invalid('PAUSE lifecycle hooks take no hookTargetArn.');
      inRange(h.timeoutInMinutes, 1, 20160, 'timeoutConfiguration.timeoutInMinutes');
    } else {
      if (h.hookTargetArn === undefined) throw invalid('AWS_LAMBDA lifecycle hooks need a hookTargetArn.');
      inRange(h.timeoutInMinutes, 1, 1440, 'timeoutConfiguration.timeoutInMinutes');
    }
  }
  if (hooks.filter((h) => h.targetType === 'PAUSE').length > 10)
    throw invalid('A service can have at most 10 PAUSE lifecycle hooks.');
  if (hooks.filter((h) => h.targetType === 'AWS_LAMBDA').length > 10)
    throw invalid('A service can have at most 10 AWS_LAMBDA lifecycle hooks.');
}
