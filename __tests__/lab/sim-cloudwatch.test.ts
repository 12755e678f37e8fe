import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  InvalidNextToken,
  ResourceNotFound,
  SetAlarmStateCommand,
  ValidationException,
} from '@aws-sdk/client-cloudwatch';
import { afterEach, describe, expect, it } from 'vitest';
import { errorOf, type Harness, MODES, openLab } from './sim-harness.js';

describe.each(MODES)('CloudWatch alarms (%s)', (mode) => {
  let h: Harness;
  afterEach(async () => h.close());

  const seed = (x: Harness) => {
    x.lab.cloudwatch.putAlarm({
      name: 'prod-5xx',
      type: 'metric',
      period: 60,
      evaluationPeriods: 3,
      state: 'OK',
    });
    x.lab.cloudwatch.putAlarm({ name: 'prod-p99', type: 'metric', state: 'INSUFFICIENT_DATA' });
    x.lab.cloudwatch.putAlarm({
      name: 'prod-health',
      type: 'composite',
      state: 'OK',
      alarmRule: 'ALARM(prod-5xx)',
    });
    x.lab.cloudwatch.putAlarm({ name: 'staging-5xx', type: 'metric', state: 'ALARM' });
  };

  it('returns metric alarms only when AlarmTypes is omitted, composites when asked', async () => {
    h = await openLab(mode);
    seed(h);
    const cw = new CloudWatchClient(h.config);
    const plain = await cw.send(new DescribeAlarmsCommand({ AlarmNamePrefix: 'prod-' }));
    expect(plain.MetricAlarms?.map((a) => a.AlarmName)).toEqual(['prod-5xx', 'prod-p99']);
    expect(plain.CompositeAlarms).toEqual([]);
    const both = await cw.send(
      new DescribeAlarmsCommand({
        AlarmNames: ['prod-5xx', 'prod-health'],
        AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
      }),
    );
    expect(both.MetricAlarms?.[0]).toMatchObject({
      AlarmName: 'prod-5xx',
      Period: 60,
      EvaluationPeriods: 3,
      StateValue: 'OK',
    });
    expect(both.CompositeAlarms?.[0]).toMatchObject({
      AlarmName: 'prod-health',
      AlarmRule: 'ALARM(prod-5xx)',
    });
    expect(both.MetricAlarms?.[0]?.StateUpdatedTimestamp).toEqual(new Date(h.lab.startedAt));
    const alarming = await cw.send(new DescribeAlarmsCommand({ StateValue: 'ALARM' }));
    expect(alarming.MetricAlarms?.map((a) => a.AlarmName)).toEqual(['staging-5xx']);
  });

  it('refuses AlarmNames with AlarmNamePrefix, and more than 100 names', async () => {
    h = await openLab(mode);
    const cw = new CloudWatchClient(h.config);
    const both = await errorOf(
      cw.send(new DescribeAlarmsCommand({ AlarmNames: ['a'], AlarmNamePrefix: 'a' })),
    );
    expect(both).toBeInstanceOf(ValidationException);
    const names = Array.from({ length: 101 }, (_, i) => `a${i}`);
    expect(await errorOf(cw.send(new DescribeAlarmsCommand({ AlarmNames: names })))).toBeInstanceOf(
      ValidationException,
    );
  });

  it('pages with MaxRecords and NextToken', async () => {
    h = await openLab(mode);
    for (let i = 0; i < 5; i += 1) h.lab.cloudwatch.putAlarm({ name: `a${i}`, type: 'metric', state: 'OK' });
    const cw = new CloudWatchClient(h.config);
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await cw.send(new DescribeAlarmsCommand({ MaxRecords: 2, NextToken: token }));
      expect((page.MetricAlarms ?? []).length).toBeLessThanOrEqual(2);
      seen.push(...(page.MetricAlarms ?? []).map((a) => a.AlarmName ?? ''));
      token = page.NextToken;
    } while (token);
    expect(seen).toEqual(['a0', 'a1', 'a2', 'a3', 'a4']);
    const bad = await errorOf(cw.send(new DescribeAlarmsCommand({ NextToken: 'bogus' })));
    expect(bad).toBeInstanceOf(InvalidNextToken);
  });

  it('follows the scenario timeline, and SetAlarmState applies now', async () => {
    h = await openLab(mode);
    seed(h);
    h.lab.cloudwatch.schedule('prod-5xx', 120_000, 'ALARM', 'Threshold Crossed: 5 datapoints');
    h.lab.cloudwatch.schedule('prod-5xx', 300_000, 'OK');
    const cw = new CloudWatchClient(h.config);
    const state = async () =>
      (await cw.send(new DescribeAlarmsCommand({ AlarmNames: ['prod-5xx'] }))).MetricAlarms?.[0];
    expect((await state())?.StateValue).toBe('OK');
    h.clock.advance(120_000);
    expect(await state()).toMatchObject({
      StateValue: 'ALARM',
      StateReason: 'Threshold Crossed: 5 datapoints',
    });
    expect((await state())?.StateUpdatedTimestamp).toEqual(new Date(h.lab.startedAt + 120_000));
    h.clock.advance(60_000);
    await cw.send(
      new SetAlarmStateCommand({
        AlarmName: 'prod-5xx',
        StateValue: 'INSUFFICIENT_DATA',
        StateReason: 'test',
      }),
    );
    expect((await state())?.StateValue).toBe('INSUFFICIENT_DATA');
    h.clock.advance(120_000);
    expect((await state())?.StateValue).toBe('OK');
    const missing = await errorOf(
      cw.send(new SetAlarmStateCommand({ AlarmName: 'nope', StateValue: 'OK', StateReason: 'x' })),
    );
    expect(missing).toBeInstanceOf(ResourceNotFound);
  });
});
