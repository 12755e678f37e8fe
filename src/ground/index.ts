/**
 * The ground checks (docs/ground.md): certificates, DNS and what the release's tasks
 * need, read-only and in parallel, judged for the command that runs them. Preflight
 * (deploy, plan, rollback) and `check` call `checkGround`; this module is loaded only
 * by them, so its SDK clients (ACM, Route 53, IAM, SSM) cost the other commands nothing.
 */
import type { Service } from '@aws-sdk/client-ecs';
import type { AwsClients } from '../aws/clients';
import { judgeRecord, zoneFor } from './dns';
import { type Front, readFront } from './front';
import { hostShape, releaseHosts } from './hosts';
import { GroundReads } from './read';
import { readCertificate } from './read-certificates';
import { DnsReader } from './read-dns';
import { checkTasks, type ReleaseTask } from './read-tasks';
import type { ListenerCertificates } from './served';
import { judge } from './severity';
import { checkTls } from './tls';
import type { Finding, GroundCommand, GroundMode, RawFinding } from './types';

export { declaredHosts } from './declared';
export { findingLine } from './report';
export { type ListenerCertificates, type PresentedCertificate, servedFindings } from './served';
export type { Finding, GroundCommand, GroundMode, Severity } from './types';

export interface GroundInput {
  command: GroundCommand;
  mode: GroundMode;
  account: string;
  region: string;
  /** The services as ECS describes them (their load balancers). */
  services: Service[];
  /** The task definitions the release will run, per service. */
  tasks: ReleaseTask[];
  /** `hosts` and the https smoke URLs' hosts. */
  declaredHosts: string[];
  minDays: number;
  now: number;
  /** The run's worst-case end (epoch ms). */
  runEnd: number;
}

export interface GroundResult {
  findings: Finding[];
  /** AWS calls made (the bench reports them). */
  calls: number;
  /** The production HTTPS listeners checked, with their certificates (what a served certificate should be). */
  listeners: ListenerCertificates[];
}

export async function checkGround(
  aws: AwsClients,
  input: GroundInput,
  signal?: AbortSignal,
): Promise<GroundResult> {
  const reads = new GroundReads(signal);
  const dns = new DnsReader(aws.route53, reads);
  const [front, tasks] = await Promise.all([
    readFront(aws.elbv2, reads, input.services),
    checkTasks(aws, reads, input.tasks, { account: input.account, region: input.region }),
  ]);
  const listeners: ListenerCertificates[] = [];
  const [tls, records] = await Promise.all([
    checkTls(front, {
      ...input,
      declared: input.declaredHosts,
      certificate: (arn) => readCertificate(aws, reads, arn),
      dns,
      listeners,
    }),
    checkDns(front, input.declaredHosts, dns),
  ]);
  const raw = [...tls, ...records, ...tasks, ...reads.findings()];
  return { findings: judge(raw, input.command, input.mode), calls: reads.calls, listeners };
}

/** Every release host's record against the load balancers in front of the release. */
async function checkDns(front: Front, declared: readonly string[], dns: DnsReader): Promise<RawFinding[]> {
  const lbs = front.loadBalancers.map((lb) => lb.DNSName ?? '').filter(Boolean);
  if (lbs.length === 0) return [];
  const ruleHosts = [...front.listeners.values()].flat().flatMap((l) => l.ruleHosts);
  const hosts = releaseHosts(declared, ruleHosts).filter((h) => hostShape(h.host) !== 'pattern');
  if (hosts.length === 0) return [];
  const zones = await dns.zones();
  if (!zones) return [];
  const found = await Promise.all(
    hosts.map(async ({ host, source }): Promise<RawFinding[]> => {
      const zone = zoneFor(host, zones);
      if (!zone) {
        const domain = host.replace(/^\*\./, '');
        return [
          {
            kind: 'note',
            source,
            what: `host ${host}: DNS not checked: no hosted zone for ${domain} in this account`,
            where: 'Route 53',
            fix: 'nothing, if its DNS is kept elsewhere',
          },
        ];
      }
      const records = await dns.records(zone, host);
      if (!records) return [];
      return judgeRecord({ host, zone, records, loadBalancers: lbs }).map((f) => ({ ...f, source }));
    }),
  );
  return found.flat();
}
