import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { afterEach, describe, expect, it } from 'vitest';
import { alarmState, describeAlarms } from '../../src/aws/alarms';
import { readAlarms } from '../../src/gate/alarms';
import { type Harness, MODES, openLab } from '../lab/sim-harness';

describe.each(MODES)('alarm reads (%s)', (mode) => {
  let h: Harness;
  afterEach(async () => h.close());

  const seed = (x: Harness, count: number): string[] => {
    const names = Array.from({ length: count }, (_, i) => `ar-${String(i).padStart(3, '0')}`);
    names.forEach((name, i) => {
      x.lab.cloudwatch.putAlarm({
        name,
        type: i % 3 === 0 ? 'composite' : 'metric',
        state: i === 7 ? 'ALARM' : 'OK',
      });
    });
    return names;
  };

  it('pages through every alarm, by name (100 per call) and by prefix, metric and composite', async () => {
    h = await openLab(mode);
    const names = seed(h, 230);
    const cw = new CloudWatchClient(h.config);
    const read = await readAlarms(cw, [...names].reverse(), new AbortController().signal);
    expect(read.map((a) => a.name)).toEqual([...names].reverse());
    expect(read.find((a) => a.state === 'ALARM')).toMatchObject({ name: 'ar-007', since: h.lab.startedAt });
    const byPrefix = await describeAlarms(cw, { prefix: 'ar-' }, new AbortController().signal);
    expect(byPrefix.metric.length + byPrefix.composite.length).toBe(230);
    expect(byPrefix.composite.length).toBe(77);
  });

  it('a cancelled run reads no alarm', async () => {
    h = await openLab(mode);
    const names = seed(h, 3);
    const cw = new CloudWatchClient(h.config);
    const cancelled = new AbortController();
    cancelled.abort();
    await expect(readAlarms(cw, names, cancelled.signal)).rejects.toThrow(/abort/i);
    await expect(describeAlarms(cw, { prefix: 'ar-' }, cancelled.signal)).rejects.toThrow(/abort/i);
  });
});

describe('alarmState: what both readers (preflight, gate) report', () => {
  const transitioned = new Date('2026-01-01T10:00:00Z');
  const updated = new Date('2026-01-01T10:05:00Z');
  it('since is when StateValue last changed, not when the evaluation was last updated', () => {
    expect(
      alarmState({
        AlarmName: 'a',
        StateValue: 'ALARM',
        StateReason: 'r',
        StateTransitionedTimestamp: transitioned,
        StateUpdatedTimestamp: updated,
      }),
    ).toEqual({ name: 'a', state: 'ALARM', reason: 'r', since: transitioned });
    expect(alarmState({ AlarmName: 'a', StateValue: 'OK', StateUpdatedTimestamp: updated }).since).toEqual(
      updated,
    );
  });
  it('an answer without a state reads as INSUFFICIENT_DATA', () => {
    expect(alarmState({ AlarmName: 'a' })).toEqual({ name: 'a', state: 'INSUFFICIENT_DATA' });
  });
});
