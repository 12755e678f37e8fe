/**
 * Pure helpers shared by the benchmarks: quantiles, durations and the Markdown
 * table the README carries. No I/O, so they are unit-tested on their own.
 */

/** Linear interpolation between closest ranks (the usual "type 7" quantile); NaN for no samples. */
export function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const i = (s.length - 1) * q;
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  return (s[lo] ?? 0) + ((s[hi] ?? 0) - (s[lo] ?? 0)) * (i - lo);
}

export const median = (xs: readonly number[]): number => quantile(xs, 0.5);

/** Milliseconds as seconds: two decimals under 10 s, one under 100 s, none above. */
export function seconds(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  const s = ms / 1000;
  const digits = Math.abs(s) < 10 ? 2 : Math.abs(s) < 100 ? 1 : 0;
  return `${s.toFixed(digits)} s`;
}

/** Milliseconds as milliseconds, whole. */
export const millis = (ms: number): string => (Number.isFinite(ms) ? `${Math.round(ms)} ms` : '—');

export interface Row {
  /** What is measured (a figure of docs/targets.md). */
  what: string;
  ours: string;
  /** The baseline measured in the same run, or why there is none. */
  baseline: string;
  /** The target docs/targets.md sets. */
  target: string;
  /** Whether the target is met; undefined when not judged (not measured, or no numeric target). */
  met?: boolean;
}

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** A Markdown table, columns padded so the source reads as a table too (Biome/Prettier style). */
export function markdownTable(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [head, ...rows].map((r) => head.map((_, i) => cell(r[i] ?? '')));
  const widths = head.map((_, i) => Math.max(3, ...all.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) => `| ${r.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  const [first, ...rest] = all;
  return [line(first ?? []), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rest.map(line)].join(
    '\n',
  );
}

const verdict = (met: boolean | undefined): string => (met === undefined ? '—' : met ? 'yes' : 'NO');

export function rowsTable(rows: readonly Row[]): string {
  return markdownTable(
    ['what', 'ecs-release', 'baseline (same run)', 'target (docs/targets.md)', 'met'],
    rows.map((r) => [r.what, r.ours, r.baseline, r.target, verdict(r.met)]),
  );
}
