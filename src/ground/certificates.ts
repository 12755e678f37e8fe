/** A certificate's status, expiry and renewal, judged without AWS (docs/ground.md#tls). */
import type { RawFinding } from './types';

const DAY_MS = 86_400_000;

/** `check` looks this far ahead for expiry: a week's warning before an outage. */
export const CHECK_EXPIRY_DAYS = 7;

export interface DomainValidation {
  domain: string;
  method: 'DNS' | 'EMAIL' | 'HTTP' | 'unknown';
  /** The CNAME ACM looks for (DNS validation). */
  record?: { name: string; value: string };
}

/** A listener certificate as ACM or IAM describes it, in one shape. */
export interface CertificateInfo {
  arn: string;
  /** The domain name and every subject alternative name. */
  names: string[];
  /** ACM's Status; an IAM server certificate is `ISSUED`. */
  status: string;
  /** ACM's Type, or `IAM` for an IAM server certificate. */
  type: 'IMPORTED' | 'AMAZON_ISSUED' | 'PRIVATE' | 'IAM';
  notBefore?: number;
  notAfter?: number;
  renewalEligibility?: string;
  renewalStatus?: string;
  renewalReason?: string;
  inUse: boolean;
  validations: DomainValidation[];
}

/** Whether a DNS validation CNAME is in the account's zone; `unknown`: no zone or not readable. */
export type RecordPresence = 'present' | 'missing' | 'unknown';

export interface CertificateJudgement {
  command: 'deploy' | 'plan' | 'rollback' | 'check';
  now: number;
  /** When the run may end at the latest (epoch ms): a certificate must outlive it. */
  runEnd: number;
  minDays: number;
  /** The listener that serves it, for `where`. */
  where: string;
  validationRecord: (record: { name: string; value: string }) => RecordPresence;
}

export function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function certificateLabel(cert: CertificateInfo): string {
  return `certificate ${cert.arn} (${cert.names.join(', ') || 'no names'})`;
}

/** Everything wrong with one certificate that serves a release host. */
export function judgeCertificate(cert: CertificateInfo, j: CertificateJudgement): RawFinding[] {
  const status = statusFinding(cert, j);
  if (status) return [status];
  if (cert.type === 'IMPORTED' || cert.type === 'IAM') return importedFindings(cert, j);
  if (cert.type === 'AMAZON_ISSUED') return renewalFindings(cert, j);
  return [];
}

function statusFinding(cert: CertificateInfo, j: CertificateJudgement): RawFinding | undefined {
  const label = certificateLabel(cert);
  if (cert.status !== 'ISSUED') {
    return {
      kind: 'expiry',
      what: `${label} is ${cert.status}, not ISSUED`,
      where: j.where,
      fix: 'replace it on the listener with an ISSUED certificate that covers the hosts',
    };
  }
  const end = j.command === 'check' ? j.now + CHECK_EXPIRY_DAYS * DAY_MS : j.runEnd;
  if (cert.notAfter === undefined || cert.notAfter > end) return undefined;
  const when = cert.notAfter <= j.now ? 'expired on' : 'expires on';
  const within =
    j.command === 'check' ? `within ${CHECK_EXPIRY_DAYS} days` : "before this run's worst-case end";
  return {
    kind: 'expiry',
    what: `${label} ${when} ${isoDay(cert.notAfter)}, ${within}`,
    where: j.where,
    fix: renewFix(cert),
  };
}

function renewFix(cert: CertificateInfo): string {
  if (cert.type === 'IAM') return 'upload a renewed server certificate to IAM and put it on the listener';
  if (cert.type === 'IMPORTED')
    return 're-import the renewed certificate into the same ARN (aws acm import-certificate --certificate-arn …)';
  return 'request a new ACM certificate for these names and put it on the listener';
}

