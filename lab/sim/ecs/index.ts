import type Docker from 'dockerode';
import type { Elbv2World } from '../elbv2/world.js';
import type { LogSink, ServiceOperations, SimClock } from '../types.js';
import { ecsOperations } from './operations.js';
import { type AlarmState, EcsWorld } from './world.js';

export type { Behaviour, BehaviourMatch, Outcome, Timings } from './behaviours.js';
export { DEFAULT_TIMINGS } from './behaviours.js';
export { failureThreshold } from './circuit-breaker.js';
export type { AlarmState, EcsDeps } from './world.js';
export { EcsWorld, STEP_MS } from './world.js';

export function createEcs(deps: {
  clock: SimClock;
  logs: LogSink;
  elb: Elbv2World;
  region: string;
  account: string;
  /** A dockerode instance when the lab engine is up: RunTask then runs containers for real. */
  docker?: Docker;
  registryAuth?: { username: string; password: string; serveraddress: string };
  alarmState?: AlarmState;
  seed?: number;
}): { operations: ServiceOperations; world: EcsWorld } {
  const world = new EcsWorld(deps);
  return { operations: ecsOperations(world), world };
}
