/**
 * Scenario times: a number is milliseconds after the lab started (its clock's
 * reading at createLab), a Date is an absolute instant. Relative times keep
 * scenarios readable and independent of when the test runs.
 */
export type When = number | Date;

export function resolveWhen(when: When, startedAt: number): number {
  return when instanceof Date ? when.getTime() : startedAt + when;
}

/** A value that changes at given instants; `valueAt` is the latest change at or before `now`. */
export class Timeline<T> {
  private readonly changes: { at: number; value: T; seq: number }[] = [];
  private seq = 0;

  constructor(initial: T, at: number) {
    this.set(at, initial);
  }

  /** Later calls win over earlier ones at the same instant. */
  set(at: number, value: T): void {
    this.changes.push({ at, value, seq: this.seq++ });
    this.changes.sort((a, b) => a.at - b.at || a.seq - b.seq);
  }

  current(now: number): { value: T; since: number } {
    let found = this.changes[0];
    for (const c of this.changes) {
      if (c.at <= now) found = c;
      else break;
    }
    if (!found) throw new Error('Timeline has no value.');
    return { value: found.value, since: found.at };
  }
}
