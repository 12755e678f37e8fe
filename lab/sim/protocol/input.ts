/**
 * Reading operation input for the services in this directory's siblings. JSON
 * services hand over typed values; query services hand over strings (see
 * query.ts), so numbers and booleans accept their text form too.
 */
import type { AwsError } from '../types.js';

export type Input = Record<string, unknown>;

export type InvalidErrorFactory = (message: string) => AwsError;

export class InputReader {
  constructor(
    private readonly input: Input,
    private readonly invalid: InvalidErrorFactory,
  ) {}

  optString(key: string): string | undefined {
    const v = this.input[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') throw this.invalid(`${key} must be a string.`);
    return v;
  }

  string(key: string): string {
    const v = this.optString(key);
    if (v === undefined || v === '') throw this.invalid(`${key} is required.`);
    return v;
  }

  optNumber(key: string): number | undefined {
    const v = this.input[key];
    if (v === undefined || v === null || v === '') return undefined;
    const n = typeof v === 'string' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isFinite(n)) throw this.invalid(`${key} must be a number.`);
    return n;
  }

  optBool(key: string): boolean | undefined {
    const v = this.input[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'boolean') return v;
    if (v === 'true' || v === 'false') return v === 'true';
    throw this.invalid(`${key} must be a boolean.`);
  }

  /** The query protocol sends an empty list as `Key=`, which arrives as ''. */
  optStrings(key: string): string[] | undefined {
    const v = this.input[key];
    if (v === undefined || v === null) return undefined;
    if (v === '') return [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
      throw this.invalid(`${key} must be a list of strings.`);
    }
    return v as string[];
  }

  optObject(key: string): Input | undefined {
    const v = this.input[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'object' || Array.isArray(v)) throw this.invalid(`${key} must be a structure.`);
    return v as Input;
  }

  optObjects(key: string): Input[] | undefined {
    const v = this.input[key];
    if (v === undefined || v === null) return undefined;
    if (v === '') return [];
    if (!Array.isArray(v) || v.some((x) => x === null || typeof x !== 'object')) {
      throw this.invalid(`${key} must be a list of structures.`);
    }
    return v as Input[];
  }
}

/** Opaque paging over a sorted list: the token is the next offset, base64 so callers cannot build one. */
export function pageOf<T>(
  items: T[],
  size: number,
  token: string | undefined,
  invalidToken: () => AwsError,
): { items: T[]; next: string | undefined } {
  let start = 0;
  if (token !== undefined && token !== '') {
    const decoded = Buffer.from(token, 'base64').toString('utf8');
    if (!/^o[0-9]+$/.test(decoded)) throw invalidToken();
    start = Number(decoded.slice(1));
    if (start > items.length) throw invalidToken();
  }
  const slice = items.slice(start, start + size);
  const end = start + slice.length;
  return { items: slice, next: end < items.length ? Buffer.from(`o${end}`).toString('base64') : undefined };
}
