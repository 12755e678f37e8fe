/**
 * One call sent exactly once, with a time limit on the run's clock: for a write whose
 * late landing is worse than its failure. The claim tag is such a write
 * (docs/rollout.md): the SDK's retries could land it after another
 * run's read-back, so it gets one attempt, and no answer in time counts as not written.
 */
import type { Clock } from '../runtime/clock';

/** No answer within the time limit: the request was aborted, but it may still land. */
export class RequestTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms; the request was aborted (it may still land)`);
    this.name = 'RequestTimeoutError';
  }
}

/** The part of a command's middleware stack this file uses (the SDK's own type has many overloads). */
interface WithStack {
  middlewareStack: { add(middleware: unknown, options: unknown): void };
}

type Next = (args: unknown) => Promise<unknown>;

export interface OnceLimit {
  clock: Clock;
  timeoutMs: number;
  /** The run's abort signal: cancellation aborts the call too. */
  signal: AbortSignal;
}

/**
 * Sends `command` once: the SDK's retry middleware is replaced (by its name, which the
 * SDK's own stack uses to let a command override it) with a pass-through, and the
 * HTTP exchange itself (innermost: what a request handler does, not the SDK's
 * preparation) races `timeoutMs` on `clock`. On time-out the request is aborted and
 * RequestTimeoutError is thrown.
 */
export async function sendOnce<C extends WithStack, T>(
  command: C,
  send: (command: C, abortSignal: AbortSignal) => Promise<T>,
  limit: OnceLimit,
): Promise<T> {
  const request = new AbortController();
  command.middlewareStack.add((next: Next) => (args: unknown) => next(args), {
    name: 'retryMiddleware',
    step: 'finalizeRequest',
    priority: 'high',
    override: true,
  });
  command.middlewareStack.add((next: Next) => (args: unknown) => raceClock(next(args), request, limit), {
    name: 'ecsReleaseOneAttemptTimeout',
    step: 'deserialize',
    priority: 'low',
  });
  return send(command, AbortSignal.any([limit.signal, request.signal]));
}

/** `call`, or RequestTimeoutError once `timeoutMs` passes on the clock first (then `request` is aborted). */
async function raceClock<T>(call: Promise<T>, request: AbortController, limit: OnceLimit): Promise<T> {
  const timer = new AbortController();
  const expired = limit.clock.sleep(limit.timeoutMs, timer.signal).then(() => {
    throw new RequestTimeoutError(limit.timeoutMs);
  });
  // A timer stopped because the call answered first rejects with the abort: nobody waits for it.
  expired.catch(() => undefined);
  try {
    return await Promise.race([call, expired]);
  } catch (error) {
    if (error instanceof RequestTimeoutError) request.abort(error);
    throw error;
  } finally {
    timer.abort();
  }
}
