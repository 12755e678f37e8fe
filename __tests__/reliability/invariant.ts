/**
 * The invariant of docs/targets.md, checked on a finished run: a release is all of its services
 * or none. Either the run says `deployed` and every service runs its new revision,
 * or it says `rolled-back`/`failed` and every service runs what it ran before, with
 * an error that says why. Returns the problems found (none = the invariant holds).
 */
import type { Report } from '../../src/model/report';

export interface ServiceState {
  taskDefinition: string;
  deployments: number;
}

export function invariantProblems(
  report: Report,
  now: Record<string, ServiceState>,
  before: Record<string, string>,
  after: Record<string, string>,
): string[] {
  const problems: string[] = [];
  const services = Object.keys(before);
  const on = (want: Record<string, string>) => services.every((s) => now[s]?.taskDefinition === want[s]);
  const unsettled = services.filter((s) => (now[s]?.deployments ?? 0) !== 1);
  if (unsettled.length > 0) problems.push(`deployments still in flight on ${unsettled.join(', ')}`);
  if (report.result === 'deployed') {
    if (!on(after)) problems.push('result deployed, but not every service runs its new revision');
    if (report.error) problems.push(`result deployed with an error: ${report.error}`);
  } else if (report.result === 'rolled-back' || report.result === 'failed') {
    if (!on(before))
      problems.push(`result ${report.result}, but not every service runs its previous revision`);
    if (!report.error?.trim()) problems.push(`result ${report.result} without an error that says why`);
  } else {
    problems.push(`unexpected result ${String(report.result)}`);
  }
  if (problems.length > 0) {
    const state = services.map((s) => `${s} runs ${now[s]?.taskDefinition ?? '?'}`).join(', ');
    problems.push(`(${state}; error: ${report.error ?? 'none'})`);
  }
  return problems;
}
