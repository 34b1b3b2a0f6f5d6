import { describe, expect, it } from 'vitest';
import { driftLevel, driftReport, psi } from '../../src/ml/drift.ts';

describe('population stability index, by hand', () => {
  it('categorical: shares ½/½ → ¼/¾ give ¼·ln 2 + ¼·ln 1.5 ≈ 0.2747', () => {
    const r = psi(['A', 'A', 'B', 'B'], ['A', 'B', 'B', 'B']);
    expect(r.kind).toBe('categorical');
    expect(r.psi).toBeCloseTo(0.25 * Math.log(2) + 0.25 * Math.log(1.5), 12);
    expect(r.level).toBe('major');
    expect(r.buckets).toEqual([
      { label: 'A', expected: 0.5, actual: 0.25, contribution: expect.closeTo(0.25 * Math.log(2), 12) },
      { label: 'B', expected: 0.5, actual: 0.75, contribution: expect.closeTo(0.25 * Math.log(1.5), 12) },
    ]);
  });

  it('numeric: reference median cut (1…10 → ≤ 5 | > 5); current shares 3/8, 5/8 give 0.125·(ln(4/3) + ln(5/4))', () => {
    const reference = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const r = psi(reference, [1, 2, 3, 6, 7, 8, 9, 10], { bins: 2 });
    expect(r.kind).toBe('numeric');
    expect(r.buckets.map((b) => b.label)).toEqual(['≤ 5', '> 5']);
    expect(r.psi).toBeCloseTo(-0.125 * Math.log(0.75) + 0.125 * Math.log(1.25), 12);
    expect(r.level).toBe('stable');
    expect(psi(reference, reference).psi).toBe(0);
  });

  it('numbers as text, and missing values in a bucket of their own; an empty share is floored at epsilon', () => {
    // Reference has no missing value (share floored to 1e-4); current has 1 of 4.
    const r = psi(['1', '2', '3', '4'], ['1', '2', ' ', '4'], { bins: 2, epsilon: 1e-4 });
    const low = { e: 0.5, a: 0.5 };
    const high = { e: 0.5, a: 0.25 };
    const missing = { e: 1e-4, a: 0.25 };
    const expected = [low, high, missing].reduce((s, b) => s + (b.a - b.e) * Math.log(b.a / b.e), 0);
    expect(r.buckets.map((b) => b.label)).toEqual(['≤ 2', '> 2', '(missing)']);
    expect(r.psi).toBeCloseTo(expected, 12);
  });

  it('levels unseen in the reference share an "(other)" bucket', () => {
    const r = psi(['a', 'b'], ['a', 'c']);
    expect(r.buckets.map((b) => [b.label, b.expected, b.actual])).toEqual([
      ['a', 0.5, 0.5],
      ['b', 0.5, 0],
      ['(other)', 0, 0.5],
    ]);
  });

  it('reads the conventional levels and reports every shared column, largest drift first', () => {
    expect([0.05, 0.1, 0.2, 0.3].map(driftLevel)).toEqual(['stable', 'moderate', 'moderate', 'major']);
    const before = [
      { name: 'id', values: ['a', 'b', 'c', 'd'] },
      { name: 'plan', values: ['x', 'x', 'y', 'y'] },
      { name: 'spend', values: [1, 2, 3, 4] },
    ];
    const after = [
      { name: 'id', values: ['e', 'f', 'g', 'h'] },
      { name: 'plan', values: ['x', 'y', 'y', 'y'] },
      { name: 'spend', values: [1, 2, 3, 4] },
      { name: 'new', values: [1, 1, 1, 1] },
    ];
    const report = driftReport(before, after, { bins: 2 });
    expect(report.map((r) => [r.column, r.level])).toEqual([
      ['plan', 'major'],
      ['spend', 'stable'],
    ]);
  });
});