function importedFindings(cert: CertificateInfo, j: CertificateJudgement): RawFinding[] {
  if (cert.notAfter === undefined) return [];
  const days = Math.floor((cert.notAfter - j.now) / DAY_MS);
  if (days >= j.minDays) return [];
  const who = cert.type === 'IAM' ? 'an IAM server certificate' : 'imported';
  return [
    {
      kind: 'imported',
      what: `${certificateLabel(cert)} expires on ${isoDay(cert.notAfter)} (in ${days} days, under certificate-min-days ${j.minDays}); it is ${who}: nobody renews it but its owner`,
      where: j.where,
      fix: renewFix(cert),
    },
  ];
}

function renewalFindings(cert: CertificateInfo, j: CertificateJudgement): RawFinding[] {
  const out: RawFinding[] = [];
  const label = certificateLabel(cert);
  const add = (what: string, fix: string) => out.push({ kind: 'renewal', what, where: j.where, fix });
  const renewing = cert.renewalStatus === 'SUCCESS' || cert.renewalStatus === 'PENDING_AUTO_RENEWAL';
  if (lifetimeLeft(cert, j.now) < 1 / 3 && !renewing && cert.notAfter !== undefined) {
    add(
      `${label} has less than a third of its lifetime left (expires ${isoDay(cert.notAfter)}) and no renewal under way (renewal status ${cert.renewalStatus ?? 'none'})`,
      'make sure the certificate is in use and its validation is in place (see ACM console, Renewal status)',
    );
  }
  if (cert.renewalEligibility === 'INELIGIBLE' && cert.inUse) {
    add(
      `${label} is in use but ACM says it is INELIGIBLE for managed renewal`,
      'request a new certificate for these names and replace it on the listener before it expires',
    );
  }
  if (cert.renewalStatus === 'PENDING_VALIDATION' || cert.renewalStatus === 'FAILED') {
    const reason = cert.renewalReason ? ` (${cert.renewalReason})` : '';
    add(
      `${label}: managed renewal is ${cert.renewalStatus}${reason}`,
      emailValidated(cert)
        ? 'approve the validation e-mail ACM sent to the domain contacts'
        : "restore the validation CNAMEs ACM's console lists for this certificate in the domain's DNS",
    );
  }
  out.push(...validationFindings(cert, j));
  return out;
}

function emailValidated(cert: CertificateInfo): boolean {
  return cert.validations.some((v) => v.method === 'EMAIL');
}

/** Share of the lifetime (NotAfter − NotBefore) left; 1 when the dates are unknown. */
export function lifetimeLeft(cert: CertificateInfo, now: number): number {
  if (cert.notBefore === undefined || cert.notAfter === undefined) return 1;
  const life = cert.notAfter - cert.notBefore;
  return life <= 0 ? 0 : (cert.notAfter - now) / life;
}

function validationFindings(cert: CertificateInfo, j: CertificateJudgement): RawFinding[] {
  const out: RawFinding[] = [];
  const seen = new Set<string>();
  for (const v of cert.validations) {
    if (v.method === 'EMAIL' && !seen.has('email')) {
      seen.add('email');
      out.push({
        kind: 'note',
        what: `${certificateLabel(cert)} is validated by e-mail: each renewal waits for someone to approve ACM's e-mail`,
        where: j.where,
        fix: 'switch to DNS validation (request a new certificate with --validation-method DNS) so renewals need nobody',
      });
    }
    if (v.method !== 'DNS' || !v.record || seen.has(v.record.name)) continue;
    seen.add(v.record.name);
    if (j.validationRecord(v.record) !== 'missing') continue;
    out.push({
      kind: 'renewal',
      what: `${certificateLabel(cert)}: the DNS validation record ${v.record.name} CNAME ${v.record.value} for ${v.domain} is missing from the account's hosted zone, so ACM cannot renew it`,
      where: j.where,
      fix: `create the CNAME ${v.record.name} → ${v.record.value} in the zone again`,
    });
  }
  return out;
}
