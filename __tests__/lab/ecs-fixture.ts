// A lab ECS + ELBv2 world on a virtual clock, with an in-memory log sink, for the ecs-* tests.
import type Docker from 'dockerode';
import { awslogs, fargateTaskDefinition } from '../../lab/scenarios/task-definition.js';
import { createEcs } from '../../lab/sim/ecs/index.js';
import { createElbv2 } from '../../lab/sim/elbv2/index.js';
import { type CallContext, LAB_ACCOUNT, type LogSink } from '../../lab/sim/types.js';

export const REGION = 'eu-west-1';

export class MemoryLogs implements LogSink {
  readonly streams = new Map<string, { timestamp: number; message: string }[]>();
  ensureStream(group: string, stream: string): void {
    const k = `${group}|${stream}`;
    if (!this.streams.has(k)) this.streams.set(k, []);
  }
  put(group: string, stream: string, events: { timestamp: number; message: string }[]): void {
    this.ensureStream(group, stream);
    this.streams.get(`${group}|${stream}`)?.push(...events);
  }
  lines(group: string, stream: string): string[] {
    return (this.streams.get(`${group}|${stream}`) ?? []).map((e) => e.message);
  }
}

export function lab(
  options: {
    docker?: Docker;
    registryAuth?: { username: string; password: string; serveraddress: string };
  } = {},
) {
  const clock = { t: Date.UTC(2025, 5, 1, 12, 0, 0), now: () => clock.t };
  const logs = new MemoryLogs();
  const elb = createElbv2({ clock, region: REGION, account: LAB_ACCOUNT });
  const ecs = createEcs({
    clock,
    logs,
    elb: elb.world,
    region: REGION,
    account: LAB_ACCOUNT,
    ...(options.docker && { docker: options.docker }),
    ...(options.registryAuth && { registryAuth: options.registryAuth }),
  });
  const ctx = (service: string, operation: string): CallContext => ({
    now: clock.t,
    region: REGION,
    account: LAB_ACCOUNT,
    service,
    operation,
  });
  // Operations are called as the protocol layer calls them: by name, with API member names.
  const call = async <T = Record<string, unknown>>(
    operation: string,
    input: Record<string, unknown>,
  ): Promise<T> => {
    const op = ecs.operations[operation];
    if (!op) throw new Error(`no ECS operation ${operation}`);
    return (await op(input, ctx('ecs', operation))) as T;
  };
  const elbCall = async <T = Record<string, unknown>>(
    operation: string,
    input: Record<string, unknown>,
  ): Promise<T> => {
    const op = elb.operations[operation];
    if (!op) throw new Error(`no ELBv2 operation ${operation}`);
    return (await op(input, ctx('elasticloadbalancing', operation))) as T;
  };
  return {
    clock,
    logs,
    elb,
    ecs,
    call,
    elbCall,
    tick: (ms = 1000) => {
      clock.t += ms;
    },
  };
}

export function taskDefinition(family: string, image: string, extra: Record<string, unknown> = {}) {
  return fargateTaskDefinition(
    family,
    {
      name: family,
      image,
      portMappings: [{ containerPort: 8080, protocol: 'tcp' }],
      environment: [{ name: 'MODE', value: 'lab' }],
      logConfiguration: awslogs(family, REGION),
    },
    extra,
  );
}

export interface DeploymentOut {
  id: string;
  status: string;
  taskDefinition: string;
  desiredCount: number;
  pendingCount: number;
  runningCount: number;
  failedTasks: number;
  rolloutState: string;
  rolloutStateReason: string;
  createdAt: Date;
}

export interface ServiceOut {
  serviceName: string;
  taskDefinition: string;
  desiredCount: number;
  runningCount: number;
  pendingCount: number;
  deployments: DeploymentOut[];
  events: { id: string; createdAt: Date; message: string }[];
}

export interface TaskOut {
  taskArn: string;
  lastStatus: string;
  desiredStatus: string;
  startedBy?: string;
  group?: string;
  taskDefinitionArn: string;
  stopCode?: string;
  stoppedReason?: string;
  containers: {
    name: string;
    lastStatus: string;
    exitCode?: number;
    reason?: string;
    healthStatus?: string;
  }[];
}
