import { describe, expect, it } from 'vitest';
import { intQuantile, sortedCents } from '../../src/report/memory/customers.ts';
import { Random } from '../../src/lib/random.ts';

/** quantile_cont by its definition: sort, then interpolate between ranks ⌊(n−1)q⌋ and ⌈(n−1)q⌉. */
function reference(values: number[], q: number): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const rn = (s.length - 1) * q;
  const lo = Math.floor(rn);
  const hi = Math.ceil(rn);
  return s[lo]! + (s[hi]! - s[lo]!) * (rn - lo);
}

describe('intQuantile (the lines index’s medians of days, gaps and order counts)', () => {
  it('gives quantile_cont’s value whether it counts (small range) or sorts (wide range)', () => {
    const r = new Random(5);
    for (let t = 0; t < 300; t++) {
      const n = 1 + Math.floor(r.float() * 60);
      // Small ranges (counted), some negative, and wide ones (sorted).
      const range = t % 3 === 0 ? 10_000_000 : 1 + Math.floor(r.float() * 40);
      const values = Array.from({ length: n }, () => Math.floor(r.float() * range) - (t % 2 === 0 ? Math.floor(range / 2) : 0));
      for (const q of [0, 0.25, 0.5, 0.9, 1]) expect(intQuantile(Int32Array.from(values), q), `${values.join(',')} q=${q}`).toBe(reference(values, q));
    }
  });

  it('is null with no values, and the value itself with one', () => {
    expect(intQuantile(new Int32Array(0), 0.5)).toBeNull();
    expect(intQuantile(Int32Array.of(-7), 0.5)).toBe(-7);
  });
});

/** DuckDB's round(x, 2), as the index rounds each customer's spend. */
const cents = (x: number): number => (x < 0 ? -1 : 1) * (Math.round(Math.abs(x) * 100) / 100);

describe('sortedCents (the lines index’s customers’ spend, in order, for Pareto, Lorenz and the median)', () => {
  it('gives sort()’s order of the same doubles, counted when the cents fit 32 bits and sorted when not', () => {
    const r = new Random(9);
    for (let t = 0; t < 60; t++) {
      const n = t % 5 === 0 ? 1 + Math.floor(r.float() * 255) : 256 + Math.floor(r.float() * 5000);
      // Narrow and wide spends (wider than 2^32 cents: sorted), negatives (returns), and −0 and 0 (a refund of less than a cent).
      const scale = [1, 100, 50_000, 1e9][t % 4]!;
      const values = Float64Array.from({ length: n }, (_, k) =>
        k % 97 === 0 ? -0 : k % 89 === 0 ? 0 : cents((r.float() - (t % 3 === 0 ? 0.3 : 0)) * scale));
      const got = sortedCents(values);
      const want = values.slice().sort();
      expect(got.length).toBe(n);
      for (let k = 0; k < n; k++) expect(Object.is(got[k], want[k]), `t=${t} k=${k}: ${got[k]} vs ${want[k]}`).toBe(true);
    }
  });

  it('fills the arrays it is lent whatever they held (the read’s pool hands back used ones), and hands back all but its result', () => {
    const r = new Random(11);
    const values = Float64Array.from({ length: 3000 }, () => cents((r.float() - 0.2) * 5000));
    const handedBack: string[] = [];
    // Arrays for "any values" come full of junk, as a reused one would.
    const got = sortedCents(
      values,
      (_use, make, n, value) => {
        const a = new make(n + 17).subarray(0, n) as typeof values;
        return value === null ? (a.fill(0x5a5a) as never) : (a.fill(value) as never);
      },
      (use) => handedBack.push(use),
    );
    const want = values.slice().sort();
    for (let k = 0; k < want.length; k++) expect(Object.is(got[k], want[k]), `k=${k}`).toBe(true);
    expect(handedBack.sort()).toEqual(['sort.byLow', 'sort.counts', 'sort.keys']);
  });

  it('leaves its input as it was', () => {
    const values = Float64Array.from({ length: 1000 }, (_, k) => cents(((k * 7919) % 1000) / 3));
    const copy = values.slice();
    sortedCents(values);
    expect([...values]).toEqual([...copy]);
  });
});
