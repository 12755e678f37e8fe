/** Lines quoted in a failure. */
export const TAIL_LINES = 20;

/** The last `size` items: a migration may print millions of lines, the error needs the last few. */
export class Ring<T> {
  private readonly items: T[] = [];
  private next = 0;

  constructor(readonly size: number) {}

  push(item: T): void {
    if (this.items.length < this.size) this.items.push(item);
    else this.items[this.next] = item;
    this.next = (this.next + 1) % this.size;
  }

  /** Oldest first. */
  toArray(): T[] {
    if (this.items.length < this.size) return [...this.items];
    return [...this.items.slice(this.next), ...this.items.slice(0, this.next)];
  }
}

/** Error messages quote lines; a single 5 MB line must not become a 5 MB error. */
export function clip(line: string, max = 500): string {
  return line.length <= max ? line : `${line.slice(0, max)}… (${line.length - max} more characters)`;
}
