/**
 * The certificate the smoke check was served, against the listener's (docs/ground.md#tls).
 * ACM gives no fingerprint, so a served certificate is one of the listener's when a
 * certificate covering the host has the same names and expires the same day. A mismatch
 * is a warning, never an error: something in front (CloudFront, a proxy) may be meant.
 */
import { type CertificateInfo, isoDay } from './certificates';
import { certificateCovers } from './hosts';
import type { Finding } from './types';

/** An HTTPS listener that forwards to the release, with the certificates read for it. */
export interface ListenerCertificates {
  /** `listener HTTPS:443 of load balancer …`. */
  where: string;
  certificates: CertificateInfo[];
}

/** What a TLS client was presented: names (CN and DNS SANs) and NotAfter (epoch ms). */
export interface PresentedCertificate {
  names: string[];
  notAfter: number;
}

/** A note recording what `host` was served, and a warning when no covering listener certificate is it. */
export function servedFindings(
  host: string,
  served: PresentedCertificate,
  listeners: readonly ListenerCertificates[],
): Finding[] {
  const label = `a certificate for ${served.names.join(', ') || 'no names'} (expires ${isoDay(served.notAfter)})`;
  const where = 'the smoke check before the release';
  const out: Finding[] = [
    { severity: 'note', kind: 'note', what: `smoke-url ${host} was served ${label}`, where, fix: 'nothing' },
  ];
  const covering = listeners
    .map((l) => ({ where: l.where, certs: l.certificates.filter((c) => certificateCovers(c.names, host)) }))
    .filter((l) => l.certs.length > 0);
  // No listener certificate covers the host: the coverage check already says so.
  if (covering.length === 0 || covering.some((l) => l.certs.some((c) => sameCertificate(c, served))))
    return out;
  out.push({
    severity: 'warning',
    kind: 'note',
    what: `smoke-url ${host} was served ${label} that is not one of ${covering.map((l) => l.where).join(' or ')}'s certificates: something in front of the load balancer serves it`,
    where,
    fix: "nothing if something in front (CloudFront, a proxy) serves it on purpose; else point the host's DNS at the load balancer",
  });
  return out;
}

function sameCertificate(c: CertificateInfo, served: PresentedCertificate): boolean {
  if (c.notAfter === undefined || isoDay(c.notAfter) !== isoDay(served.notAfter)) return false;
  const a = new Set(c.names.map((n) => n.toLowerCase()));
  const b = new Set(served.names.map((n) => n.toLowerCase()));
  return a.size === b.size && [...a].every((n) => b.has(n));
}
