import type { ServiceOperations, SimClock } from '../types.js';
import { elbv2Operations } from './operations.js';
import { ruleOperations } from './rules.js';
import { Elbv2World } from './world.js';

export type { LabLoadBalancer, Listener, ListenerRule, ListenerSeed, RuleAction } from './rules.js';
export { REDIRECT_TO_HTTPS } from './rules.js';
export type { HealthCheckConfig, TargetGroup, TargetGroupSeed, TargetHealth, TargetState } from './world.js';
export { Elbv2World } from './world.js';

export function createElbv2(deps: { clock: SimClock; region: string; account: string }): {
  operations: ServiceOperations;
  world: Elbv2World;
} {
  const world = new Elbv2World(deps.clock, deps.region, deps.account);
  return { operations: { ...elbv2Operations(world), ...ruleOperations(world, world.rules) }, world };
}
