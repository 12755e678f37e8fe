import type { ServiceOperations } from '../types.js';
import { ecsOperations } from './operations.js';
import { type EcsDeps, EcsWorld } from './world.js';

export type { Behaviour, BehaviourMatch, Outcome, Timings } from './behaviours.js';
export { DEFAULT_TIMINGS } from './behaviours.js';
export { failureThreshold } from './circuit-breaker.js';
export type { AlarmState, EcsDeps } from './world.js';
export { EcsWorld, STEP_MS } from './world.js';

export function createEcs(deps: EcsDeps): { operations: ServiceOperations; world: EcsWorld } {
  const world = new EcsWorld(deps);
  return { operations: ecsOperations(world), world };
}
