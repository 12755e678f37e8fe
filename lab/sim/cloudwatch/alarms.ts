/**
 * Alarms whose state follows a scenario timeline: a seeded initial state, then
 * scheduled changes, with SetAlarmState applying at the lab's current time
 * (until the next scheduled change, as a real alarm's next evaluation would).
 */

import { resolveWhen, Timeline, type When } from '../timeline.js';
import { AwsError, type SimClock } from '../types.js';

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
export const ALARM_STATES: readonly AlarmState[] = ['OK', 'ALARM', 'INSUFFICIENT_DATA'];

export interface AlarmSeed {
  name: string;
  type: 'metric' | 'composite';
  /** Metric alarms: seconds per evaluation period (default 60). */
  period?: number;
  /** Metric alarms: default 1. */
  evaluationPeriods?: number;
  /** Default INSUFFICIENT_DATA, as a newly created alarm starts. */
  state?: AlarmState;
  reason?: string;
  metricName?: string;
  namespace?: string;
  threshold?: number;
  comparisonOperator?: string;
  statistic?: string;
  /** Composite alarms: the rule text. */
  alarmRule?: string;
  alarmActions?: string[];
  actionsEnabled?: boolean;
  /** Metric alarms: what the metric is about (`LoadBalancer`, `TargetGroup`, `ServiceName`…). */
  dimensions?: { name: string; value: string }[];
}

interface Alarm {
  seed: AlarmSeed;
  createdAt: number;
  state: Timeline<{ state: AlarmState; reason: string }>;
}

const defaultReason = (state: AlarmState): string =>
  state === 'INSUFFICIENT_DATA' ? 'Unchecked: Initial alarm creation' : `Lab scenario: state set to ${state}`;

export class AlarmStore {
  private readonly alarms = new Map<string, Alarm>();

  constructor(
    private readonly clock: SimClock,
    private readonly startedAt: number,
    private readonly arnPrefix: string,
  ) {}

  putAlarm(seed: AlarmSeed): void {
    const state = seed.state ?? 'INSUFFICIENT_DATA';
    const now = this.clock.now();
    this.alarms.set(seed.name, {
      seed,
      createdAt: now,
      state: new Timeline({ state, reason: seed.reason ?? defaultReason(state) }, now),
    });
  }

  /** `at`: milliseconds after the lab started, or a Date (see timeline.ts). */
  schedule(name: string, at: When, state: AlarmState, reason?: string): void {
    this.get(name).state.set(resolveWhen(at, this.startedAt), {
      state,
      reason: reason ?? defaultReason(state),
    });
  }

  setState(name: string, state: AlarmState, reason: string): void {
    this.get(name).state.set(this.clock.now(), { state, reason });
  }

  stateOf(name: string): AlarmState {
    return this.get(name).state.current(this.clock.now()).value.state;
  }

  has(name: string): boolean {
    return this.alarms.has(name);
  }

  delete(name: string): void {
    this.alarms.delete(name);
  }

  private get(name: string): Alarm {
    const alarm = this.alarms.get(name);
    if (!alarm) throw new AwsError('ResourceNotFound', `Alarm ${name} not found`, 404);
    return alarm;
  }

  /** Every alarm as DescribeAlarms shows it now, sorted by name. */
  snapshot(): { type: 'metric' | 'composite'; name: string; body: Record<string, unknown> }[] {
    const now = this.clock.now();
    return [...this.alarms.values()]
      .sort((a, b) => (a.seed.name < b.seed.name ? -1 : a.seed.name > b.seed.name ? 1 : 0))
      .map((a) => ({ type: a.seed.type, name: a.seed.name, body: this.describe(a, now) }));
  }

  private describe(alarm: Alarm, now: number): Record<string, unknown> {
    const { seed } = alarm;
    const current = alarm.state.current(now);
    const common = {
      AlarmName: seed.name,
      AlarmArn: `${this.arnPrefix}${seed.name}`,
      AlarmConfigurationUpdatedTimestamp: new Date(alarm.createdAt),
      ActionsEnabled: seed.actionsEnabled ?? true,
      OKActions: [],
      AlarmActions: seed.alarmActions ?? [],
      InsufficientDataActions: [],
      StateValue: current.value.state,
      StateReason: current.value.reason,
      StateUpdatedTimestamp: new Date(current.since),
      StateTransitionedTimestamp: new Date(current.since),
    };
    if (seed.type === 'composite') return { ...common, AlarmRule: seed.alarmRule ?? 'FALSE' };
    return {
      ...common,
      MetricName: seed.metricName ?? 'HTTPCode_Target_5XX_Count',
      Namespace: seed.namespace ?? 'AWS/ApplicationELB',
      Statistic: seed.statistic ?? 'Sum',
      Dimensions: (seed.dimensions ?? []).map((d) => ({ Name: d.name, Value: d.value })),
      Period: seed.period ?? 60,
      EvaluationPeriods: seed.evaluationPeriods ?? 1,
      DatapointsToAlarm: seed.evaluationPeriods ?? 1,
      Threshold: seed.threshold ?? 0,
      ComparisonOperator: seed.comparisonOperator ?? 'GreaterThanThreshold',
      TreatMissingData: 'missing',
    };
  }
}
