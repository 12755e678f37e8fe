/**
 * The load balancers in front of the services and the hosts of the listener rules that
 * forward to them: the ground checks' own reader (src/ground/front.ts), so `init` finds
 * exactly the hosts and listeners `plan` will check.
 */
import type { Service } from '@aws-sdk/client-ecs';
import { readFront } from '../ground/front';
import { normalHost } from '../ground/hosts';
import { GroundReads } from '../ground/read';
import type { DiscoverContext } from './context';
import type { FoundFront } from './types';

export async function readServiceFront(
  ctx: DiscoverContext,
  services: readonly Service[],
  unread: string[],
): Promise<FoundFront> {
  const reads = new GroundReads(ctx.signal);
  const front = await readFront(ctx.aws.elbv2, reads, services);
  for (const f of reads.findings()) unread.push(f.what);
  const listeners = [...front.listeners.values()].flat();
  const hosts = new Set<string>();
  for (const l of listeners) {
    if (front.testListeners.has(l.listener.ListenerArn ?? '')) continue;
    for (const h of l.ruleHosts) hosts.add(normalHost(h));
  }
  return {
    loadBalancerArns: front.loadBalancers.map((lb) => lb.LoadBalancerArn ?? '').filter(Boolean),
    listenerArns: listeners.map((l) => l.listener.ListenerArn ?? '').filter(Boolean),
    hosts: [...hosts].sort(),
  };
}
