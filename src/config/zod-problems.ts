import type { z } from 'zod';
import type { Problem } from './errors';
import { closest } from './suggest';

type Schema = z.core.$ZodType;

/** Walks the schema along `path` to list the keys an object there may have. */
function knownKeysAt(schema: Schema, path: readonly PropertyKey[]): string[] {
  let current: Schema | undefined = schema;
  const steps = [...path];
  for (;;) {
    if (!current) return [];
    const def = current._zod.def as unknown as Record<string, unknown> & { type: string };
    if (def.type === 'optional' || def.type === 'nullable' || def.type === 'default' || def.type === 'pipe') {
      current = (def.innerType ?? def.in) as Schema | undefined;
      continue;
    }
    if (steps.length === 0) {
      return def.type === 'object' ? Object.keys(def.shape as Record<string, unknown>) : [];
    }
    const step = steps.shift();
    if (def.type === 'object') current = (def.shape as Record<string, Schema>)[String(step)];
    else if (def.type === 'array') current = def.element as Schema;
    else if (def.type === 'record') current = def.valueType as Schema;
    else return [];
  }
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, part) => {
    if (typeof part === 'number') return `${text}[${part}]`;
    return text ? `${text}.${String(part)}` : String(part);
  }, '');
}

/** The value at `path` in the parsed document (zod 4 leaves `issue.input` unset for most type errors). */
function valueAt(document: unknown, path: readonly PropertyKey[]): { found: boolean; value?: unknown } {
  let current: unknown = document;
  for (const step of path) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, step)) {
      return { found: false };
    }
    current = (current as Record<PropertyKey, unknown>)[step];
  }
  return { found: true, value: current };
}

/** What a value is, in words, with a short quote for scalars. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') {
    const quoted = JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
    return `the string ${quoted}`;
  }
  return `${typeof value} ${String(value).slice(0, 40)}`;
}

/**
 * zod issues as problems that name the key and say what was expected and what was there.
 * With `lineOf` (the file's key lines), each problem also names `where` as its file and
 * the key's line.
 */
export function problemsFromZod(
  error: z.ZodError,
  schema: Schema,
  where: string,
  document?: unknown,
  lineOf?: (path: readonly PropertyKey[]) => number | undefined,
): Problem[] {
  const problems: Problem[] = [];
  const place = (path: readonly PropertyKey[]) => {
    if (!lineOf) return {};
    const line = lineOf(path);
    return line === undefined ? { file: where } : { file: where, line };
  };
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeysAt(schema, issue.path);
      for (const key of issue.keys) {
        const guess = closest(key, known);
        problems.push({
          key: `${where}: ${formatPath([...issue.path, key])}`,
          message: `unknown key${guess ? ` (did you mean "${guess}"?)` : ''}; known keys: ${known.join(', ')}`,
          ...place([...issue.path, key]),
        });
      }
      continue;
    }
    let message = issue.message;
    if (issue.code === 'invalid_type') {
      const at =
        issue.input !== undefined ? { found: true, value: issue.input } : valueAt(document, issue.path);
      message = `expected ${issue.expected}, got ${at.found ? describeValue(at.value) : 'nothing'}`;
    } else if (issue.code === 'invalid_union') {
      const at = valueAt(document, issue.path);
      message = `has the wrong type${at.found ? ` (got ${describeValue(at.value)})` : ''}`;
    }
    problems.push({
      key: `${where}: ${formatPath(issue.path) || '(document)'}`,
      message,
      ...place(issue.path),
    });
  }
  return problems;
}
