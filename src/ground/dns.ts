/** Host records against the load balancers in front of the release (docs/ground.md#dns). */
import { normalHost } from './hosts';
import type { RawFinding } from './types';

export interface HostedZone {
  id: string;
  /** The zone's name, normalised (no trailing dot, lower case). */
  name: string;
}

/** A record set as Route 53 lists it, in one shape. */
export interface DnsRecord {
  name: string;
  type: string;
  /** The alias target's DNS name, or the CNAME's value. */
  target?: string;
  alias: boolean;
}

/** Route 53 writes a `*` label as `\052`: both sides compare in the plain form. */
export function recordName(name: string): string {
  return normalHost(name.replace(/\\052/g, '*'));
}

/** The longest zone whose name is the host's or a parent of it. */
export function zoneFor(host: string, zones: readonly HostedZone[]): HostedZone | undefined {
  const h = normalHost(host);
  let best: HostedZone | undefined;
  for (const zone of zones) {
    const z = normalHost(zone.name);
    if ((h === z || h.endsWith(`.${z}`)) && (!best || z.length > best.name.length))
      best = { ...zone, name: z };
  }
  return best;
}

/** A DNS name as it compares: no case, no trailing dot, no `dualstack.` prefix. */
export function targetName(name: string): string {
  return normalHost(name).replace(/^dualstack\./, '');
}

export interface DnsJudgement {
  host: string;
  zone: HostedZone;
  /** The records named exactly `host`. */
  records: DnsRecord[];
  /** The DNS names of the load balancers in front of the release's services. */
  loadBalancers: string[];
}

/** What is wrong with one host's record, if anything. */
export function judgeRecord(j: DnsJudgement): RawFinding[] {
  const where = `Route 53 zone ${j.zone.name} (${j.zone.id})`;
  const lbs = j.loadBalancers.map(targetName);
  const addressRecords = j.records.filter(
    (r) => recordName(r.name) === normalHost(j.host) && ['A', 'AAAA', 'CNAME'].includes(r.type),
  );
  if (addressRecords.length === 0) {
    return [
      {
        kind: 'dns',
        what: `host ${j.host} has no A, AAAA or CNAME record`,
        where,
        fix: `create an alias A record ${j.host} → ${j.loadBalancers[0] ?? 'the load balancer'}`,
      },
    ];
  }
  const out: RawFinding[] = [];
  for (const r of addressRecords) {
    if (!r.target) continue; // a plain A record with addresses: nothing to compare
    const target = targetName(r.target);
    if (lbs.includes(target)) continue;
    if (target.endsWith('.cloudfront.net')) {
      out.push({
        kind: 'note',
        what: `host ${j.host} is an alias of CloudFront (${target}): what CloudFront forwards to is not checked`,
        where,
        fix: "nothing, if the distribution forwards to the release's load balancer",
      });
      continue;
    }
    out.push({
      kind: 'dns',
      what: `host ${j.host}'s ${r.alias ? 'alias' : r.type} record points at ${target}, not at the release's load balancer ${lbs.join(' or ')}`,
      where,
      fix: `point the ${r.type} record ${j.host} at ${lbs[0] ?? 'the load balancer'}`,
    });
  }
  return out;
}
