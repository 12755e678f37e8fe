/**
 * Deterministic identifiers. A seeded generator (mulberry32) keeps task ids,
 * deployment ids and event ids stable from run to run, so a test failure can be
 * replayed and compared.
 */
export class IdSource {
  private state: number;

  constructor(seed = 1) {
    this.state = seed >>> 0;
  }

  private next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  hex(length: number): string {
    let out = '';
    for (let i = 0; i < length; i += 1) out += Math.floor(this.next() * 16).toString(16);
    return out;
  }

  digits(length: number): string {
    // A leading zero would make the id look shorter than the 19 digits AWS prints.
    let out = String(1 + Math.floor(this.next() * 9));
    for (let i = 1; i < length; i += 1) out += String(Math.floor(this.next() * 10));
    return out;
  }

  /** Event ids in ECS are UUIDs. */
  uuid(): string {
    const h = this.hex(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
  }
}
