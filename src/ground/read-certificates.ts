/** Listener certificates from ACM or IAM, in one shape (docs/ground.md#tls). */
import { type ACMClient, type CertificateDetail, DescribeCertificateCommand } from '@aws-sdk/client-acm';
import { GetServerCertificateCommand, type IAMClient } from '@aws-sdk/client-iam';
import type { CertificateInfo, DomainValidation } from './certificates';
import type { GroundReads } from './read';

/** `undefined`: not readable (the reads say why); `null`: it does not exist. */
export type ReadCertificate = CertificateInfo | null | undefined;

export function isIamCertificate(arn: string): boolean {
  return /^arn:[^:]+:iam::[^:]*:server-certificate\//.test(arn);
}

export function readCertificate(
  clients: { acm: ACMClient; iam: IAMClient },
  reads: GroundReads,
  arn: string,
): Promise<ReadCertificate> {
  if (isIamCertificate(arn)) {
    const name = arn.split('/').pop() ?? arn;
    return reads.once(`iam-cert ${arn}`, 'iam:GetServerCertificate', `IAM server certificate ${arn}`, () =>
      orMissing(['NoSuchEntity', 'NoSuchEntityException'], async () => {
        const out = await clients.iam.send(
          new GetServerCertificateCommand({ ServerCertificateName: name }),
          reads.opts,
        );
        return fromIam(
          arn,
          out.ServerCertificate?.ServerCertificateMetadata?.Expiration,
          out.ServerCertificate?.CertificateBody,
        );
      }),
    );
  }
  return reads.once(`acm ${arn}`, 'acm:DescribeCertificate', `certificate ${arn}`, () =>
    orMissing(['ResourceNotFoundException'], async () => {
      const out = await clients.acm.send(new DescribeCertificateCommand({ CertificateArn: arn }), reads.opts);
      return out.Certificate ? fromAcm(arn, out.Certificate) : null;
    }),
  );
}

async function orMissing<T>(names: string[], read: () => Promise<T>): Promise<T | null> {
  try {
    return await read();
  } catch (error) {
    if (names.includes((error as { name?: string }).name ?? '')) return null;
    throw error;
  }
}

function fromIam(arn: string, expiration: Date | undefined, body: string | undefined): CertificateInfo {
  return {
    arn,
    names: namesOfPem(body),
    status: 'ISSUED',
    type: 'IAM',
    ...(expiration ? { notAfter: expiration.getTime() } : {}),
    inUse: true,
    validations: [],
  };
}

/**
 * An IAM server certificate's names, from its PEM: the subject alternative names Node's
 * X509Certificate reads, or none when the body cannot be parsed (coverage then fails,
 * and the finding says the certificate has no names).
 */
function namesOfPem(body: string | undefined): string[] {
  if (!body) return [];
  try {
    const { X509Certificate } = require('node:crypto') as typeof import('node:crypto');
    const x = new X509Certificate(body);
    const sans = (x.subjectAltName ?? '')
      .split(', ')
      .filter((s) => s.startsWith('DNS:'))
      .map((s) => s.slice(4));
    const cn = /CN=([^\n]+)/.exec(x.subject)?.[1];
    return [...new Set([...(cn ? [cn] : []), ...sans])];
  } catch {
    return [];
  }
}

function validationOf(
  v: NonNullable<CertificateDetail['DomainValidationOptions']>[number],
): DomainValidation {
  const method =
    v.ValidationMethod === 'DNS' || v.ValidationMethod === 'EMAIL' || v.ValidationMethod === 'HTTP'
      ? v.ValidationMethod
      : 'unknown';
  const r = v.ResourceRecord;
  return {
    domain: v.DomainName ?? '',
    method,
    ...(r?.Name && r.Value ? { record: { name: r.Name, value: r.Value } } : {}),
  };
}

export function fromAcm(arn: string, c: CertificateDetail): CertificateInfo {
  const names = [...new Set([c.DomainName ?? '', ...(c.SubjectAlternativeNames ?? [])].filter(Boolean))];
  const type = c.Type === 'IMPORTED' || c.Type === 'PRIVATE' ? c.Type : 'AMAZON_ISSUED';
  const renewal = c.RenewalSummary;
  return {
    arn,
    names,
    status: c.Status ?? 'UNKNOWN',
    type,
    ...(c.NotBefore ? { notBefore: c.NotBefore.getTime() } : {}),
    ...(c.NotAfter ? { notAfter: c.NotAfter.getTime() } : {}),
    ...(c.RenewalEligibility ? { renewalEligibility: c.RenewalEligibility } : {}),
    ...(renewal?.RenewalStatus ? { renewalStatus: renewal.RenewalStatus } : {}),
    ...(renewal?.RenewalStatusReason ? { renewalReason: renewal.RenewalStatusReason } : {}),
    inUse: (c.InUseBy ?? []).length > 0,
    // The renewal's own validation options are the ones ACM waits on now.
    validations: (renewal?.DomainValidationOptions ?? c.DomainValidationOptions ?? []).map(validationOf),
  };
}
