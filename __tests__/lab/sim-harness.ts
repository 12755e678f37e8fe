/**
 * Runs a suite both ways the lab is used: as the SDK's in-process request
 * handler, and over loopback HTTP with `endpoint` (as AWS_ENDPOINT_URL would).
 */
import { join } from 'node:path';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { HttpHandler } from '@smithy/protocol-http';
import { loadLabEnv } from '../../lab/env.js';
import { VirtualClock } from '../../lab/sim/clock.js';
import { createLab, type Lab, type LabOptions } from '../../lab/sim/lab.js';
import { startLabServer } from '../../lab/sim/server.js';

export type Mode = 'in-process' | 'http';
export const MODES: Mode[] = ['in-process', 'http'];

export interface ClientConfig {
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  maxAttempts: number;
  requestHandler?: HttpHandler;
  endpoint?: string;
}

export interface Harness {
  lab: Lab;
  clock: VirtualClock;
  config: ClientConfig;
  close(): Promise<void>;
}

export async function openLab(mode: Mode, options: Partial<LabOptions> = {}): Promise<Harness> {
  const clock = new VirtualClock();
  const lab = createLab({ clock, sleep: (ms) => clock.sleep(ms), ...options });
  const base = {
    region: lab.region,
    credentials: { accessKeyId: 'lab', secretAccessKey: 'lab' },
    maxAttempts: 1,
  };
  if (mode === 'in-process') {
    return { lab, clock, config: { ...base, requestHandler: lab.handler }, close: async () => {} };
  }
  const server = await startLabServer(lab, { port: 0 });
  return { lab, clock, config: { ...base, endpoint: server.url }, close: () => server.close() };
}

export interface SdkLab extends Harness {
  ecs: ECSClient;
  elb: ElasticLoadBalancingV2Client;
}

/** The lab in `mode` with an ECS and an ELBv2 client on it; close() destroys the clients, then closes the lab. */
export async function openSdkLab(mode: Mode): Promise<SdkLab> {
  const h = await openLab(mode);
  const ecs = new ECSClient(h.config);
  const elb = new ElasticLoadBalancingV2Client(h.config);
  const close = async () => {
    ecs.destroy();
    elb.destroy();
    await h.close();
  };
  return { ...h, ecs, elb, close };
}

/** `.lab/env` as lab/up writes it, or undefined when the lab is not up. */
export function labEnv(): Readonly<Record<string, string>> | undefined {
  return loadLabEnv(join(__dirname, '..', '..'))?.vars;
}

/** The lab registry from `.lab/env`, or undefined when the lab is not up. */
export function labRegistry(): { host: string; user: string; password: string } | undefined {
  const env = loadLabEnv(join(__dirname, '..', '..'));
  return env ? { host: env.registry, user: env.registryUser, password: env.registryPassword } : undefined;
}

export async function errorOf(p: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await p;
  } catch (e) {
    return e as Error & Record<string, unknown>;
  }
  throw new Error('expected the call to fail');
}
