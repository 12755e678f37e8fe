/**
 * Reading CloudWatch alarms, for both readers (preflight's look-up and the gate's
 * reads): one way to page DescribeAlarms and one way to say what state an alarm is in.
 * docs/rollout.md, "Alarm reads", carries the API facts this relies on.
 */
import {
  type CloudWatchClient,
  type CompositeAlarm,
  type DescribeAlarmsCommandInput,
  type MetricAlarm,
  paginateDescribeAlarms,
} from '@aws-sdk/client-cloudwatch';
import { chunks } from './batch';

/** DescribeAlarms takes at most 100 names per call and returns at most 100 alarms per page. */
export const ALARMS_PER_CALL = 100;

export interface DescribedAlarms {
  metric: MetricAlarm[];
  composite: CompositeAlarm[];
}

/** Names (100 per call) or a prefix: the API refuses both in one call. */
export type AlarmQuery = { names: string[] } | { prefix: string };

/**
 * Every alarm the query matches, all pages, metric and composite (AlarmTypes left out
 * means metric alarms only, which would silently skip every composite alarm). Every
 * call carries the run's abort signal: a cancelled run reads nothing more.
 */
export async function describeAlarms(
  cloudwatch: CloudWatchClient,
  query: AlarmQuery,
  signal: AbortSignal,
): Promise<DescribedAlarms> {
  const inputs: DescribeAlarmsCommandInput[] =
    'names' in query
      ? chunks([...new Set(query.names)], ALARMS_PER_CALL).map((batch) => ({ AlarmNames: batch }))
      : [{ AlarmNamePrefix: query.prefix }];
  const out: DescribedAlarms = { metric: [], composite: [] };
  for (const input of inputs) {
    const pages = paginateDescribeAlarms(
      { client: cloudwatch, pageSize: ALARMS_PER_CALL },
      { ...input, AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] },
      { abortSignal: signal },
    );
    for await (const page of pages) {
      out.metric.push(...(page.MetricAlarms ?? []));
      out.composite.push(...(page.CompositeAlarms ?? []));
    }
  }
  return out;
}

export interface AlarmState {
  name: string;
  state: string;
  reason?: string;
  since?: Date;
}

/**
 * What both readers report of an alarm. `since` is when the alarm entered its state:
 * StateTransitionedTimestamp (the last change of StateValue); StateUpdatedTimestamp
 * also moves when only the evaluation state changes, so it is the fallback only, for
 * an answer without the first. A missing StateValue reads as INSUFFICIENT_DATA,
 * CloudWatch's own word for "no verdict" (the gate's UNKNOWN means "not read yet").
 */
export function alarmState(a: MetricAlarm | CompositeAlarm): AlarmState {
  const since = a.StateTransitionedTimestamp ?? a.StateUpdatedTimestamp;
  return {
    name: a.AlarmName ?? '',
    state: a.StateValue ?? 'INSUFFICIENT_DATA',
    ...(a.StateReason !== undefined && { reason: a.StateReason }),
    ...(since !== undefined && { since }),
  };
}
