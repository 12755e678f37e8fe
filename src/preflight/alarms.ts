import type { CompositeAlarm, MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { type AlarmQuery, alarmState, describeAlarms } from '../aws/alarms';
import { formatDuration } from '../config/duration';
import type { StageContext } from '../runtime/context';
import { errorText, type Findings } from './findings';

export interface FoundAlarm {
  name: string;
  type: 'metric' | 'composite';
  state: string;
  reason?: string;
  since?: Date;
  /** Metric alarms: seconds of data one evaluation needs (period × evaluation periods). */
  windowSeconds?: number;
}

function fromMetric(a: MetricAlarm): FoundAlarm {
  const periods = [a.Period, ...(a.Metrics ?? []).map((m) => m.MetricStat?.Period ?? m.Period)].filter(
    (p): p is number => typeof p === 'number',
  );
  const period = periods.length > 0 ? Math.max(...periods) : undefined;
  return {
    ...alarmState(a),
    type: 'metric',
    ...(period !== undefined && { windowSeconds: period * (a.EvaluationPeriods ?? 1) }),
  };
}

function fromComposite(a: CompositeAlarm): FoundAlarm {
  return { ...alarmState(a), type: 'composite' };
}

async function describe(ctx: StageContext, query: AlarmQuery): Promise<FoundAlarm[]> {
  const { metric, composite } = await describeAlarms(ctx.aws.cloudwatch, query, ctx.signal);
  return [...metric.map(fromMetric), ...composite.map(fromComposite)];
}

/** Names and prefix are separate calls: the API refuses AlarmNames together with AlarmNamePrefix. */
export async function lookUpAlarms(
  ctx: StageContext,
  f: Findings,
): Promise<{ byName: FoundAlarm[]; byPrefix: FoundAlarm[] } | undefined> {
  const { alarms, alarmPrefix } = ctx.config.gate;
  try {
    const byName = await describe(ctx, { names: alarms });
    const byPrefix = alarmPrefix ? await describe(ctx, { prefix: alarmPrefix }) : [];
    return { byName, byPrefix };
  } catch (error) {
    f.problems.push(`gate alarms: cloudwatch:DescribeAlarms failed (${errorText(error)}).`);
    return undefined;
  }
}

/** Judges the gate alarms; returns every alarm name the gate will watch. */
export function evaluateAlarms(
  gate: { alarms: string[]; alarmPrefix?: string; bakeTimeMs: number },
  found: { byName: FoundAlarm[]; byPrefix: FoundAlarm[] },
  f: Findings,
): string[] {
  const named = new Set(found.byName.map((a) => a.name));
  for (const name of gate.alarms) {
    if (!named.has(name)) {
      f.problems.push(
        `gate alarm "${name}" does not exist (neither a metric nor a composite alarm) in this region; fix its name under alarms.`,
      );
    }
  }
  if (gate.alarmPrefix !== undefined && found.byPrefix.length === 0) {
    f.problems.push(
      `alarm-prefix "${gate.alarmPrefix}" matches no CloudWatch alarm in this region; a gate with no alarms ` +
        'would pass anything. Fix the prefix, or remove it.',
    );
  }
  const all = new Map<string, FoundAlarm>();
  for (const a of [...found.byName, ...found.byPrefix]) all.set(a.name, a);
  const sorted = [...all.values()].sort((a, b) => a.name.localeCompare(b.name));
  for (const a of sorted) {
    if (a.state === 'ALARM') {
      f.problems.push(
        `gate alarm "${a.name}" is in ALARM${a.since ? ` since ${a.since.toISOString()}` : ''}` +
          `${a.reason ? ` (${a.reason})` : ''}; a release cannot be judged while it fires. Fix the cause or wait for it to clear.`,
      );
    }
    if (a.windowSeconds !== undefined && gate.bakeTimeMs < a.windowSeconds * 1000) {
      f.warnings.push(
        `bake-time ${formatDuration(gate.bakeTimeMs)} is shorter than alarm "${a.name}"'s evaluation window ` +
          `(period × evaluation periods = ${formatDuration(a.windowSeconds * 1000)}): it may not fire before the bake ends.`,
      );
    }
  }
  return sorted.map((a) => a.name);
}
