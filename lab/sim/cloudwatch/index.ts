/**
 * CloudWatch alarms: DescribeAlarms, SetAlarmState, PutMetricAlarm, DeleteAlarms.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_SetAlarmState.html
 */
import { InputReader, pageOf } from '../protocol/input.js';
import { AwsError, type ServiceOperations, type SimClock } from '../types.js';
import { ALARM_STATES, type AlarmState, AlarmStore } from './alarms.js';

export type { AlarmSeed, AlarmState } from './alarms.js';
export { AlarmStore } from './alarms.js';

const validation = (message: string) => new AwsError('ValidationError', message);

/** The docs do not state DescribeAlarms' default page size [gap]; 50 is the lab's choice. */
export const DEFAULT_MAX_RECORDS = 50;

function alarmState(value: string | undefined, key: string): AlarmState | undefined {
  if (value === undefined) return undefined;
  if (!(ALARM_STATES as readonly string[]).includes(value)) {
    throw validation(
      `1 validation error detected: Value '${value}' at '${key}' failed to satisfy constraint`,
    );
  }
  return value as AlarmState;
}

export function createCloudWatch(deps: {
  clock: SimClock;
  region: string;
  account: string;
  startedAt: number;
}): {
  operations: ServiceOperations;
  world: AlarmStore;
} {
  const world = new AlarmStore(
    deps.clock,
    deps.startedAt,
    `arn:aws:cloudwatch:${deps.region}:${deps.account}:alarm:`,
  );
  const operations: ServiceOperations = {
    DescribeAlarms: (input) => {
      const r = new InputReader(input, validation);
      const names = r.optStrings('AlarmNames');
      const prefix = r.optString('AlarmNamePrefix');
      if (names !== undefined && names.length > 0 && prefix !== undefined) {
        throw validation('AlarmNamePrefix and AlarmNames cannot be specified together.');
      }
      if (names !== undefined && names.length > 100) {
        throw validation(
          `1 validation error detected: Value at 'alarmNames' failed to satisfy constraint: Member must have length less than or equal to 100`,
        );
      }
      const types = r.optStrings('AlarmTypes') ?? [];
      for (const t of types) {
        if (t !== 'MetricAlarm' && t !== 'CompositeAlarm') throw validation(`Invalid AlarmType: ${t}`);
      }
      // AlarmTypes omitted: metric alarms only, as the API reference says.
      const wanted = new Set(
        types.length === 0 ? ['metric'] : types.map((t) => (t === 'MetricAlarm' ? 'metric' : 'composite')),
      );
      const state = alarmState(r.optString('StateValue'), 'stateValue');
      const actionPrefix = r.optString('ActionPrefix');
      const maxRecords = r.optNumber('MaxRecords') ?? DEFAULT_MAX_RECORDS;
      if (!Number.isInteger(maxRecords) || maxRecords < 1 || maxRecords > 100) {
        throw validation(
          `1 validation error detected: Value '${maxRecords}' at 'maxRecords' failed to satisfy constraint: Member must have value between 1 and 100`,
        );
      }
      const matching = world.snapshot().filter((a) => {
        if (!wanted.has(a.type)) return false;
        if (names !== undefined && names.length > 0 && !names.includes(a.name)) return false;
        if (prefix !== undefined && !a.name.startsWith(prefix)) return false;
        if (state !== undefined && a.body.StateValue !== state) return false;
        if (actionPrefix !== undefined) {
          const actions = a.body.AlarmActions as string[];
          if (!actions.some((x) => x.startsWith(actionPrefix))) return false;
        }
        return true;
      });
      const page = pageOf(
        matching,
        maxRecords,
        r.optString('NextToken'),
        () => new AwsError('InvalidNextToken', 'The service returned an invalid NextToken.'),
      );
      return {
        MetricAlarms: page.items.filter((a) => a.type === 'metric').map((a) => a.body),
        CompositeAlarms: page.items.filter((a) => a.type === 'composite').map((a) => a.body),
        NextToken: page.next,
      };
    },
    SetAlarmState: (input) => {
      const r = new InputReader(input, validation);
      const name = r.string('AlarmName');
      const state = alarmState(r.string('StateValue'), 'stateValue') as AlarmState;
      world.setState(name, state, r.string('StateReason'));
      return {};
    },
    PutMetricAlarm: (input) => {
      const r = new InputReader(input, validation);
      world.putAlarm({
        name: r.string('AlarmName'),
        type: 'metric',
        period: r.optNumber('Period') ?? 60,
        evaluationPeriods: r.optNumber('EvaluationPeriods') ?? 1,
        metricName: r.optString('MetricName') ?? 'Metric',
        namespace: r.optString('Namespace') ?? 'Custom',
        threshold: r.optNumber('Threshold') ?? 0,
        comparisonOperator: r.string('ComparisonOperator'),
        statistic: r.optString('Statistic') ?? 'Average',
        alarmActions: r.optStrings('AlarmActions') ?? [],
        actionsEnabled: r.optBool('ActionsEnabled') ?? true,
        dimensions: (r.optObjects('Dimensions') ?? []).map((d) => {
          const dim = new InputReader(d, validation);
          return { name: dim.string('Name'), value: dim.string('Value') };
        }),
      });
      return {};
    },
    DeleteAlarms: (input) => {
      const names = new InputReader(input, validation).optStrings('AlarmNames') ?? [];
      const missing = names.filter((n) => !world.has(n));
      if (missing.length > 0) throw new AwsError('ResourceNotFound', `${missing.join(', ')} not found`, 404);
      for (const n of names) world.delete(n);
      return {};
    },
  };
  return { operations, world };
}
