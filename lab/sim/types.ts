/**
 * Contracts shared by the simulator's parts. The protocol layer (protocol/,
 * server.ts, handler.ts) turns wire requests into `Operation` calls and their
 * results back into wire responses; each service module owns its state.
 */

/** An AWS error as the wire carries it: `code` is the error type (`ThrottlingException`). */
export class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly fault: 'client' | 'server' = status >= 500 ? 'server' : 'client',
  ) {
    super(message);
    this.name = code;
  }
}

/** Time as the simulator sees it: virtual in tests, real in the demo and benchmarks. */
export interface SimClock {
  now(): number;
}

export interface CallContext {
  /** Milliseconds since the epoch, from the lab's clock. */
  now: number;
  region: string;
  account: string;
  /** Signing name of the service: `ecs`, `ecr`, `monitoring`, `logs`, `elasticloadbalancing`, `rds`, `secretsmanager`, `sts`. */
  service: string;
  operation: string;
}

/** Input and output use the API's own member names (PascalCase for query/XML services, camelCase for ECS/ECR JSON). */
export type Operation = (input: Record<string, unknown>, ctx: CallContext) => unknown | Promise<unknown>;

export type ServiceOperations = Record<string, Operation>;

/** Where task output goes: the CloudWatch Logs store implements it. */
export interface LogSink {
  ensureStream(group: string, stream: string): void;
  put(group: string, stream: string, events: { timestamp: number; message: string }[]): void;
}

export const LAB_ACCOUNT = '111122223333';
