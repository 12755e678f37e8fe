/** The TLS checks over what `front.ts` read: coverage, status, expiry, renewal, HTTP listeners. */
import type { LoadBalancer } from '@aws-sdk/client-elastic-load-balancing-v2';
import { type CertificateInfo, judgeCertificate, type RecordPresence } from './certificates';
import type { Front, FrontListener } from './front';
import { certificateCovers, hostShape, normalHost, type ReleaseHost } from './hosts';
import type { ReadCertificate } from './read-certificates';
import type { DnsReader } from './read-dns';
import type { ListenerCertificates } from './served';
import type { GroundCommand, HostSource, RawFinding } from './types';

export interface TlsInput {
  command: GroundCommand;
  now: number;
  runEnd: number;
  minDays: number;
  declared: readonly string[];
  certificate: (arn: string) => Promise<ReadCertificate>;
  dns: DnsReader;
  /** Filled with every checked listener's certificates (the served certificate is compared with them). */
  listeners?: ListenerCertificates[];
}

function listenerName(lb: LoadBalancer, l: FrontListener): string {
  return `listener ${l.listener.Protocol}:${l.listener.Port} of load balancer ${lb.LoadBalancerName ?? lb.LoadBalancerArn}`;
}

/** The production listeners (test listeners aside) that forward to the release. */
function productionListeners(front: Front, lb: LoadBalancer): FrontListener[] {
  return (front.listeners.get(lb.LoadBalancerArn ?? '') ?? []).filter(
    (l) => l.forwardsToRelease && !front.testListeners.has(l.listener.ListenerArn ?? ''),
  );
}

function isSecure(l: FrontListener): boolean {
  return l.listener.Protocol === 'HTTPS' || l.listener.Protocol === 'TLS';
}

export async function checkTls(front: Front, input: TlsInput): Promise<RawFinding[]> {
  const out: RawFinding[] = [];
  for (const lb of front.loadBalancers) {
    const listeners = productionListeners(front, lb);
    const secure = listeners.filter(isSecure);
    const judged = await Promise.all(secure.map((l) => checkListener(listenerName(lb, l), l, input)));
    out.push(...judged.flat());
    if (secure.length > 0 && lb.Scheme === 'internet-facing') out.push(...httpFindings(lb, listeners));
  }
  return out;
}

function httpFindings(lb: LoadBalancer, listeners: FrontListener[]): RawFinding[] {
  return listeners
    .filter((l) => l.listener.Protocol === 'HTTP')
    .map((l) => ({
      kind: 'http' as const,
      what: `${listenerName(lb, l)} forwards production traffic over plain HTTP instead of redirecting to HTTPS`,
      where: `load balancer ${lb.LoadBalancerName} (internet-facing)`,
      fix: 'make its rules redirect to HTTPS (a redirect action with protocol HTTPS, port 443, status HTTP_301)',
    }));
}

/** One HTTPS listener: every release host it serves against its certificates. */
async function checkListener(where: string, l: FrontListener, input: TlsInput): Promise<RawFinding[]> {
  const read = await Promise.all(l.certificateArns.map((arn) => input.certificate(arn)));
  const out: RawFinding[] = [];
  const certs: CertificateInfo[] = [];
  l.certificateArns.forEach((arn, i) => {
    const c = read[i];
    if (c) certs.push(c);
    else if (c === null)
      out.push({
        kind: 'expiry',
        source: 'declared',
        what: `certificate ${arn} on the listener does not exist`,
        where,
        fix: 'put an existing certificate on the listener',
      });
  });
  input.listeners?.push({ where, certificates: certs });
  const serving = new Map<CertificateInfo, HostSource>();
  for (const { host, source } of listenerHosts(input.declared, l)) {
    if (hostShape(host) === 'pattern') {
      out.push({
        kind: 'note',
        source,
        what: `rule host pattern ${host}: not checked (only *.domain patterns are)`,
        where,
        fix: 'nothing',
      });
      continue;
    }
    const covering = certs.filter((c) => certificateCovers(c.names, host));
    if (covering.length === 0) {
      // A certificate that could not be read may cover it: "not checked" already says so.
      if (!read.includes(undefined)) out.push(coverageFinding(host, source, certs, where));
      continue;
    }
    for (const c of covering) if (serving.get(c) !== 'declared') serving.set(c, source);
  }
  out.push(...(await judgeServing(serving, where, input)));
  return out;
}

function listenerHosts(declared: readonly string[], l: FrontListener) {
  const hosts = new Map<string, HostSource>();
  for (const h of declared) hosts.set(normalHost(h), 'declared');
  for (const h of l.ruleHosts) if (!hosts.has(normalHost(h))) hosts.set(normalHost(h), 'rule');
  return [...hosts].map(([host, source]): ReleaseHost => ({ host, source }));
}

function coverageFinding(
  host: string,
  source: HostSource,
  certs: CertificateInfo[],
  where: string,
): RawFinding {
  const names = certs.flatMap((c) => c.names);
  const how = source === 'declared' ? 'declared host' : 'host of a listener rule';
  return {
    kind: 'coverage',
    source,
    what: `${how} ${host} is covered by no certificate of the listener (it has ${names.join(', ') || 'none'}; a wildcard covers exactly one label)`,
    where,
    fix: `add a certificate for ${host} to the listener (aws elbv2 add-listener-certificates), or correct the host`,
  };
}

async function judgeServing(
  serving: Map<CertificateInfo, HostSource>,
  where: string,
  input: TlsInput,
): Promise<RawFinding[]> {
  const presence = new Map<string, RecordPresence>();
  const records = [...serving.keys()].flatMap((c) =>
    c.type === 'AMAZON_ISSUED' ? c.validations.flatMap((v) => (v.record ? [v.record] : [])) : [],
  );
  await Promise.all(
    records.map(async (r) => presence.set(`${r.name} ${r.value}`, await input.dns.validationRecord(r))),
  );
  const out: RawFinding[] = [];
  for (const [cert, source] of serving) {
    const found = judgeCertificate(cert, {
      ...input,
      where,
      validationRecord: (r) => presence.get(`${r.name} ${r.value}`) ?? 'unknown',
    });
    out.push(...found.map((f) => ({ ...f, source })));
  }
  return out;
}
