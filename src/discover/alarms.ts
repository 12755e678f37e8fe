/**
 * The alarms that watch the services: a metric alarm whose dimensions name one of their
 * load balancers (`LoadBalancer`), target groups (`TargetGroup`) or services
 * (`ServiceName`). Application Auto Scaling's target tracking alarms (`TargetTracking-…`)
 * name the same dimensions but sit in ALARM by design whenever the service scales
 * (docs/init.md), so they would hold every release: they are skipped, and said so.
 */
import { type MetricAlarm, paginateDescribeAlarms } from '@aws-sdk/client-cloudwatch';
import { ALARMS_PER_CALL } from '../aws/alarms';
import type { DiscoverContext } from './context';
import type { FoundAlarm } from './types';

/** Application Auto Scaling names the alarms of a target tracking policy this way. */
export const TARGET_TRACKING_PREFIX = 'TargetTracking-';

/** What a dimension value must be to name one of the services' resources. */
export interface WatchedResources {
  /** `app/name/id`: the ARN's end after `loadbalancer/`. */
  loadBalancers: Set<string>;
  /** `targetgroup/name/id`: the ARN's resource part. */
  targetGroups: Set<string>;
  services: Set<string>;
}

export function watchedResources(
  loadBalancerArns: readonly string[],
  targetGroupArns: readonly string[],
  services: readonly string[],
): WatchedResources {
  const after = (arn: string, marker: string) => {
    const at = arn.indexOf(marker);
    return at < 0 ? arn : arn.slice(at + marker.length);
  };
  return {
    loadBalancers: new Set(loadBalancerArns.map((a) => after(a, ':loadbalancer/'))),
    targetGroups: new Set(targetGroupArns.map((a) => `targetgroup/${after(a, ':targetgroup/')}`)),
    services: new Set(services),
  };
}

/** The dimension that makes an alarm one of the release's, or undefined. */
export function watchedBy(alarm: MetricAlarm, watched: WatchedResources): string | undefined {
  const dimensions = [
    ...(alarm.Dimensions ?? []),
    ...(alarm.Metrics ?? []).flatMap((m) => m.MetricStat?.Metric?.Dimensions ?? []),
  ];
  for (const d of dimensions) {
    const value = d.Value ?? '';
    if (d.Name === 'LoadBalancer' && watched.loadBalancers.has(value)) return `LoadBalancer ${value}`;
    if (d.Name === 'TargetGroup' && watched.targetGroups.has(value)) return `TargetGroup ${value}`;
    if (d.Name === 'ServiceName' && watched.services.has(value)) return `ServiceName ${value}`;
  }
  return undefined;
}

/** Every metric alarm of the region (all pages), kept when it watches the services. */
export async function readAlarms(
  ctx: DiscoverContext,
  watched: WatchedResources,
): Promise<{ alarms: FoundAlarm[]; skipped: string[] }> {
  const alarms: FoundAlarm[] = [];
  const skipped: string[] = [];
  const pages = paginateDescribeAlarms(
    { client: ctx.aws.cloudwatch, pageSize: ALARMS_PER_CALL },
    { AlarmTypes: ['MetricAlarm'] },
    { abortSignal: ctx.signal },
  );
  for await (const page of pages) {
    for (const alarm of page.MetricAlarms ?? []) {
      const because = watchedBy(alarm, watched);
      if (!because) continue;
      const name = alarm.AlarmName ?? '';
      if (name.startsWith(TARGET_TRACKING_PREFIX)) skipped.push(name);
      else alarms.push({ name, arn: alarm.AlarmArn ?? '', because });
    }
  }
  return { alarms, skipped };
}
