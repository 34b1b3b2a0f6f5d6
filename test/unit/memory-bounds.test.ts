import { describe, expect, it } from 'vitest';
import { datedBound } from '../../src/report/memory/pass.ts';
import { lowerBound } from '../../src/report/memory/lines.ts';
import { Random } from '../../src/lib/random.ts';

describe('datedBound (the per-customer read’s window bounds, without a branch on the comparison)', () => {
  it('finds lowerBound’s position in every run of ascending days, for values before, in and after them', () => {
    const r = new Random(11);
    for (let t = 0; t < 400; t++) {
      const n = Math.floor(r.float() * 40);
      // Repeated days, gaps, negative days (before 1970), and days far apart.
      const step = t % 4 === 0 ? 40_000 : 3;
      let d = Math.floor(r.float() * 2 * step) - step;
      const day = Int32Array.from({ length: n }, () => (d += Math.floor(r.float() * step)));
      // A run inside a longer array, as a customer's lines are.
      const pad = Math.floor(r.float() * 3);
      const all = new Int32Array(n + 2 * pad);
      all.set(day, pad);
      for (let k = 0; k < pad; k++) {
        all[k] = -2_000_000;
        all[pad + n + k] = 2_000_000;
      }
      const lo = day.length ? day[0]! : 0;
      const hi = day.length ? day[n - 1]! : 0;
      for (const value of [lo - 1, lo, lo + 1, hi, hi + 1, Math.floor((lo + hi) / 2), lo - step * 3, hi + step * 3]) {
        expect(datedBound(all, value, pad, pad + n), `${[...day].join(',')} at ${value}`).toBe(lowerBound(all, value, pad, pad + n));
      }
    }
  });

  it('holds for days and values up to ±2^30 (the per-customer read checks its span against that)', () => {
    const edge = 2 ** 30 - 1;
    const day = Int32Array.of(-edge, -edge, -5, 0, 7, edge, edge);
    for (const value of [-edge, -edge + 1, -6, -5, 0, 1, 7, 8, edge - 1, edge]) {
      expect(datedBound(day, value, 0, day.length), `at ${value}`).toBe(lowerBound(day, value, 0, day.length));
    }
  });
});
