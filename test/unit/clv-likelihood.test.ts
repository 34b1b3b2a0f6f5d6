/**
 * Per-customer log-likelihoods of the three lifetime-value models against the
 * models' likelihoods written out directly: products instead of log-gamma,
 * and for Pareto/NBD a numerical integral over the death time instead of 2F1.
 */
import { describe, expect, it } from 'vitest';
import { bgnbdLogLik, bgnbdTotalLogLik } from '../../src/ml/clv/bgnbd.ts';
import { ggLogLik, ggTotalLogLik } from '../../src/ml/clv/gamma-gamma.ts';
import { paretoLogLik, paretoTotalLogLik } from '../../src/ml/clv/pareto.ts';
import { compressCounts } from '../../src/ml/clv/rows.ts';
import type { BgNbdParams, ParetoNbdParams } from '../../src/ml/clv/types.ts';

/** Π_{k<n} (v + k) = Γ(v + n) / Γ(v). */
const rising = (v: number, n: number): number => {
  let p = 1;
  for (let k = 0; k < n; k++) p *= v + k;
  return p;
};

/** Γ(n) for whole n, Γ(n + ½) by (n − ½)(n − 3/2)… √π. */
function gammaExact(x: number): number {
  let g = Number.isInteger(x) ? 1 : Math.sqrt(Math.PI);
  for (let y = Number.isInteger(x) ? 1 : 0.5; y < x; y++) g *= y;
  return g;
}

/** Composite Simpson's rule on [lo, hi]. */
function simpson(f: (t: number) => number, lo: number, hi: number, n = 20_000): number {
  if (hi === lo) return 0;
  const h = (hi - lo) / n;
  let s = f(lo) + f(hi);
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * f(lo + i * h);
  return (s * h) / 3;
}

const customers = [
  { x: 0, tx: 0, T: 38.86 },
  { x: 3, tx: 20.5, T: 32.1 },
];

describe('BG/NBD likelihood', () => {
  const p: BgNbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
  /** Fader, Hardie & Lee (2005) eq. 6, with B(a, b+x)/B(a, b) and B(a+1, b+x−1)/B(a, b) as products. */
  function direct({ x, tx, T }: (typeof customers)[number]): number {
    const { r, alpha, a, b } = p;
    const lambda = (rising(r, x) * alpha ** r) / (alpha + T) ** (r + x);
    const stay = rising(b, x) / rising(a + b, x);
    let L = lambda * stay;
    if (x > 0) L += ((rising(r, x) * alpha ** r) / (alpha + tx) ** (r + x)) * ((a * rising(b, x - 1)) / rising(a + b, x));
    return Math.log(L);
  }
  it.each(customers)('matches the direct formula for x = $x', (c) => {
    expect(bgnbdLogLik(p, c.x, c.tx, c.T)).toBeCloseTo(direct(c), 11);
  });
  it('sums weighted rows to the per-customer total', () => {
    const all = [...customers, customers[0]!, customers[0]!, customers[1]!];
    const rows = compressCounts({ x: Float64Array.from(all, (c) => c.x), tx: Float64Array.from(all, (c) => c.tx), T: Float64Array.from(all, (c) => c.T) });
    expect(rows.x.length).toBe(2);
    expect(bgnbdTotalLogLik(p, rows)).toBeCloseTo(all.reduce((s, c) => s + direct(c), 0), 9);
  });
});

describe('Pareto/NBD likelihood', () => {
  /** Γ(r+x)/Γ(r) α^r β^s [ (α+T)^−(r+x) (β+T)^−s + ∫_{t_x}^T s (α+τ)^−(r+x) (β+τ)^−(s+1) dτ ] */
  function direct(p: ParetoNbdParams, { x, tx, T }: (typeof customers)[number]): number {
    const { r, alpha, s, beta } = p;
    const alive = 1 / ((alpha + T) ** (r + x) * (beta + T) ** s);
    // Fine steps: with α or β near 0 the integrand is steep at τ = 0.
    const dead = simpson((tau) => (s / (alpha + tau) ** (r + x)) * (beta + tau) ** -(s + 1), tx, T, 400_000);
    return Math.log(rising(r, x) * alpha ** r * beta ** s * (alive + dead));
  }
  const sets: [string, ParetoNbdParams][] = [
    ['alpha < beta', { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 }],
    ['alpha > beta', { r: 1.3, alpha: 25, s: 0.4, beta: 3.2 }],
    ['alpha = beta', { r: 0.8, alpha: 7, s: 1.7, beta: 7 }],
    // 2F1 argument near 1 (α and β hundreds of times apart): taken by quadrature, not the series.
    ['alpha >> beta', { r: 2.5, alpha: 60, s: 0.7, beta: 0.2 }],
    ['alpha << beta', { r: 0.9, alpha: 0.15, s: 1.3, beta: 90 }],
  ];
  for (const [name, p] of sets) {
    it.each(customers)(`${name}: matches the integral for x = $x`, (c) => {
      expect(paretoLogLik(p, c.x, c.tx, c.T)).toBeCloseTo(direct(p, c), 9);
    });
  }
  it.each(sets)('%s: sums weighted rows to the per-customer total', (_, p) => {
    const all = [customers[1]!, customers[0]!, customers[1]!];
    const rows = compressCounts({ x: Float64Array.from(all, (c) => c.x), tx: Float64Array.from(all, (c) => c.tx), T: Float64Array.from(all, (c) => c.T) });
    expect(paretoTotalLogLik(p, rows)).toBeCloseTo(all.reduce((s, c) => s + direct(p, c), 0), 8);
  });
});

describe('Gamma-Gamma likelihood', () => {
  // p·x and q chosen so every Γ is a whole or half-whole point (gammaExact).
  const p = { p: 1.5, q: 2.5, v: 15.44 };
  /** f(zbar | x) = Γ(px+q) / (Γ(px) Γ(q)) v^q zbar^(px−1) x^px / (v + x zbar)^(px+q) */
  const direct = (x: number, z: number): number =>
    Math.log(((gammaExact(p.p * x + p.q) / (gammaExact(p.p * x) * gammaExact(p.q))) * p.v ** p.q * z ** (p.p * x - 1) * x ** (p.p * x)) / (p.v + x * z) ** (p.p * x + p.q));
  it.each([
    [1, 22.35],
    [3, 11.77],
  ])('matches the direct formula for x = %d', (x, z) => {
    expect(ggLogLik(p, x, z)).toBeCloseTo(direct(x, z), 11);
  });
  it('integrates to 1 over zbar (it is a density)', () => {
    const q = { p: 6.25, q: 3.74, v: 15.44 };
    // Substitute zbar = u / (1 − u) to integrate over (0, ∞).
    const mass = simpson((u) => (u <= 0 || u >= 1 ? 0 : Math.exp(ggLogLik(q, 2, u / (1 - u))) / (1 - u) ** 2), 0, 1, 200_000);
    expect(mass).toBeCloseTo(1, 6);
  });
  it('total skips nothing it is given', () => {
    const x = Float64Array.of(1, 3);
    const z = Float64Array.of(22.35, 11.77);
    expect(ggTotalLogLik(p, x, z)).toBeCloseTo(direct(1, 22.35) + direct(3, 11.77), 10);
  });
});
