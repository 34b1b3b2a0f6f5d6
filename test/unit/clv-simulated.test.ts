/**
 * Fits on data simulated from the models themselves (seeded), where the true
 * parameters are known: frequent buyers with long lifetimes put α and β
 * hundreds of times apart, where the Pareto/NBD likelihood leaves its 2F1 series
 * for quadrature.
 */
import { describe, expect, it } from 'vitest';
import { Random } from '../../src/lib/random.ts';
import { fitBgNbd } from '../../src/ml/clv/bgnbd.ts';
import { fitParetoNbd } from '../../src/ml/clv/pareto.ts';

interface Simulated { x: Float64Array; tx: Float64Array; T: Float64Array }

/** Pareto/NBD: λ ~ Gamma(r, 1/α), μ ~ Gamma(s, 1/β), Poisson purchases at λ until an Exp(μ) death or T. */
function simulatePareto(seed: string, n: number, p: { r: number; alpha: number; s: number; beta: number }): Simulated {
  const rng = new Random(seed);
  const out = { x: new Float64Array(n), tx: new Float64Array(n), T: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    const lambda = rng.gamma(p.r, 1 / p.alpha);
    const mu = rng.gamma(p.s, 1 / p.beta);
    const T = rng.uniform(26, 104);
    const end = Math.min(T, rng.exponential(mu));
    let t = 0;
    let x = 0;
    let last = 0;
    for (;;) {
      t += rng.exponential(lambda);
      if (t > end) break;
      x++;
      last = t;
    }
    out.x[i] = x;
    out.tx[i] = last;
    out.T[i] = T;
  }
  return out;
}

/** BG/NBD: λ ~ Gamma(r, 1/α), p ~ Beta(a, b); after each purchase the customer leaves with probability p. */
function simulateBgNbd(seed: string, n: number, q: { r: number; alpha: number; a: number; b: number }): Simulated {
  const rng = new Random(seed);
  const out = { x: new Float64Array(n), tx: new Float64Array(n), T: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    const lambda = rng.gamma(q.r, 1 / q.alpha);
    const ga = rng.gamma(q.a);
    const p = ga / (ga + rng.gamma(q.b));
    const T = rng.uniform(26, 104);
    let t = 0;
    let x = 0;
    let last = 0;
    for (;;) {
      t += rng.exponential(lambda);
      if (t > T) break;
      x++;
      last = t;
      if (rng.float() < p) break;
    }
    out.x[i] = x;
    out.tx[i] = last;
    out.T[i] = T;
  }
  return out;
}

const relErr = (got: number, want: number): number => Math.abs(got - want) / want;

describe('fits on simulated customers recover the truth', () => {
  it('Pareto/NBD with α and β ~600 times apart', () => {
    // 1.5 purchases a week, lifetimes of ~300 weeks.
    const truth = { r: 1.5, alpha: 1, s: 2, beta: 600 };
    const fit = fitParetoNbd(simulatePareto('clv-sim-pareto', 4000, truth));
    const p = fit.params;
    expect(fit.converged).toBe(true);
    // The mean purchase rate r/α is pinned down tightly; the death side less so (few deaths seen in two years).
    expect(relErr(p.r / p.alpha, truth.r / truth.alpha)).toBeLessThan(0.05);
    expect(relErr(p.r, truth.r)).toBeLessThan(0.2);
    expect(relErr(p.s / p.beta, truth.s / truth.beta)).toBeLessThan(0.3);
    expect(p.beta / p.alpha).toBeGreaterThan(100);
  });

  it('BG/NBD', () => {
    const truth = { r: 0.8, alpha: 6, a: 0.9, b: 3 };
    const fit = fitBgNbd(simulateBgNbd('clv-sim-bgnbd', 4000, truth));
    const p = fit.params;
    expect(fit.converged).toBe(true);
    expect(relErr(p.r / p.alpha, truth.r / truth.alpha)).toBeLessThan(0.1);
    expect(relErr(p.r, truth.r)).toBeLessThan(0.2);
    expect(relErr(p.a / (p.a + p.b), truth.a / (truth.a + truth.b))).toBeLessThan(0.2);
  });
});
