import type { Clock } from '../runtime/clock';

/** How often a watch polls ECS: once a second, within the budget below. */
export const POLL_MS = 1000;
/** Reads a poll leaves in the bucket for the decision that may follow it. */
export const RESERVE = 2;

/**
 * A token bucket for ECS read calls, shared by everything one watch loop reads.
 * Polls leave a reserve in the bucket, so the few reads a decision needs (the
 * new tasks' targets at completion, the stopped tasks at a failure) run at once
 * instead of waiting a poll interval; everything together stays under `rate`.
 */
export class ReadBudget {
  private tokens: number;
  private at: number;

  constructor(
    private readonly clock: Clock,
    /** Sustained ECS reads per second. */
    readonly rate = 0.8,
    /** Bucket size: the most reads that may happen back to back. */
    readonly capacity = 3,
    /** Starting low keeps short watches under `rate` too (nothing completes in a deployment's first seconds). */
    initial = 1,
  ) {
    this.tokens = initial;
    this.at = clock.now();
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.at) / 1000) * this.rate);
    this.at = now;
  }

  /** Waits until `count` reads fit while leaving `reserve` tokens, then spends them. */
  async take(count: number, signal?: AbortSignal, reserve = 0): Promise<void> {
    this.refill();
    const needed = Math.min(this.capacity, count + reserve);
    if (this.tokens < needed) {
      await this.clock.sleep(Math.ceil(((needed - this.tokens) / this.rate) * 1000), signal);
      this.refill();
    }
    this.tokens -= count;
  }

  /**
   * For the reads a pending verdict needs: spends `count` at once, even into debt down
   * to -capacity, and waits only below that. The debt is paid back by the next poll
   * waiting longer, so the sustained rate stays `rate`; a verdict never queues behind
   * a whole poll round's refill.
   */
  async borrow(count: number, signal?: AbortSignal): Promise<void> {
    this.refill();
    const floor = -this.capacity;
    if (this.tokens - count < floor) {
      await this.clock.sleep(Math.ceil(((floor + count - this.tokens) / this.rate) * 1000), signal);
      this.refill();
    }
    this.tokens -= count;
  }
}
