/**
 * Time is injected everywhere so scenario tests run a 30-minute release in
 * milliseconds and the demo runs it in real time, with the same code.
 */
export interface Clock {
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason when aborted first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

interface Timer {
  at: number;
  seq: number;
  resolve: () => void;
}

/**
 * A clock whose time moves only when every caller is asleep: the earliest
 * sleeper wakes, time jumps to its deadline. Each wake-up waits one macrotask so
 * the in-process AWS simulator's promise chains settle before time moves on.
 */
export class VirtualClock implements Clock {
  private current: number;
  private readonly timers: Timer[] = [];
  private seq = 0;
  private flushing = false;

  constructor(start = Date.UTC(2026, 10, 27, 12, 0, 0)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  /** Moves time forward without waking anyone (for test setup). */
  advance(ms: number): void {
    this.current += ms;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        const i = this.timers.indexOf(timer);
        if (i >= 0) this.timers.splice(i, 1);
        reject(signal?.reason);
      };
      const timer: Timer = {
        at: this.current + Math.max(0, ms),
        seq: this.seq++,
        resolve: () => {
          // A finished sleep must not leave its listener on a long-lived signal.
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      this.timers.push(timer);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.flushing) return;
    this.flushing = true;
    setImmediate(() => {
      this.flushing = false;
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers.shift();
      if (!next) return;
      this.current = Math.max(this.current, next.at);
      next.resolve();
      if (this.timers.length > 0) this.schedule();
    });
  }
}
