/**
 * Clocks for createLab: the real one for the demo and benchmarks, and the
 * action's own VirtualClock for tests, so the lab and the stages share one
 * sleep scheduler (sleepers wake in deadline order) instead of two clocks that
 * could disagree. Hand it to createLab as `sleep: (ms) => clock.sleep(ms)`.
 */
import { VirtualClock } from '../../src/runtime/clock.js';
import type { SimClock } from './types.js';

export { VirtualClock };

export const realClock: SimClock = { now: () => Date.now() };
