/**
 * ACM DescribeCertificate over seeded certificates: imported ones (never renewed) and
 * DNS- or e-mail-validated ACM-issued ones with their renewal state and validation
 * records. docs/ground.md#the-lab; ACM API reference, DescribeCertificate, RenewalSummary.
 */
import { createHash } from 'node:crypto';
import { InputReader } from '../protocol/input.js';
import { AwsError, type ServiceOperations, type SimClock } from '../types.js';

const DAY = 86_400_000;

export interface LabCertificate {
  arn: string;
  domain: string;
  sans: string[];
  type: 'IMPORTED' | 'AMAZON_ISSUED';
  status: string;
  notBefore: number;
  notAfter: number;
  validation: 'DNS' | 'EMAIL' | 'NONE';
  renewalStatus?: string;
  renewalReason?: string;
  renewalEligibility: 'ELIGIBLE' | 'INELIGIBLE';
  inUseBy: string[];
}

export interface CertificateSeed {
  domain: string;
  sans?: string[];
  /** Default AMAZON_ISSUED, DNS-validated. */
  type?: 'IMPORTED' | 'AMAZON_ISSUED';
  validation?: 'DNS' | 'EMAIL';
  /** Days from now (negative: in the past). Defaults: issued 10 days ago, valid 198 days. */
  notBeforeDays?: number;
  notAfterDays?: number;
  status?: string;
  renewalStatus?: string;
  renewalReason?: string;
  renewalEligibility?: 'ELIGIBLE' | 'INELIGIBLE';
  inUseBy?: string[];
}

/** The CNAME ACM asks for to validate `domain` (stable per certificate and domain). */
export function validationRecord(arn: string, domain: string): { name: string; value: string } {
  const h = createHash('sha256').update(`${arn} ${domain}`).digest('hex');
  const base = domain.replace(/^\*\./, '');
  return {
    name: `_${h.slice(0, 32)}.${base}.`,
    value: `_${h.slice(32, 64)}.xlfgrmvvlj.acm-validations.aws.`,
  };
}

export class AcmWorld {
  readonly certificates = new Map<string, LabCertificate>();
  private counter = 0;

  constructor(private readonly deps: { clock: SimClock; region: string; account: string }) {}

  add(seed: CertificateSeed): LabCertificate {
    this.counter += 1;
    const id = createHash('sha256').update(`${seed.domain} ${this.counter}`).digest('hex');
    const uuid = `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20, 32)}`;
    const now = this.deps.clock.now();
    const type = seed.type ?? 'AMAZON_ISSUED';
    const cert: LabCertificate = {
      arn: `arn:aws:acm:${this.deps.region}:${this.deps.account}:certificate/${uuid}`,
      domain: seed.domain,
      sans: [seed.domain, ...(seed.sans ?? [])],
      type,
      status: seed.status ?? 'ISSUED',
      notBefore: now + (seed.notBeforeDays ?? -10) * DAY,
      notAfter: now + (seed.notAfterDays ?? 188) * DAY,
      validation: type === 'IMPORTED' ? 'NONE' : (seed.validation ?? 'DNS'),
      renewalEligibility: seed.renewalEligibility ?? (type === 'IMPORTED' ? 'INELIGIBLE' : 'ELIGIBLE'),
      inUseBy: seed.inUseBy ?? [],
      ...(seed.renewalStatus ? { renewalStatus: seed.renewalStatus } : {}),
      ...(seed.renewalReason ? { renewalReason: seed.renewalReason } : {}),
    };
    this.certificates.set(cert.arn, cert);
    return cert;
  }

  /** The DNS validation records a DNS-validated certificate asks for, one per name. */
  validationRecords(arn: string): { domain: string; name: string; value: string }[] {
    const c = this.certificates.get(arn);
    if (c?.validation !== 'DNS') return [];
    return c.sans.map((domain) => ({ domain, ...validationRecord(arn, domain) }));
  }
}

function describe(c: LabCertificate) {
  const validations = c.sans.map((domain) => ({
    DomainName: domain,
    ValidationDomain: domain,
    ValidationMethod: c.validation === 'NONE' ? undefined : c.validation,
    ValidationStatus: 'SUCCESS',
    ...(c.validation === 'DNS'
      ? { ResourceRecord: { ...validationRecordOf(c, domain), Type: 'CNAME' } }
      : {}),
  }));
  return {
    CertificateArn: c.arn,
    DomainName: c.domain,
    SubjectAlternativeNames: c.sans,
    Status: c.status,
    Type: c.type,
    NotBefore: new Date(c.notBefore),
    NotAfter: new Date(c.notAfter),
    InUseBy: c.inUseBy,
    RenewalEligibility: c.renewalEligibility,
    KeyAlgorithm: 'RSA_2048',
    ...(c.type === 'IMPORTED' ? { ImportedAt: new Date(c.notBefore) } : { IssuedAt: new Date(c.notBefore) }),
    ...(c.validation === 'NONE' ? {} : { DomainValidationOptions: validations }),
    ...(c.type === 'AMAZON_ISSUED' && c.renewalStatus
      ? {
          RenewalSummary: {
            RenewalStatus: c.renewalStatus,
            ...(c.renewalReason ? { RenewalStatusReason: c.renewalReason } : {}),
            DomainValidationOptions: validations,
            UpdatedAt: new Date(c.notBefore),
          },
        }
      : {}),
  };
}

function validationRecordOf(c: LabCertificate, domain: string): { Name: string; Value: string } {
  const r = validationRecord(c.arn, domain);
  return { Name: r.name, Value: r.value };
}

export function createAcm(deps: { clock: SimClock; region: string; account: string }): {
  operations: ServiceOperations;
  world: AcmWorld;
} {
  const world = new AcmWorld(deps);
  const invalid = (m: string) => new AwsError('InvalidArnException', m);
  return {
    world,
    operations: {
      DescribeCertificate: (input) => {
        const arn = new InputReader(input, invalid).string('CertificateArn');
        const c = world.certificates.get(arn);
        if (!c) throw new AwsError('ResourceNotFoundException', `Could not find certificate ${arn}.`);
        return { Certificate: describe(c) };
      },
    },
  };
}
