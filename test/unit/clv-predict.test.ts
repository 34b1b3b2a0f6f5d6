/**
 * Lifetime-value predictions against the models' formulas evaluated another
 * way: the published closed forms with a naive 2F1 series (no transformation),
 * numerical integrals over the posterior, and small-t limits.
 */
import { describe, expect, it } from 'vitest';
import {
  bgnbdConditionalExpected, bgnbdExpectedCumulative, bgnbdPAlive, clv, ggConditionalSpend, ggMeanSpend,
  paretoConditionalExpected, paretoExpectedCumulative, paretoPAlive, WEEKS_PER_MONTH,
} from '../../src/ml/clv/predict.ts';
import { fitGammaGamma } from '../../src/ml/clv/gamma-gamma.ts';
import type { BgNbdParams, GammaGammaParams, ParetoNbdParams } from '../../src/ml/clv/types.ts';
import { hasCdnow, readCdnowSummary } from './clv-data.ts';

const BG: BgNbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const PARETO: ParetoNbdParams = { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 };
const GG: GammaGammaParams = { p: 6.25, q: 3.74, v: 15.44 };

// Customers: never came back; came back twice, lately; came back six times, long ago.
const x = Float64Array.of(0, 2, 6);
const tx = Float64Array.of(0, 30.43, 8.5);
const T = Float64Array.of(38.86, 38.86, 36.1);
const zbar = Float64Array.of(NaN, 22.35, 41.1);

/** 2F1 by its defining series, no transformation, for the checks only. */
function naive2f1(a: number, b: number, c: number, z: number): number {
  let term = 1;
  let sum = 1;
  for (let k = 0; k < 100_000 && Math.abs(term) > 1e-18 * Math.abs(sum); k++) {
    term *= ((a + k) * (b + k) * z) / ((c + k) * (k + 1));
    sum += term;
  }
  return sum;
}

function simpson(f: (t: number) => number, lo: number, hi: number, n = 20_000): number {
  const h = (hi - lo) / n;
  let s = f(lo) + f(hi);
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * f(lo + i * h);
  return (s * h) / 3;
}

const rising = (v: number, n: number): number => {
  let p = 1;
  for (let k = 0; k < n; k++) p *= v + k;
  return p;
};

describe('BG/NBD predictions', () => {
  it('P(alive) is 1 without a repeat purchase, else the alive share of the likelihood', () => {
    const got = bgnbdPAlive(BG, x, tx, T);
    expect(got[0]).toBe(1);
    const { r, alpha, a, b } = BG;
    for (const i of [1, 2]) {
      const xi = x[i]!;
      const alive = (rising(b, xi) / rising(a + b, xi)) / (alpha + T[i]!) ** (r + xi);
      const dead = ((a * rising(b, xi - 1)) / rising(a + b, xi)) / (alpha + tx[i]!) ** (r + xi);
      expect(got[i]).toBeCloseTo(alive / (alive + dead), 12);
    }
  });

  it('E[X(t)] is eq. 9 of the paper', () => {
    const { r, alpha, a, b } = BG;
    for (const t of [1, 13, 39, 78, 200]) {
      const want = ((a + b - 1) / (a - 1)) * (1 - (alpha / (alpha + t)) ** r * naive2f1(r, b, a + b - 1, t / (alpha + t)));
      expect(bgnbdExpectedCumulative(BG, t)).toBeCloseTo(want, 10);
    }
    // At the start purchases come at the mean rate r/α.
    expect(bgnbdExpectedCumulative(BG, 1e-6) / 1e-6).toBeCloseTo(r / alpha, 6);
  });

  it('conditional expectation is eq. 10 of the paper', () => {
    const { r, alpha, a, b } = BG;
    const alive = bgnbdPAlive(BG, x, tx, T);
    for (const t of [1, 10, 52, 150]) {
      const got = bgnbdConditionalExpected(BG, t, x, tx, T);
      for (let i = 0; i < x.length; i++) {
        const xi = x[i]!;
        const Ti = T[i]!;
        const growth = ((a + b + xi - 1) / (a - 1)) * (1 - ((alpha + Ti) / (alpha + Ti + t)) ** (r + xi) * naive2f1(r + xi, b + xi, a + b + xi - 1, t / (alpha + Ti + t)));
        expect(got[i]).toBeCloseTo(growth * alive[i]!, 9);
      }
    }
  });

  it('is continuous through a = 1, where the formula is 0/0', () => {
    const at = bgnbdConditionalExpected({ ...BG, a: 1 }, 20, x, tx, T);
    const near = bgnbdConditionalExpected({ ...BG, a: 1 + 1e-4 }, 20, x, tx, T);
    for (let i = 0; i < x.length; i++) expect(at[i]).toBeCloseTo(near[i]!, 4);
  });
});

