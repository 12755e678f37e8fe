/**
 * Every wire call the lab answered, so a test can assert what the action did
 * (and, above all, that a read-only command changed nothing).
 */
import { canonicalService } from './protocol/services.js';

export interface RecordedCall {
  /** Lab clock, milliseconds since the epoch, when the call arrived. */
  at: number;
  /** Signing name (`ecs`, `ecr`, `monitoring`, `logs`, `elasticloadbalancing`, `rds`, `secretsmanager`, `sts`). */
  service: string;
  operation: string;
  input: Record<string, unknown>;
  output?: unknown;
  /** `fault` is set when an injected fault answered instead of the operation. */
  error?: { code: string; message: string; status: number; fault?: string };
}

/**
 * Operations whose name starts with one of these only read. Every other
 * operation is a mutation, whether it succeeded or failed: a rejected or
 * faulted attempt still shows the caller tried to change something.
 */
export const READ_PREFIXES = ['Describe', 'List', 'Get', 'BatchGet', 'Filter'] as const;

export function isMutation(operation: string): boolean {
  return !READ_PREFIXES.some((p) => operation.startsWith(p));
}

export class Recorder {
  private readonly log: RecordedCall[] = [];

  record(call: RecordedCall): void {
    this.log.push(call);
  }

  /** Calls in arrival order; `service` accepts aliases (`cloudwatch`, `elbv2`, `secrets`). */
  calls(service?: string, operation?: string): RecordedCall[] {
    const svc = service === undefined ? undefined : canonicalService(service);
    return this.log.filter(
      (c) =>
        (svc === undefined || c.service === svc) && (operation === undefined || c.operation === operation),
    );
  }

  mutations(): RecordedCall[] {
    return this.log.filter((c) => isMutation(c.operation));
  }

  clear(): void {
    this.log.length = 0;
  }
}
