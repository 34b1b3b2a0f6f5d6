import { describe, expect, it } from 'vitest';
import { intQuantile } from '../../src/report/memory/customers.ts';
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
