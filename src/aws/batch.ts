/** `items` in batches of at most `size`: AWS list parameters have per-call limits (10 services, 100 tasks or images). */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
