/**
 * A whole world for stage and pipeline tests: the lab on a virtual clock, real
 * SDK clients whose requests the lab answers in-process, a logger that keeps
 * every line, and (when lab/up has run) the real Docker engine and registry.
 */
import Docker from 'dockerode';
import { type LabEnv, loadLabEnv } from '../../lab/env';
import { createLab, type Lab, type LabOptions } from '../../lab/sim/lab';
import { type AwsClients, createClients } from '../../src/aws/clients';
import type { ReleaseConfig } from '../../src/config/types';
import { VirtualClock } from '../../src/runtime/clock';
import type { StageContext } from '../../src/runtime/context';
import { MemoryLogger } from '../../src/runtime/log';

export interface World {
  lab: Lab;
  clock: VirtualClock;
  aws: AwsClients;
  log: MemoryLogger;
  /** Every secret the code asked to mask. */
  masked: string[];
  labEnv: LabEnv | undefined;
  docker: Docker;
  controller: AbortController;
  context(config: ReleaseConfig, workdir?: string): StageContext;
}

export interface WorldOptions extends Partial<LabOptions> {
  /** Use the lab's real registry and engine (needs lab/up). Default: only when the lab is up. */
  real?: boolean;
  /** SDK attempts per call; default 3 so fault tests see retries. */
  maxAttempts?: number;
  /**
   * `real`: the lab's RunTask runs containers on the engine (real time: use a real clock).
   * `scripted` (default): RunTask follows the scenario DSL on the virtual clock; builds
   * and the registry stay real when the lab is up.
   */
  runTasks?: 'real' | 'scripted';
}

export function labIsUp(): boolean {
  return loadLabEnv() !== undefined;
}

export const LAB_MISSING =
  'this suite needs the lab (Docker engine, registry, PostgreSQL) and .lab/env is missing: run lab/up. It fails rather than skip, so a broken lab detection cannot leave the pipeline untested';

/** A lab suite's first hook: without `.lab/env` every test of the suite fails, loudly. */
export function needsLab(): void {
  if (!labIsUp()) throw new Error(LAB_MISSING);
}

export function createWorld(options: WorldOptions = {}): World {
  const labEnv = options.real === false ? undefined : loadLabEnv();
  const clock = new VirtualClock();
  const docker = labEnv
    ? new Docker({ socketPath: labEnv.dockerHost.replace(/^unix:\/\//, '') })
    : new Docker({ socketPath: '/nonexistent.sock' });
  const lab = createLab({
    clock,
    sleep: (ms) => clock.sleep(ms),
    ...(labEnv
      ? {
          registry: { host: labEnv.registry, user: labEnv.registryUser, password: labEnv.registryPassword },
          ...(options.runTasks === 'real' ? { docker } : {}),
        }
      : {}),
    ...options,
  });
  const aws = createClients({
    region: lab.region,
    requestHandler: lab.handler,
    credentials: { accessKeyId: 'lab', secretAccessKey: 'lab' },
    maxAttempts: options.maxAttempts ?? 3,
  });
  const log = new MemoryLogger();
  const masked: string[] = [];
  const controller = new AbortController();
  return {
    lab,
    clock,
    aws,
    log,
    masked,
    labEnv,
    docker,
    controller,
    context: (config, workdir = process.cwd()) => ({
      config,
      aws,
      docker: async () => docker,
      clock,
      log,
      signal: controller.signal,
      mask: (secret) => masked.push(secret),
      workdir,
    }),
  };
}