describe('Pareto/NBD predictions', () => {
  const { r, alpha, s, beta } = PARETO;
  /** The alive and dead parts of the likelihood, the dead part integrated over the death time. */
  const parts = (i: number) => {
    const alive = (alpha + T[i]!) ** -(r + x[i]!) * (beta + T[i]!) ** -s;
    const dead = simpson((tau) => (s / (alpha + tau) ** (r + x[i]!)) * (beta + tau) ** -(s + 1), tx[i]!, T[i]!);
    return { alive, dead };
  };

  it('P(alive) is the alive share of the likelihood', () => {
    const got = paretoPAlive(PARETO, x, tx, T);
    for (let i = 0; i < x.length; i++) {
      const { alive, dead } = parts(i);
      expect(got[i]).toBeCloseTo(alive / (alive + dead), 9);
    }
    // Seen this instant, a customer is alive.
    expect(paretoPAlive(PARETO, Float64Array.of(3), Float64Array.of(20), Float64Array.of(20))[0]).toBeCloseTo(1, 12);
  });

  it('E[X(t)] = E[λ] × expected time alive in (0, t]', () => {
    for (const t of [1, 39, 200]) {
      expect(paretoExpectedCumulative(PARETO, t)).toBeCloseTo((r / alpha) * simpson((u) => (beta / (beta + u)) ** s, 0, t), 9);
    }
  });

  it('conditional expectation is P(alive) × posterior rate × expected time alive', () => {
    const alive = paretoPAlive(PARETO, x, tx, T);
    for (const t of [5, 52]) {
      const got = paretoConditionalExpected(PARETO, t, x, tx, T);
      for (let i = 0; i < x.length; i++) {
        const aliveTime = simpson((u) => ((beta + T[i]!) / (beta + T[i]! + u)) ** s, 0, t);
        expect(got[i]).toBeCloseTo(alive[i]! * ((r + x[i]!) / (alpha + T[i]!)) * aliveTime, 9);
      }
    }
  });

  it('is continuous through s = 1', () => {
    const at = paretoConditionalExpected({ ...PARETO, s: 1 }, 20, x, tx, T);
    const near = paretoConditionalExpected({ ...PARETO, s: 1 + 1e-7 }, 20, x, tx, T);
    for (let i = 0; i < x.length; i++) expect(at[i]).toBeCloseTo(near[i]!, 6);
    expect(paretoExpectedCumulative({ ...PARETO, s: 1 }, 20)).toBeCloseTo((r / alpha) * beta * Math.log1p(20 / beta), 12);
  });
});

describe('Gamma-Gamma expected spend', () => {
  it('weighs the population mean against the customer\'s own mean by x', () => {
    const got = ggConditionalSpend(GG, x, zbar);
    const mean = (GG.p * GG.v) / (GG.q - 1);
    expect(ggMeanSpend(GG)).toBeCloseTo(mean, 12);
    expect(got[0]).toBeCloseTo(mean, 12);
    for (const i of [1, 2]) {
      const w = (GG.q - 1) / (GG.p * x[i]! + GG.q - 1);
      expect(got[i]).toBeCloseTo(w * mean + (1 - w) * zbar[i]!, 10);
    }
    expect(ggMeanSpend({ ...GG, q: 0.9 })).toBeNaN();
  });

  it.skipIf(!hasCdnow('clv-predict'))('matches the lifetimes documentation on CDNOW', () => {
    // lifetimes (CamDavidsonPilon/lifetimes) docs, "Estimating customer lifetime value using the Gamma-Gamma model":
    // conditional_expected_average_profit of customers 1, 2, 3 and 6 after fitting on the same summary.
    const s = readCdnowSummary();
    const fit = fitGammaGamma(s.x, s.zbar).params;
    const got = ggConditionalSpend(fit, s.x.subarray(0, 6), s.zbar.subarray(0, 6));
    const want = [24.658619, 18.911489, 35.170981, 35.170981, 35.170981, 71.462843];
    for (let i = 0; i < 6; i++) expect(Math.abs(got[i]! - want[i]!) / want[i]!).toBeLessThan(1e-4);
  });
});

describe('clv', () => {
  const summary = { x, tx, T, zbar };
  it('without discount is expected purchases over the horizon × spend × margin', () => {
    const spend = ggConditionalSpend(GG, x, zbar);
    const purchases = bgnbdConditionalExpected(BG, 12 * WEEKS_PER_MONTH, x, tx, T);
    const got = clv({ counts: 'bgnbd', params: BG, gg: GG, summary, months: 12, monthlyDiscount: 0, margin: 0.3 });
    for (let i = 0; i < x.length; i++) expect(got[i]).toBeCloseTo(purchases[i]! * spend[i]! * 0.3, 9);
  });
  it('discounts each month\'s purchases at its end', () => {
    const spend = Float64Array.of(10, 20, 30);
    const got = clv({ counts: 'pareto', params: PARETO, gg: spend, summary, months: 6, monthlyDiscount: 0.02, margin: 1 });
    const want = new Float64Array(3);
    for (let m = 1; m <= 6; m++) {
      const now = paretoConditionalExpected(PARETO, m * WEEKS_PER_MONTH, x, tx, T);
      const before = paretoConditionalExpected(PARETO, (m - 1) * WEEKS_PER_MONTH, x, tx, T);
      for (let i = 0; i < 3; i++) want[i]! += ((now[i]! - before[i]!) * spend[i]!) / 1.02 ** m;
    }
    for (let i = 0; i < 3; i++) expect(got[i]).toBeCloseTo(want[i]!, 10);
    expect(WEEKS_PER_MONTH).toBeCloseTo(30.4375 / 7, 12);
  });
  it('says when the spend does not fit the customers', () => {
    expect(() => clv({ counts: 'bgnbd', params: BG, gg: Float64Array.of(1), summary, months: 1, monthlyDiscount: 0, margin: 1 })).toThrow(/3 customers/);
  });
});
