/** Route 53: the account's public zones and the records of the release's hosts (docs/ground.md#dns). */
import {
  ListHostedZonesByNameCommand,
  ListResourceRecordSetsCommand,
  type Route53Client,
} from '@aws-sdk/client-route-53';
import type { RecordPresence } from './certificates';
import { type DnsRecord, type HostedZone, recordName, targetName, zoneFor } from './dns';
import { normalHost } from './hosts';
import type { GroundReads } from './read';

export class DnsReader {
  constructor(
    private readonly route53: Route53Client,
    private readonly reads: GroundReads,
  ) {}

  /** The account's public hosted zones (one paged listing, once per run); `undefined` when not readable. */
  zones(): Promise<HostedZone[] | undefined> {
    return this.reads.once(
      'zones',
      'route53:ListHostedZonesByName',
      "the account's hosted zones",
      async () => {
        const out: HostedZone[] = [];
        let next: { DNSName?: string; HostedZoneId?: string } = {};
        for (;;) {
          const page = await this.route53.send(
            new ListHostedZonesByNameCommand({ ...next, MaxItems: 100 }),
            this.reads.opts,
          );
          for (const z of page.HostedZones ?? []) {
            if (z.Config?.PrivateZone) continue;
            out.push({ id: (z.Id ?? '').replace(/^\/hostedzone\//, ''), name: normalHost(z.Name ?? '') });
          }
          if (!page.IsTruncated || !page.NextDNSName) return out;
          next = {
            DNSName: page.NextDNSName,
            ...(page.NextHostedZoneId ? { HostedZoneId: page.NextHostedZoneId } : {}),
          };
        }
      },
    );
  }

  /** The records named exactly `name` in the zone. */
  records(zone: HostedZone, name: string, type?: string): Promise<DnsRecord[] | undefined> {
    const start = normalHost(name).replace(/^\*/, '\\052');
    return this.reads.once(
      `rrs ${zone.id} ${start} ${type ?? ''}`,
      'route53:ListResourceRecordSets',
      `the records of ${name} in zone ${zone.name}`,
      async () => {
        const page = await this.route53.send(
          new ListResourceRecordSetsCommand({
            HostedZoneId: zone.id,
            StartRecordName: start,
            ...(type ? { StartRecordType: type as 'CNAME' } : {}),
            MaxItems: 10,
          }),
          this.reads.opts,
        );
        return (page.ResourceRecordSets ?? [])
          .filter((r) => recordName(r.Name ?? '') === recordName(name))
          .map((r) => {
            const target = r.AliasTarget?.DNSName ?? r.ResourceRecords?.[0]?.Value;
            return {
              name: r.Name ?? '',
              type: r.Type ?? '',
              alias: r.AliasTarget !== undefined,
              ...(target && (r.AliasTarget || r.Type === 'CNAME') ? { target } : {}),
            };
          });
      },
    );
  }

  /** Whether ACM's validation CNAME is in the account's zone for it. */
  async validationRecord(record: { name: string; value: string }): Promise<RecordPresence> {
    const zones = await this.zones();
    const zone = zones && zoneFor(record.name, zones);
    if (!zone) return 'unknown';
    const records = await this.records(zone, record.name, 'CNAME');
    if (!records) return 'unknown';
    const found = records.some(
      (r) =>
        r.type === 'CNAME' && r.target !== undefined && targetName(r.target) === targetName(record.value),
    );
    return found ? 'present' : 'missing';
  }
}
