/** Reading operation input: the wire layer hands us plain JSON, so every member is checked here. */
import { AwsError } from '../types.js';

export type Input = Record<string, unknown>;

export function invalid(message: string): AwsError {
  return new AwsError('InvalidParameterException', message);
}

export function optString(input: Input, key: string): string | undefined {
  const v = input[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw invalid(`${key} must be a string.`);
  return v;
}

export function reqString(input: Input, key: string): string {
  const v = optString(input, key);
  if (v === undefined || v === '') throw invalid(`${key} can not be blank.`);
  return v;
}

export function optNumber(input: Input, key: string): number | undefined {
  const v = input[key];
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw invalid(`${key} must be a number.`);
  return n;
}

export function optBool(input: Input, key: string): boolean | undefined {
  const v = input[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'false') return v === 'true';
  throw invalid(`${key} must be a boolean.`);
}

export function optStrings(input: Input, key: string): string[] | undefined {
  const v = input[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))
    throw invalid(`${key} must be a list of strings.`);
  return v as string[];
}

export function optObject(input: Input, key: string): Input | undefined {
  const v = input[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw invalid(`${key} must be an object.`);
  return v as Input;
}

export function optObjects(input: Input, key: string): Input[] | undefined {
  const v = input[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'object' || x === null)) {
    throw invalid(`${key} must be a list of objects.`);
  }
  return v as Input[];
}

/** Deep copy of wire data, so what we store is not aliased to the caller's objects. */
export function clone<T>(value: T): T {
  return structuredClone(value);
}

/** Tags in ECS's JSON spelling. */
export interface Tag {
  key: string;
  value: string;
}

export function optTags(input: Input, key = 'tags'): Tag[] | undefined {
  const list = optObjects(input, key);
  if (!list) return undefined;
  return list.map((t) => {
    if (typeof t.key !== 'string') throw invalid('Tag keys must be strings.');
    return { key: t.key, value: typeof t.value === 'string' ? t.value : '' };
  });
}

export function mergeTags(existing: Tag[], added: Tag[]): Tag[] {
  const map = new Map(existing.map((t) => [t.key, t.value]));
  for (const t of added) map.set(t.key, t.value);
  return [...map].map(([k, v]) => ({ key: k, value: v }));
}

/** Opaque paging tokens: the offset, base64 so callers do not build them. */
export function page<T>(
  items: T[],
  maxResults: number | undefined,
  nextToken: string | undefined,
  cap = 100,
) {
  const size = Math.min(maxResults ?? cap, cap);
  if (size < 1) throw invalid('maxResults must be at least 1.');
  let start = 0;
  if (nextToken !== undefined) {
    start = Number(Buffer.from(nextToken, 'base64').toString('utf8'));
    if (!Number.isInteger(start) || start < 0) throw invalid('Invalid nextToken.');
  }
  const slice = items.slice(start, start + size);
  const next = start + size < items.length ? Buffer.from(String(start + size)).toString('base64') : undefined;
  return { items: slice, nextToken: next };
}
