import type { Finding } from './types';

/** One finding as the log prints it: what, where, and the fix. */
export function findingLine(f: Pick<Finding, 'severity' | 'what' | 'where' | 'fix'>): string {
  return `ground ${f.severity}: ${f.what} (${f.where}). Fix: ${f.fix}`;
}
