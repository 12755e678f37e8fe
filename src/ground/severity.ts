import type { Finding, FindingKind, GroundCommand, GroundMode, RawFinding, Severity } from './types';

/** TLS findings whose severity follows the host's source outside `check`. */
const TLS_ERRORS: ReadonlySet<FindingKind> = new Set(['coverage', 'expiry']);
/** What `check`, the alarm, treats as errors whatever the host's source. */
const CHECK_ERRORS: ReadonlySet<FindingKind> = new Set(['coverage', 'expiry', 'imported', 'renewal', 'task']);

/**
 * The severity of one finding for one command (docs/ground.md#severity): the checks must
 * never become the outage, so only what the person declared, or what stops the new tasks
 * from starting, refuses a deploy; a rollback is refused only for its tasks; `check` is the
 * alarm; `ground: warn` turns every error of deploy, plan and rollback into a warning.
 */
export function severityOf(finding: RawFinding, command: GroundCommand, mode: GroundMode): Severity {
  const base = baseSeverity(finding, command);
  if (base === 'error' && mode === 'warn' && command !== 'check') return 'warning';
  return base;
}

function baseSeverity(finding: RawFinding, command: GroundCommand): Severity {
  const { kind } = finding;
  if (kind === 'note') return 'note';
  if (kind === 'not-checked') return 'warning';
  if (command === 'check') return CHECK_ERRORS.has(kind) ? 'error' : 'warning';
  if (kind === 'task') return 'error';
  if (TLS_ERRORS.has(kind))
    return command !== 'rollback' && finding.source === 'declared' ? 'error' : 'warning';
  return 'warning';
}

export function judge(findings: RawFinding[], command: GroundCommand, mode: GroundMode): Finding[] {
  return findings.map((f) => ({ ...f, severity: severityOf(f, command, mode) }));
}
