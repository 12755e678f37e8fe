/**
 * Route 53 public hosted zones and record sets (REST-XML; see protocol/rest.ts):
 * ListHostedZonesByName and ListResourceRecordSets, with alias records, a `*` label
 * written `\052`, names with their trailing dot, lists in Route 53's order (labels
 * reversed). docs/ground.md#the-lab.
 */
import { createHash } from 'node:crypto';
import { AwsError, type ServiceOperations } from '../types.js';

export interface LabRecord {
  name: string;
  type: string;
  ttl?: number;
  values?: string[];
  alias?: { dnsName: string; hostedZoneId: string };
}

export interface LabZone {
  id: string;
  name: string;
  privateZone: boolean;
  records: LabRecord[];
}

/** A DNS name as Route 53 stores it: lower case, trailing dot, `*` as `\052`. */
export function storedName(name: string): string {
  const n = name.toLowerCase().replace(/\.?$/, '.');
  return n.replace(/^\*(?=\.)/, '\\052');
}

/** Route 53's list order: by name with the labels reversed. */
function sortKey(name: string): string {
  return storedName(name).replace(/\.$/, '').split('.').reverse().join('.');
}

export class Route53World {
  readonly zones = new Map<string, LabZone>();

  addZone(name: string, options: { privateZone?: boolean } = {}): LabZone {
    const id = `Z${createHash('sha256').update(`zone ${name} ${this.zones.size}`).digest('hex').slice(0, 20).toUpperCase()}`;
    const zone = { id, name: storedName(name), privateZone: options.privateZone ?? false, records: [] };
    this.zones.set(id, zone);
    return zone;
  }

  zone(id: string): LabZone {
    const z = this.zones.get(id.replace(/^\/hostedzone\//, ''));
    if (!z) throw new AwsError('NoSuchHostedZone', `No hosted zone found with ID: ${id}`, 404);
    return z;
  }

  /** Puts a record (replacing one of the same name and type). */
  putRecord(zoneId: string, record: LabRecord): void {
    const z = this.zone(zoneId);
    const r = { ...record, name: storedName(record.name) };
    z.records = z.records.filter((x) => !(x.name === r.name && x.type === r.type));
    z.records.push(r);
  }

  deleteRecord(zoneId: string, name: string, type: string): void {
    const z = this.zone(zoneId);
    z.records = z.records.filter((x) => !(x.name === storedName(name) && x.type === type));
  }

  /** An alias A record to a load balancer (`dualstack.` as consoles write it, when asked). */
  aliasToLoadBalancer(zoneId: string, name: string, lbDnsName: string, dualstack = false): void {
    this.putRecord(zoneId, {
      name,
      type: 'A',
      alias: { dnsName: `${dualstack ? 'dualstack.' : ''}${lbDnsName}.`, hostedZoneId: 'Z32O12XQLNTSW2' },
    });
  }
}

function describeRecord(r: LabRecord) {
  return {
    Name: r.name,
    Type: r.type,
    ...(r.alias
      ? {
          AliasTarget: {
            HostedZoneId: r.alias.hostedZoneId,
            DNSName: r.alias.dnsName,
            EvaluateTargetHealth: false,
          },
        }
      : { TTL: r.ttl ?? 300, ResourceRecords: (r.values ?? []).map((Value) => ({ Value })) }),
  };
}

function maxItems(input: Record<string, unknown>, fallback: number): number {
  const n = Number(input.MaxItems ?? fallback);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

function listZones(world: Route53World, input: Record<string, unknown>) {
  const max = maxItems(input, 100);
  const start = typeof input.DNSName === 'string' ? sortKey(input.DNSName) : '';
  const all = [...world.zones.values()].sort((a, b) => sortKey(a.name).localeCompare(sortKey(b.name)));
  const from = all.filter((z) => sortKey(z.name) >= start);
  const page = from.slice(0, max);
  const next = from[max];
  return {
    HostedZones: page.map((z) => ({
      Id: `/hostedzone/${z.id}`,
      Name: z.name,
      CallerReference: z.id,
      Config: { PrivateZone: z.privateZone },
      ResourceRecordSetCount: z.records.length,
    })),
    ...(typeof input.DNSName === 'string' ? { DNSName: input.DNSName } : {}),
    IsTruncated: next !== undefined,
    MaxItems: max,
    ...(next ? { NextDNSName: next.name, NextHostedZoneId: next.id } : {}),
  };
}

function listRecords(world: Route53World, input: Record<string, unknown>) {
  const zone = world.zone(String(input.HostedZoneId ?? ''));
  const max = maxItems(input, 300);
  const order = (r: LabRecord) => `${sortKey(r.name)} ${r.type}`;
  const sorted = [...zone.records].sort((a, b) => order(a).localeCompare(order(b)));
  const startName = typeof input.StartRecordName === 'string' ? sortKey(input.StartRecordName) : '';
  const startType = typeof input.StartRecordType === 'string' ? input.StartRecordType : '';
  const from = sorted.filter((r) => {
    const key = sortKey(r.name);
    return key > startName || (key === startName && r.type >= startType);
  });
  const next = from[max];
  return {
    ResourceRecordSets: from.slice(0, max).map(describeRecord),
    IsTruncated: next !== undefined,
    MaxItems: max,
    ...(next ? { NextRecordName: next.name, NextRecordType: next.type } : {}),
  };
}

export function createRoute53(): { operations: ServiceOperations; world: Route53World } {
  const world = new Route53World();
  return {
    world,
    operations: {
      ListHostedZonesByName: (input) => listZones(world, input),
      ListResourceRecordSets: (input) => listRecords(world, input),
    },
  };
}
