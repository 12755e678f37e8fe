/**
 * Following ROLLING deployments (docs/rollout.md "Rollout"): start one (UpdateService), watch many by
 * deployment id, explain failures. The waves and the transaction are the engine's (src/engine/).
 */

export { assess, progressLine, type Verdict } from './assess';
export { describeStoppedTask, logStream } from './diagnose';
export { ReadBudget } from './read-budget';
export { type StartedAll, startAll, startDeployment } from './start';
export { POLL_MS, RESERVE, type WatchOptions, watchDeployments } from './watch';
export type { StartedDeployment } from './watched';
