/**
 * The ground checks' vocabulary (docs/ground.md). A check produces raw findings with a
 * kind and the source of the host it is about; `severity.ts` turns them into errors,
 * warnings and notes for the command that runs them.
 */

/** What a finding is about, which decides its severity per command (docs/ground.md#severity). */
export type FindingKind =
  /** A host no certificate of an HTTPS listener covers. */
  | 'coverage'
  /** A certificate that is not ISSUED, or expires before the run's end (check: within 7 days). */
  | 'expiry'
  /** An imported or IAM certificate within `certificate-min-days` (nobody renews it). */
  | 'imported'
  /** An ACM-issued certificate late in its life without a renewal under way, or whose renewal cannot succeed. */
  | 'renewal'
  /** An HTTP listener of an internet-facing load balancer that forwards production traffic. */
  | 'http'
  /** A host's DNS record missing or pointing elsewhere. */
  | 'dns'
  /** Something a task needs to start: a role, a secret, a parameter, a log group, a container port. */
  | 'task'
  /** Could not be checked (a missing permission, another account, a pattern): never an error. */
  | 'not-checked'
  /** Worth knowing, nothing to fix (a CloudFront alias). */
  | 'note';

/** Where a host came from: declared (`hosts`, https smoke URLs) or found on a listener rule. */
export type HostSource = 'declared' | 'rule';

export interface RawFinding {
  kind: FindingKind;
  /** TLS and DNS findings: the source of the host they are about (declared wins when both). */
  source?: HostSource;
  /** What is wrong, naming the thing (host, certificate ARN and names, record, role, secret, group). */
  what: string;
  /** Where: the listener, zone, task definition and container. */
  where: string;
  /** How to fix it. */
  fix: string;
}

export type Severity = 'error' | 'warning' | 'note';

export interface Finding extends RawFinding {
  severity: Severity;
}

export type GroundCommand = 'deploy' | 'plan' | 'rollback' | 'check';
export type GroundMode = 'enforce' | 'warn';
