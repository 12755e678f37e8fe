/**
 * A real-clock world for the images benchmark: the lab in-process with the real
 * registry and engine, SDK clients pointed at it, and a logger that keeps lines
 * (the project's MemoryLogger pulls in @actions/core, which tsx cannot load here).
 */
import Docker from 'dockerode';
import { type LabEnv, requireLabEnv } from '../../lab/env';
import { realClock } from '../../lab/sim/clock';
import { createLab, type Lab } from '../../lab/sim/lab';
import { createClients } from '../../src/aws/clients';
import type { ReleaseConfig } from '../../src/config/types';
import { systemClock } from '../../src/runtime/clock';
import type { StageContext } from '../../src/runtime/context';
import type { Logger } from '../../src/runtime/log';

export class LineLogger implements Logger {
  readonly lines: string[] = [];
  constructor(private readonly echo: boolean) {}
  private add(line: string): void {
    this.lines.push(line);
    if (this.echo) console.log(`    ${line}`);
  }
  info(m: string): void {
    this.add(m);
  }
  debug(m: string): void {
    if (process.env.BENCH_DEBUG) this.add(`debug: ${m}`);
  }
  notice(m: string): void {
    this.add(`notice: ${m}`);
  }
  warning(m: string): void {
    this.add(`warning: ${m}`);
  }
  error(m: string): void {
    this.add(`error: ${m}`);
  }
  group<T>(_name: string, fn: () => Promise<T>): Promise<T> {
    return fn();
  }
}

export interface BenchWorld {
  env: LabEnv;
  lab: Lab;
  docker: Docker;
  log: LineLogger;
  context(config: ReleaseConfig, workdir: string): StageContext;
}

export function benchWorld(echo = false): BenchWorld {
  const env = requireLabEnv();
  const docker = new Docker({ socketPath: env.dockerHost.replace(/^unix:\/\//, '') });
  const lab = createLab({
    clock: realClock,
    registry: { host: env.registry, user: env.registryUser, password: env.registryPassword },
    docker,
  });
  const aws = createClients({
    region: lab.region,
    requestHandler: lab.handler,
    credentials: { accessKeyId: 'lab', secretAccessKey: 'lab' },
  });
  const log = new LineLogger(echo);
  return {
    env,
    lab,
    docker,
    log,
    context: (config, workdir) => ({
      config,
      aws,
      docker: async () => docker,
      clock: systemClock,
      log,
      signal: new AbortController().signal,
      mask: () => {},
      workdir,
    }),
  };
}
