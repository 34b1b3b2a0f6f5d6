/**
 * Maximum-likelihood fits on the CDNOW sample against reference.md, "Customer
 * lifetime value (cdnow sample, the published BG/NBD set-up)":
 *   BG/NBD       r = 0.243, alpha = 4.414, a = 0.793, b = 2.426; log-likelihood −9,582.43
 *   Pareto/NBD   r = 0.553, alpha = 10.578, s = 0.606, beta = 11.669
 *   Gamma-Gamma  p = 6.25, q = 3.74, v = 15.44
 * "A correct fit matches each parameter within 1 % and the log-likelihood within 0.1."
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { fitBgNbd } from '../../src/ml/clv/bgnbd.ts';
import { fitLifetimeInline, MIN_SPEND_CUSTOMERS, type LifetimeProgress } from '../../src/ml/clv/fit.ts';
import { fitGammaGamma } from '../../src/ml/clv/gamma-gamma.ts';
import { fitParetoNbd } from '../../src/ml/clv/pareto.ts';
import type { CalibrationSummary } from '../../src/ml/clv/types.ts';
import { hasCdnow, readCdnowSummary } from './clv-data.ts';

const REFERENCE = {
  bgnbd: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 },
  bgnbdLogLik: -9582.43,
  pareto: { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 },
  gammaGamma: { p: 6.25, q: 3.74, v: 15.44 },
};

function expectWithin1Percent(got: object, want: Record<string, number>): void {
  for (const [k, v] of Object.entries(want)) {
    const g = (got as Record<string, number>)[k]!;
    expect(Math.abs(g - v) / v, `${k} = ${g}, reference ${v}`).toBeLessThan(0.01);
  }
}

describe.skipIf(!hasCdnow('clv-fit'))('CDNOW sample (2,357 customers, 39-week calibration)', () => {
  let summary: CalibrationSummary;
  beforeAll(() => {
    summary = readCdnowSummary();
    expect(summary.x.length).toBe(2357);
  });

  it('BG/NBD matches the published fit and log-likelihood', () => {
    const fit = fitBgNbd(summary);
    expectWithin1Percent(fit.params, REFERENCE.bgnbd);
    expect(Math.abs(fit.logLik - REFERENCE.bgnbdLogLik)).toBeLessThan(0.1);
    expect(fit.converged).toBe(true);
    expect(fit.restarts).toBeGreaterThan(1);
  });

  it('Pareto/NBD matches the published fit', () => {
    const fit = fitParetoNbd(summary);
    expectWithin1Percent(fit.params, REFERENCE.pareto);
    expect(fit.converged).toBe(true);
  });

  it('Gamma-Gamma matches the published fit on customers with x > 0', () => {
    const fit = fitGammaGamma(summary.x, summary.zbar);
    expectWithin1Percent(fit.params, REFERENCE.gammaGamma);
    expect(fit.converged).toBe(true);
  });

  it('fitLifetimeInline fits all three and reports each restart', () => {
    const progress: LifetimeProgress[] = [];
    const fit = fitLifetimeInline(summary, { onProgress: (p) => progress.push(p) });
    expectWithin1Percent(fit.bgnbd.params, REFERENCE.bgnbd);
    expectWithin1Percent(fit.pareto.params, REFERENCE.pareto);
    expectWithin1Percent(fit.gammaGamma!.params, REFERENCE.gammaGamma);
    expect(new Set(progress.map((p) => p.model))).toEqual(new Set(['bgnbd', 'pareto', 'gammaGamma']));
    expect(progress.filter((p) => p.model === 'bgnbd').map((p) => p.restart)).toEqual([1, 2, 3, 4]);
  });

  it('an abort stops the fit between iterations with an AbortError', () => {
    const controller = new AbortController();
    const seen: LifetimeProgress[] = [];
    const started = performance.now();
    expect(() =>
      fitLifetimeInline(summary, {
        signal: controller.signal,
        onProgress: (p) => {
          seen.push(p);
          if (p.model === 'pareto') controller.abort();
        },
      }),
    ).toThrowError(expect.objectContaining({ name: 'AbortError' }) as Error);
    expect(seen.at(-1)).toEqual({ model: 'pareto', restart: 1, of: 4 });
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});

describe('fitLifetimeInline without enough spenders', () => {
  it('skips the spend model and says why', () => {
    // Three customers, one with a repeat purchase: counts can be fitted, spend cannot.
    const summary = { x: Float64Array.of(0, 2, 0), tx: Float64Array.of(0, 10, 0), T: Float64Array.of(30, 30, 20), zbar: Float64Array.of(NaN, 12, NaN) };
    const fit = fitLifetimeInline(summary);
    expect(fit.gammaGamma).toBeNull();
    expect(fit.ggSkipped).toContain(String(MIN_SPEND_CUSTOMERS));
    expect(Number.isFinite(fit.bgnbd.logLik)).toBe(true);
  });
  it('with no repeat purchase at all, ends at the edge where P(x = 0) → 1', () => {
    const n = 200;
    const summary = { x: new Float64Array(n), tx: new Float64Array(n), T: Float64Array.from({ length: n }, (_, i) => 10 + (i % 30)), zbar: new Float64Array(n).fill(NaN) };
    const fit = fitLifetimeInline(summary);
    // Every customer's likelihood is at most 1, so the best total is 0 (approached, never reached).
    expect(fit.bgnbd.logLik).toBeLessThan(1e-6); // 0 up to rounding at such extreme parameters
    expect(fit.bgnbd.logLik).toBeGreaterThan(-1e-3);
    expect(fit.pareto.logLik).toBeGreaterThan(-1e-3);
    // r → 0 has no finite maximum: the fits stop at the edge of the search box and say so.
    expect(fit.bgnbd.converged).toBe(false);
    expect(fit.pareto.converged).toBe(false);
    expect(fit.gammaGamma).toBeNull();
  });
  it('rejects impossible counts, naming the customer', () => {
    const bad = { x: Float64Array.of(1, 2), tx: Float64Array.of(5, 40), T: Float64Array.of(30, 30), zbar: Float64Array.of(3, 4) };
    expect(() => fitLifetimeInline(bad)).toThrow(/Customer 2/);
  });
  it('is aborted before it starts when the signal already is', () => {
    const summary = { x: Float64Array.of(1), tx: Float64Array.of(1), T: Float64Array.of(2), zbar: Float64Array.of(1) };
    expect(() => fitLifetimeInline(summary, { signal: AbortSignal.abort() })).toThrowError(expect.objectContaining({ name: 'AbortError' }) as Error);
  });
});
