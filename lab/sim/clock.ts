/**
 * Clocks for createLab: the real one for the demo and benchmarks, a virtual
 * one for tests, where time moves only when the test (or a sleep) moves it.
 */
import type { SimClock } from './types.js';

export const realClock: SimClock = { now: () => Date.now() };

export class VirtualClock implements SimClock {
  constructor(private t = Date.UTC(2026, 0, 5, 9, 0, 0)) {}

  now(): number {
    return this.t;
  }

  advance(ms: number): void {
    this.t += ms;
  }

  /** A sleep that costs no real time: hand it to createLab as `sleep` so latency faults are virtual too. */
  readonly sleep = async (ms: number): Promise<void> => {
    this.t += ms;
  };
}
