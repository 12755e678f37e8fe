import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../src/config/duration';
import { closest } from '../../src/config/suggest';
import { cliInputs } from '../../src/runtime/cli-args';
import { VirtualClock } from '../../src/runtime/clock';
import { Secrets } from '../../src/runtime/secrets';

describe('durations', () => {
  it.each([
    ['90s', 90_000],
    ['15m', 900_000],
    ['1h', 3_600_000],
    ['1h30m', 5_400_000],
    ['500ms', 500],
    ['1.5s', 1500],
  ])('%s is %i ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', '30', '5 minutes', 'm', '-1s', '1d'])('refuses %j', (text) =>
    expect(parseDuration(text)).toBeUndefined(),
  );

  it('formats for people', () => {
    expect([formatDuration(450), formatDuration(12_345), formatDuration(3_723_000)]).toEqual([
      '450ms',
      '12.3s',
      '1h2m3s',
    ]);
  });
});

describe('closest', () => {
  it('suggests near misses only', () => {
    expect(closest('servces', ['services', 'gate'])).toBe('services');
    expect(closest('bake_time', ['bake-time', 'alarms'])).toBe('bake-time');
    expect(closest('zzzzzz', ['services', 'gate'])).toBeUndefined();
  });
});

describe('VirtualClock', () => {
  it('wakes sleepers in deadline order and jumps time to each deadline', async () => {
    const clock = new VirtualClock(0);
    const woke: string[] = [];
    await Promise.all([
      clock.sleep(5000).then(() => woke.push(`b@${clock.now()}`)),
      clock.sleep(1000).then(() => woke.push(`a@${clock.now()}`)),
      clock
        .sleep(1000)
        .then(() => clock.sleep(1000))
        .then(() => woke.push(`c@${clock.now()}`)),
    ]);
    expect(woke).toEqual(['a@1000', 'c@2000', 'b@5000']);
  });

  it('rejects a sleeper whose signal aborts, and time does not move for it', async () => {
    const clock = new VirtualClock(0);
    const controller = new AbortController();
    const sleeping = clock.sleep(60_000, controller.signal);
    controller.abort(new Error('cancelled'));
    await expect(sleeping).rejects.toThrow('cancelled');
    await clock.sleep(10);
    expect(clock.now()).toBe(10);
  });
});

describe('cli arguments', () => {
  it('become the INPUT_* variables the runner would set', () => {
    expect(cliInputs(['rollback', '--cluster', 'acme', '--to=abc1234', '--frontend-service', 'web'])).toEqual(
      {
        INPUT_COMMAND: 'rollback',
        INPUT_CLUSTER: 'acme',
        INPUT_TO: 'abc1234',
        'INPUT_FRONTEND-SERVICE': 'web',
      },
    );
    expect(() => cliInputs(['--cluster'])).toThrow('flag --cluster needs a value');
  });
});

describe('VirtualClock listeners', () => {
  it('removes its abort listener when a sleep ends normally (no MaxListeners leak on a long-lived signal)', async () => {
    const clock = new VirtualClock(0);
    const controller = new AbortController();
    let listeners = 0;
    const add = controller.signal.addEventListener.bind(controller.signal);
    const remove = controller.signal.removeEventListener.bind(controller.signal);
    controller.signal.addEventListener = ((...args: Parameters<typeof add>) => {
      listeners++;
      add(...args);
    }) as typeof add;
    controller.signal.removeEventListener = ((...args: Parameters<typeof remove>) => {
      listeners--;
      remove(...args);
    }) as typeof remove;
    for (let i = 0; i < 50; i++) await clock.sleep(1000, controller.signal);
    expect(listeners).toBe(0);
    expect(clock.now()).toBe(50_000);
  });
});

describe('Secrets', () => {
  it('redacts every known secret, longest first, and adds each once', () => {
    const secrets = new Secrets();
    expect(secrets.add('hunter2')).toBe(true);
    expect(secrets.add('hunter2')).toBe(false);
    expect(secrets.add('')).toBe(false);
    secrets.add('AWS:hunter2');
    expect(secrets.redact('login AWS:hunter2 then hunter2 again')).toBe('login *** then *** again');
  });
});
