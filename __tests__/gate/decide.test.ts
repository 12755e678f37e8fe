import { describe, expect, it } from 'vitest';
import {
  afterSmokeCheck,
  alarmFailure,
  firingAlarm,
  initialSmoke,
  type SmokeState,
} from '../../src/gate/decide';

const URL = 'https://app.example/healthz';

function run(answers: boolean[]): { verdicts: string[]; state: SmokeState } {
  let state = initialSmoke();
  const verdicts: string[] = [];
  for (const ok of answers) {
    const after = afterSmokeCheck(state, { ok, detail: ok ? 'HTTP 200' : 'HTTP 503' }, URL);
    state = after.state;
    verdicts.push(after.verdict.kind === 'fail' ? 'fail' : String(after.verdict.nextInMs));
    if (after.verdict.kind === 'fail') break;
  }
  return { verdicts, state };
}

describe('smoke check decisions', () => {
  it('retries 5 s apart until the first 2xx, then checks every 15 s', () => {
    expect(run([false, false, true, true]).verdicts).toEqual(['5000', '5000', '15000', '15000']);
  });

  it('fails on the fifth startup try without a 2xx', () => {
    expect(run([false, false, false, false, false]).verdicts).toEqual([
      '5000',
      '5000',
      '5000',
      '5000',
      'fail',
    ]);
  });

  it('fails on the third failure in a row after passing; a success resets the count', () => {
    expect(run([true, false, false, true, false, false, false]).verdicts).toEqual([
      '15000',
      '15000',
      '15000',
      '15000',
      '15000',
      '15000',
      'fail',
    ]);
  });
});

describe('alarm decisions', () => {
  it('only ALARM fails the gate', () => {
    expect(
      firingAlarm([
        { name: 'a', state: 'OK' },
        { name: 'b', state: 'INSUFFICIENT_DATA' },
      ]),
    ).toBeUndefined();
    expect(
      firingAlarm([
        { name: 'a', state: 'OK' },
        { name: 'b', state: 'ALARM' },
      ])?.name,
    ).toBe('b');
  });

  it('says when in the bake the alarm fired: its transition time when inside the bake, else when seen', () => {
    const start = 1_000_000;
    const alarm = { name: 'x', state: 'ALARM', reason: 'Threshold Crossed', since: start + 130_000 };
    expect(alarmFailure(alarm, start, start + 135_000, 300_000)).toBe(
      'alarm x went into ALARM 2m10s into the 5m bake: Threshold Crossed',
    );
    const before = { name: 'x', state: 'ALARM', since: start - 5_000 };
    expect(alarmFailure(before, start, start + 10_000, 300_000)).toBe(
      'alarm x went into ALARM 10s into the 5m bake',
    );
  });
});
