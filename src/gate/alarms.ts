import { type CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import type { AlarmStatus } from './decide';

/** DescribeAlarms takes at most 100 names per call. */
export const ALARM_NAMES_PER_CALL = 100;

/**
 * The current state of each named alarm, metric and composite (AlarmTypes left out
 * means metric alarms only, which would silently skip every composite alarm).
 * Alarms CloudWatch no longer knows are left out of the answer.
 */
export async function readAlarms(
  cloudwatch: CloudWatchClient,
  names: string[],
  signal?: AbortSignal,
): Promise<AlarmStatus[]> {
  const found = new Map<string, AlarmStatus>();
  for (let i = 0; i < names.length; i += ALARM_NAMES_PER_CALL) {
    const batch = names.slice(i, i + ALARM_NAMES_PER_CALL);
    let nextToken: string | undefined;
    do {
      const out = await cloudwatch.send(
        new DescribeAlarmsCommand({
          AlarmNames: batch,
          AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
          MaxRecords: 100,
          ...(nextToken ? { NextToken: nextToken } : {}),
        }),
        signal ? { abortSignal: signal } : {},
      );
      for (const a of [...(out.MetricAlarms ?? []), ...(out.CompositeAlarms ?? [])]) {
        if (!a.AlarmName) continue;
        const status: AlarmStatus = { name: a.AlarmName, state: a.StateValue ?? 'UNKNOWN' };
        if (a.StateReason) status.reason = a.StateReason;
        const since = a.StateTransitionedTimestamp ?? a.StateUpdatedTimestamp;
        if (since) status.since = since.getTime();
        found.set(a.AlarmName, status);
      }
      nextToken = out.NextToken;
    } while (nextToken);
  }
  return names.flatMap((n) => {
    const status = found.get(n);
    return status ? [status] : [];
  });
}
