import type { Tag } from '@aws-sdk/client-ecs';
import { type Comparable, normalize, READ_ONLY } from './task-definition';

/** Flattens a revision into `path → value`, containers keyed by name so reordering reads as what it is. */
function flatten(td: Comparable): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (path: string, value: unknown): void => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) walk(path ? `${path}.${k}` : k, v);
    } else if (value !== undefined) out.set(path, JSON.stringify(value));
  };
  for (const [k, v] of Object.entries(td)) {
    // Tags are diffed on their own, below.
    if (READ_ONLY.has(k) || k === 'tags') continue;
    if (k === 'containerDefinitions' && Array.isArray(v)) {
      for (const c of v as { name?: string }[]) walk(`container "${c.name ?? '?'}"`, normalize(c));
    } else walk(k, normalize(v));
  }
  return out;
}

function tagMap(tags: Tag[] | undefined): Map<string, string> {
  return new Map((tags ?? []).map((t) => [t.key ?? '', t.value ?? '']));
}

/** Human-readable differences between two revisions, one line per changed field or tag; '' when equal. */
export function diffTaskDefinitions(before: Comparable, after: Comparable): string {
  const lines: string[] = [];
  const a = flatten(before);
  const b = flatten(after);
  for (const key of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const x = a.get(key);
    const y = b.get(key);
    if (x === y) continue;
    if (x === undefined) lines.push(`+ ${key}: ${y}`);
    else if (y === undefined) lines.push(`- ${key}: ${x}`);
    else lines.push(`~ ${key}: ${x} → ${y}`);
  }
  const ta = tagMap(before.tags);
  const tb = tagMap(after.tags);
  for (const key of [...new Set([...ta.keys(), ...tb.keys()])].sort()) {
    const x = ta.get(key);
    const y = tb.get(key);
    if (x === y) continue;
    if (x === undefined) lines.push(`+ tag ${key}=${y}`);
    else if (y === undefined) lines.push(`- tag ${key}=${x}`);
    else lines.push(`~ tag ${key}: ${x} → ${y}`);
  }
  return lines.join('\n');
}
