/** DescribeTasks back-off: quick while the migration talks, slower while it is quiet. */
export const POLL_MIN_MS = 1000;
export const POLL_MAX_MS = 6000;

export function nextDelay(previous: number, newLines: number): number {
  if (newLines > 0) return POLL_MIN_MS;
  return Math.min(POLL_MAX_MS, Math.round(previous * 1.5));
}
