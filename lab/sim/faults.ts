/**
 * Faults on demand. They are checked before the operation runs, so a faulted
 * call never changes the world: exactly what a throttled or failed AWS call
 * guarantees to the caller.
 */
import { canonicalService } from './protocol/services.js';

export type FaultKind = 'throttle' | 'server-error' | 'reset' | 'latency' | 'expired-credentials';

export interface FaultSpec {
  /** Signing name or alias (`ecs`, `cloudwatch`, `elbv2`…); `*` for every service. */
  service: string;
  /** Omitted: every operation of the service. */
  operation?: string;
  kind: FaultKind;
  /** How many calls it answers; omitted: until removed. Ignored for `expired-credentials`. */
  times?: number;
  /** For `latency`: delay before the call goes on. Default 1000 ms. */
  latencyMs?: number;
  /** For `server-error`: 500 (InternalFailure, the default) or 503 (ServiceUnavailable). */
  status?: 500 | 503;
  /**
   * Only calls that write a tag whose value starts with this (TagResource): one run's
   * claim, `<run id> <expiry>`, delayed or failed while other runs' calls go through.
   */
  tagValuePrefix?: string;
  /**
   * For `latency`: the call still lands after its delay when the caller gave up on it
   * (aborted, timed out), as a request already on the wire does.
   */
  landsAnyway?: boolean;
  /**
   * For `latency`: after its delay the call also waits for this promise, then lands
   * whether or not its caller still waits (a test lands it at a moment it picks).
   */
  until?: Promise<unknown>;
}

export interface ActiveFault extends FaultSpec {
  id: number;
  /** Calls it has answered so far. */
  hits: number;
}

export interface FaultPlan {
  delayMs: number;
  /** A matching latency fault lets the call land even when its caller aborts during the delay. */
  landsAnyway?: boolean;
  /** What the call waits for after its delay (the latency faults' `until`). */
  until?: Promise<unknown>[];
  /** The fault that answers instead of the operation, if any. */
  terminal?: ActiveFault;
}

export class Faults {
  private next = 1;
  private active: ActiveFault[] = [];

  add(spec: FaultSpec): { id: number; remove: () => void } {
    const fault: ActiveFault = { ...spec, service: canonicalService(spec.service), id: this.next++, hits: 0 };
    this.active.push(fault);
    return { id: fault.id, remove: () => this.remove(fault.id) };
  }

  remove(id: number): void {
    this.active = this.active.filter((f) => f.id !== id);
  }

  clear(): void {
    this.active = [];
  }

  list(): readonly ActiveFault[] {
    return this.active;
  }

  /**
   * What happens to this call: every matching latency fault adds its delay,
   * then the oldest matching non-latency fault answers it. Each use counts
   * against `times`; spent faults go away.
   */
  plan(service: string, operation: string, input: Record<string, unknown> = {}): FaultPlan {
    const matches = this.active.filter(
      (f) =>
        (f.service === '*' || f.service === service) &&
        (f.operation === undefined || f.operation === operation) &&
        (f.tagValuePrefix === undefined || writesTagStartingWith(input, f.tagValuePrefix)),
    );
    let delayMs = 0;
    let landsAnyway = false;
    const until: Promise<unknown>[] = [];
    for (const f of matches.filter((m) => m.kind === 'latency')) {
      delayMs += f.latencyMs ?? 1000;
      landsAnyway ||= f.landsAnyway === true || f.until !== undefined;
      if (f.until) until.push(f.until);
      f.hits += 1;
    }
    const terminal = matches.find((m) => m.kind !== 'latency');
    if (terminal) terminal.hits += 1;
    this.active = this.active.filter(
      (f) => f.kind === 'expired-credentials' || f.times === undefined || f.hits < f.times,
    );
    const planned = {
      delayMs,
      ...(landsAnyway && { landsAnyway }),
      ...(until.length > 0 && { until }),
    };
    return terminal ? { ...planned, terminal } : planned;
  }
}

/** The input writes a tag (`tags: [{ key, value }]`, ECS's spelling) whose value starts with `prefix`. */
function writesTagStartingWith(input: Record<string, unknown>, prefix: string): boolean {
  const tags = (Array.isArray(input.tags) ? input.tags : []) as ({ value?: unknown } | null)[];
  return tags.some((t) => typeof t?.value === 'string' && t.value.startsWith(prefix));
}
