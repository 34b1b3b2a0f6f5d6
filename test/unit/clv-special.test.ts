import { describe, expect, it } from 'vitest';
import { hyp2f1, hyp2f1Minus1, lgamma, logAddExp, logIntegrateConcave, logSubExp, logSumExp } from '../../src/ml/clv/special.ts';
import { minimizePositive, minimizeWithRestarts, nelderMead } from '../../src/ml/clv/optimize.ts';
import { compressCounts, thinCounts } from '../../src/ml/clv/rows.ts';

/** Γ(n) for whole n and Γ(n + ½) = (2n)! √π / (4^n n!), as plain products. */
function gammaExact(x: number): number {
  let g = Number.isInteger(x) ? 1 : Math.sqrt(Math.PI);
  for (let y = Number.isInteger(x) ? 1 : 0.5; y < x; y++) g *= y;
  return g;
}

describe('lgamma', () => {
  it('matches Γ at whole and half-whole points to ~1e-13', () => {
    for (const x of [0.5, 1, 1.5, 2, 2.5, 3, 4.5, 7, 9.5, 10, 10.5, 15, 25.5, 60, 120.5]) {
      expect(Math.abs(lgamma(x) - Math.log(gammaExact(x)))).toBeLessThan(1e-13 * Math.max(1, Math.abs(Math.log(gammaExact(x)))));
    }
  });
  it('is exactly 0 near 1 and 2 to within rounding, and right at tabulated irrational points', () => {
    expect(Math.abs(lgamma(1))).toBeLessThan(1e-15);
    expect(Math.abs(lgamma(2))).toBeLessThan(1e-15);
    // Γ(1/3) = 2.678938534707748…, Γ(1/4) = 3.625609908221908… (Abramowitz & Stegun 6.1.10–11).
    expect(lgamma(1 / 3)).toBeCloseTo(Math.log(2.678938534707748), 13);
    expect(lgamma(0.25)).toBeCloseTo(Math.log(3.625609908221908), 13);
    // Reflection: Γ(−½) = −2√π.
    expect(lgamma(-0.5)).toBeCloseTo(Math.log(2 * Math.sqrt(Math.PI)), 13);
    expect(lgamma(0)).toBeNaN();
    expect(lgamma(-2)).toBeNaN();
  });
  it('is continuous across the method boundaries (3 and 10)', () => {
    for (const b of [3, 10]) expect(Math.abs(lgamma(b - 1e-12) - lgamma(b + 1e-12))).toBeLessThan(1e-10);
  });
});

describe('log-sum-exp', () => {
  it('adds and subtracts in logs without overflow', () => {
    expect(logAddExp(Math.log(2), Math.log(3))).toBeCloseTo(Math.log(5), 14);
    expect(logAddExp(1000, 1000)).toBeCloseTo(1000 + Math.log(2), 12);
    expect(logAddExp(-Infinity, 3)).toBe(3);
    expect(logSubExp(Math.log(5), Math.log(3))).toBeCloseTo(Math.log(2), 14);
    expect(logSubExp(2, 2)).toBe(-Infinity);
    expect(logSumExp([Math.log(1), Math.log(2), Math.log(3)])).toBeCloseTo(Math.log(6), 14);
    expect(logSumExp([-1000, -1000])).toBeCloseTo(-1000 + Math.log(2), 12);
  });
});

describe('hyp2f1', () => {
  it('matches closed forms', () => {
    for (const z of [0, 0.1, 0.5, 0.9, 0.99]) {
      // 2F1(1,1;2;z) = −ln(1−z)/z
      expect(hyp2f1(1, 1, 2, z)).toBeCloseTo(z === 0 ? 1 : -Math.log1p(-z) / z, 11);
      // 2F1(a,b;b;z) = (1−z)^−a
      expect(hyp2f1(0.7, 2.3, 2.3, z)).toBeCloseTo((1 - z) ** -0.7, 10);
      // 2F1(½,1;3/2;z²) = artanh(z)/z
      const w = Math.sqrt(z);
      expect(hyp2f1(0.5, 1, 1.5, z)).toBeCloseTo(w === 0 ? 1 : Math.atanh(w) / w, 11);
    }
  });
  it('keeps digits when 1 is subtracted, and is NaN outside [0, 1)', () => {
    const z = 1e-9;
    expect(hyp2f1Minus1(1, 1, 2, z) / (-Math.log1p(-z) / z - 1)).toBeCloseTo(1, 6);
    expect(hyp2f1Minus1(2, 3, 4, 1e-12) / ((2 * 3 * 1e-12) / 4)).toBeCloseTo(1, 10);
    expect(hyp2f1(1, 1, 2, 1)).toBeNaN();
    expect(hyp2f1(1, 1, 2, -0.5)).toBeNaN();
    expect(hyp2f1(1, 1, -2, 0.5)).toBeNaN();
  });
});

