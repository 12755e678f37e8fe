/** A Runtime over a test world that keeps what the action would hand the runner. */
import type { Runtime } from '../../src/runtime/runtime';
import type { World } from './world';

export interface FakeRuntime extends Runtime {
  outputs: Record<string, string>;
  state: Record<string, string>;
  summaries: string[];
}

export function fakeRuntime(world: World, overrides: Partial<Runtime> = {}): FakeRuntime {
  const outputs: Record<string, string> = {};
  const state: Record<string, string> = {};
  const summaries: string[] = [];
  return {
    log: world.log,
    clock: world.clock,
    signal: world.controller.signal,
    mask: (secret) => world.masked.push(secret),
    setOutput: (name, value) => {
      outputs[name] = value;
    },
    saveState: (name, value) => {
      state[name] = value;
    },
    writeSummary: async (markdown) => {
      summaries.push(markdown);
    },
    aws: async () => world.aws,
    docker: async () => world.docker,
    workdir: process.cwd(),
    outputs,
    state,
    summaries,
    ...overrides,
  };
}
