export { type AlarmStatus, SMOKE } from './decide';
export { type GateDeps, type GateInput, runGate } from './gate';
export type { FetchLike } from './smoke';
