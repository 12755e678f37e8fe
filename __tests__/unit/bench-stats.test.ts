import { describe, expect, it } from 'vitest';
import { markdownTable, median, millis, quantile, rowsTable, seconds } from '../../bench/lib/stats';

describe('bench statistics', () => {
  it('interpolates quantiles between closest ranks, whatever the input order', () => {
    expect(quantile([5, 1, 3, 2, 4], 0.5)).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(quantile([10, 20], 0.9)).toBeCloseTo(19);
    expect(quantile([7], 0.9)).toBe(7);
    expect(quantile([], 0.5)).toBeNaN();
  });

  it('prints durations with the digits that matter', () => {
    expect(seconds(523)).toBe('0.52 s');
    expect(seconds(14_540)).toBe('14.5 s');
    expect(seconds(1_596_000)).toBe('1596 s');
    expect(seconds(Number.NaN)).toBe('—');
    expect(millis(86.6)).toBe('87 ms');
  });
});

describe('bench tables', () => {
  it('pads columns and escapes pipes so the Markdown stays one row per line', () => {
    const text = markdownTable(['a', 'bb'], [['x | y', 'z']]);
    expect(text.split('\n')).toEqual(['| a      | bb  |', '| ------ | --- |', '| x \\| y | z   |']);
  });

  it('says whether each target is met, and nothing when it is not judged', () => {
    const text = rowsTable([
      { what: 'w1', ours: '1', baseline: '2', target: '< 3', met: true },
      { what: 'w2', ours: '9', baseline: '2', target: '< 3', met: false },
      { what: 'w3', ours: 'not measured', baseline: '—', target: '< 3' },
    ]);
    const cells = text.split('\n').map((l) => l.split('|').at(-2)?.trim());
    expect(cells.slice(2)).toEqual(['yes', 'NO', '—']);
  });
});