describe('logIntegrateConcave', () => {
  it('integrates exponentials and Gaussians of any width, in logs', () => {
    const line = (k: number) => logIntegrateConcave((v) => -k * v, () => -k, () => 0, 0, 1);
    expect(line(50)).toBeCloseTo(Math.log(-Math.expm1(-50) / 50), 13);
    expect(line(1e-3)).toBeCloseTo(Math.log(-Math.expm1(-1e-3) / 1e-3), 13);
    for (const c of [1, 1e6, 1e-4]) {
      const half = 30 / Math.sqrt(c);
      const got = logIntegrateConcave((v) => -c * (v - 0.3) ** 2, (v) => -2 * c * (v - 0.3), () => 2 * c, 0.3 - half, 0.3 + half);
      expect(got).toBeCloseTo(0.5 * Math.log(Math.PI / c), 12);
    }
    // e^(−1000 v) on [0, 1]: ln of about 1/1000, far below any overflow.
    expect(logIntegrateConcave((v) => 5000 - 1000 * v, () => -1000, () => 0, 0, 1)).toBeCloseTo(5000 + Math.log(1 / 1000), 10);
  });
});

describe('Nelder–Mead', () => {
  const rosenbrock = ([x, y]: number[]) => (1 - x!) ** 2 + 100 * (y! - x! * x!) ** 2;
  it('finds the Rosenbrock minimum and says it converged', () => {
    const r = minimizeWithRestarts(rosenbrock, [[-1.2, 1], [2, 2]]);
    expect(r.converged).toBe(true);
    expect(r.x[0]).toBeCloseTo(1, 5);
    expect(r.x[1]).toBeCloseTo(1, 5);
    expect(r.restarts).toBe(2);
  });
  it('says it did not converge when the budget runs out', () => {
    const r = nelderMead(rosenbrock, [-1.2, 1], { maxIterations: 5 });
    expect(r.converged).toBe(false);
    expect(r.iterations).toBe(5);
  });
  it('keeps positive parameters positive', () => {
    const seen: number[] = [];
    const r = minimizePositive(([a, b]) => {
      seen.push(a!, b!);
      return (Math.log(a!) - 2) ** 2 + (b! - 0.001) ** 2;
    }, [[1, 1]]);
    expect(Math.min(...seen)).toBeGreaterThan(0);
    expect(r.theta[0]).toBeCloseTo(Math.exp(2), 5);
    expect(r.converged).toBe(true);
  });
  it('does not call an end at the edge of the box converged', () => {
    const r = minimizePositive(([a]) => a!, [[1]]);
    expect(r.theta[0]).toBeLessThan(1e-8);
    expect(r.converged).toBe(false);
  });
  it('takes its answer from f, not from the coarse stand-in', () => {
    const coarse = ([x, y]: number[]) => (x! - 1.2) ** 2 + (y! - 0.8) ** 2;
    const r = minimizeWithRestarts(rosenbrock, [[-1.2, 1], [0, 0]], { coarse });
    expect(r.x[0]).toBeCloseTo(1, 5);
    expect(r.f).toBeCloseTo(rosenbrock(r.x), 15);
  });
  it('stops with an AbortError between iterations', () => {
    let calls = 0;
    expect(() => nelderMead(rosenbrock, [-1.2, 1], { shouldStop: () => ++calls > 3 })).toThrowError(expect.objectContaining({ name: 'AbortError' }) as Error);
    expect(calls).toBe(4);
  });
});

describe('weighted rows', () => {
  const x = Float64Array.from({ length: 400 }, (_, i) => (i < 300 ? 0 : i % 7));
  const T = Float64Array.from({ length: 400 }, (_, i) => (i < 300 ? 30 + (i % 3) : 20 + i / 50));
  const tx = Float64Array.from({ length: 400 }, (_, i) => (x[i] === 0 ? 0 : T[i]! / 2));
  it('groups identical (x, t_x, T) customers', () => {
    const c = compressCounts({ x, tx, T });
    expect(c.customers).toBe(400);
    expect(c.x.length).toBe(3 + 100);
    expect(Array.from(c.w.slice(0, 3))).toEqual([100, 100, 100]);
    expect(Array.from(c.xLevels)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    for (let i = 0; i < c.x.length; i++) expect(c.xLevels[c.xLevel[i]!]).toBe(c.x[i]);
  });
  it('thins to a subsample that keeps the heavy rows and the total weight', () => {
    const c = compressCounts({ x, tx, T });
    const t = thinCounts(c, 30);
    expect(t.x.length).toBeLessThanOrEqual(3 + Math.ceil(100 / 4));
    expect(Array.from(t.w.slice(0, 3))).toEqual([100, 100, 100]);
    expect(t.w.reduce((a, b) => a + b, 0)).toBeCloseTo(400, 10);
    expect(thinCounts(c, 1000)).toBe(c);
  });
});
