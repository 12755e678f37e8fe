/**
 * What the watch benchmarks share (run.ts: one service per timeline; fleet.ts: 2 to 50):
 * a StageContext on the lab's virtual clock, the SDK waiter running on that clock too,
 * and when the lab reached a deployment's verdict.
 */
import { setMaxListeners } from 'node:events';
import Docker from 'dockerode';
import type { Lab } from '../../lab/sim/lab';
import type { AwsClients } from '../../src/aws/clients';
import type { ReleaseConfig } from '../../src/config/types';
import type { VirtualClock } from '../../src/runtime/clock';
import type { StageContext } from '../../src/runtime/context';
import type { Logger } from '../../src/runtime/log';

/** The VirtualClock keeps one abort listener per sleep: fine for a bench, but Node warns past 10. */
function quietSignal(): AbortSignal {
  const signal = new AbortController().signal;
  setMaxListeners(0, signal);
  return signal;
}

/** A deploy's context for the watch alone: no gate, no images, the engine never asked for. */
export function benchContext(o: {
  clock: VirtualClock;
  aws: AwsClients;
  region: string;
  cluster: string;
  log: Logger;
  waitTimeoutMs: number;
}): StageContext {
  const config = {
    command: 'deploy',
    environment: 'bench',
    region: o.region,
    cluster: o.cluster,
    release: 'r',
    commit: 'c',
    images: [],
    services: [],
    gate: { alarms: [], bakeTimeMs: 0, autoRollback: true, waitTimeoutMs: o.waitTimeoutMs },
    to: 'previous',
    githubDeployment: false,
    createRepositories: true,
  } satisfies ReleaseConfig;
  return {
    config,
    aws: o.aws,
    docker: async () => new Docker({ socketPath: '/nonexistent.sock' }),
    clock: o.clock,
    log: o.log,
    signal: quietSignal(),
    mask: () => {},
    workdir: process.cwd(),
  };
}

/** Runs `fn` with setTimeout and Date.now following the virtual clock (the SDK waiter reads both). */
export async function onVirtualTime<T>(clock: VirtualClock, fn: () => Promise<T>): Promise<T> {
  const realSetTimeout = globalThis.setTimeout;
  const realNow = Date.now;
  globalThis.setTimeout = ((cb: () => void, ms?: number) => {
    void clock.sleep(ms ?? 0).then(cb);
    return 0 as unknown as NodeJS.Timeout;
  }) as unknown as typeof setTimeout;
  Date.now = () => clock.now();
  try {
    return await fn();
  } finally {
    globalThis.setTimeout = realSetTimeout;
    Date.now = realNow;
  }
}

/** When the lab's deployment reached its verdict: its `deployment completed` / `failed` service event. */
export function verdictAt(lab: Lab, cluster: string, service: string, deploymentId: string): number {
  const svc = lab.ecs.service(cluster, service);
  const e = svc.events.find((x) => x.message.includes(`(deployment ${deploymentId}) deployment`));
  if (!e) throw new Error(`no verdict event for ${service} ${deploymentId}`);
  return e.createdAt;
}
