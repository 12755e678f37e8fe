import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { alarmState, describeAlarms } from '../aws/alarms';
import type { AlarmStatus } from './decide';

/**
 * The current state of each named alarm, metric and composite, in the order given.
 * Alarms CloudWatch no longer knows are left out of the answer.
 */
export async function readAlarms(
  cloudwatch: CloudWatchClient,
  names: string[],
  signal: AbortSignal,
): Promise<AlarmStatus[]> {
  const { metric, composite } = await describeAlarms(cloudwatch, { names }, signal);
  const found = new Map<string, AlarmStatus>();
  for (const a of [...metric, ...composite]) {
    if (!a.AlarmName) continue;
    const { since, ...state } = alarmState(a);
    found.set(a.AlarmName, { ...state, ...(since !== undefined && { since: since.getTime() }) });
  }
  return names.flatMap((n) => {
    const status = found.get(n);
    return status ? [status] : [];
  });
}
