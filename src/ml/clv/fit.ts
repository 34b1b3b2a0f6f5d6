/**
 * All three lifetime-value fits for one calibration summary, in-process. The
 * worker (worker.ts) is a shell around `fitLifetimeInline`; Node tests and the
 * bench call it directly.
 */
import { abortError } from '../../lib/errors.ts';
import { fitBgNbd } from './bgnbd.ts';
import { fitGammaGamma, spendRows } from './gamma-gamma.ts';
import { fitParetoNbd } from './pareto.ts';
import { compressCounts } from './rows.ts';
import type { CalibrationSummary, LifetimeFit } from './types.ts';

/** Fewer customers with a repeat purchase than this and the spend model is not fitted. */
export const MIN_SPEND_CUSTOMERS = 10;

export type LifetimeModel = 'bgnbd' | 'pareto' | 'gammaGamma';

export interface LifetimeProgress {
  model: LifetimeModel;
  /** 1-based restart of that model's optimiser. */
  restart: number;
  of: number;
}

export interface FitLifetimeOptions {
  signal?: AbortSignal;
  onProgress?: (progress: LifetimeProgress) => void;
}

/** The columns the fits read (ids stay on the page). */
export type FitInput = Pick<CalibrationSummary, 'x' | 'tx' | 'T' | 'zbar'>;

export function fitLifetimeInline(summary: FitInput, options: FitLifetimeOptions = {}): LifetimeFit {
  const { signal, onProgress } = options;
  if (signal?.aborted) throw abortError();
  if (summary.zbar.length !== summary.x.length) throw new Error(`Summary columns differ in length: x ${summary.x.length}, zbar ${summary.zbar.length}`);
  if (summary.x.length === 0) throw new Error('No customers to fit: the calibration summary is empty');
  const shouldStop = (): boolean => signal?.aborted ?? false;
  const step = (model: LifetimeModel) => ({ shouldStop, onRestart: (restart: number, of: number) => onProgress?.({ model, restart, of }) });
  const counts = compressCounts(summary);
  const bgnbd = fitBgNbd(counts, step('bgnbd'));
  const pareto = fitParetoNbd(counts, step('pareto'));
  const spenders = spendRows(summary.x, summary.zbar).x.length;
  if (spenders < MIN_SPEND_CUSTOMERS) {
    return { bgnbd, pareto, gammaGamma: null, ggSkipped: `Only ${spenders} customers have a repeat purchase with a positive spend; the spend model needs at least ${MIN_SPEND_CUSTOMERS}.` };
  }
  return { bgnbd, pareto, gammaGamma: fitGammaGamma(summary.x, summary.zbar, step('gammaGamma')) };
}
