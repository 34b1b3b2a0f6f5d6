/**
 * The contract between the lifetime-value SQL summary (src/metrics/clv-summary.ts),
 * the fitting code (src/ml/clv/) and the Value page (src/report/value.ts).
 * Time is in weeks (days / 7) unless a field says otherwise.
 */

/** One customer per index; the summary the BG/NBD paper fits, for one calibration end. */
export interface CalibrationSummary {
  ids: string[];
  /** Repeat purchases in the calibration period, counted per distinct day (first purchase not counted). */
  x: Float64Array;
  /** Time of the last purchase, from the first purchase (0 when x = 0). */
  tx: Float64Array;
  /** Time from the first purchase to the calibration end. */
  T: Float64Array;
  /** Mean spend of the repeat purchases in calibration (NaN when x = 0). */
  zbar: Float64Array;
}

export interface BgNbdParams { r: number; alpha: number; a: number; b: number }
export interface ParetoNbdParams { r: number; alpha: number; s: number; beta: number }
export interface GammaGammaParams { p: number; q: number; v: number }

export interface FitResult<P> {
  params: P;
  /** Total log-likelihood at `params`. */
  logLik: number;
  /** False when no restart met the tolerance within its iteration budget: the UI says so. */
  converged: boolean;
  iterations: number;
  restarts: number;
  ms: number;
}

/** What the fitting worker returns for one calibration summary. */
export interface LifetimeFit {
  bgnbd: FitResult<BgNbdParams>;
  pareto: FitResult<ParetoNbdParams>;
  /** Null when too few customers have a repeat purchase (x > 0) to fit spend; `ggSkipped` says why. */
  gammaGamma: FitResult<GammaGammaParams> | null;
  ggSkipped?: string;
}

/*
 * Planned module surface (src/ml/clv/), so the page can be written against it:
 *   client.ts   fitLifetime(summary, { signal?, onProgress?({ model, restart, of }) }): Promise<LifetimeFit>   (runs in a worker)
 *   predict.ts  pure functions, vectorised over the summary's Float64Arrays:
 *     bgnbdPAlive(p, x, tx, T): Float64Array
 *     bgnbdConditionalExpected(p, t, x, tx, T): Float64Array     purchases expected in the next t weeks
 *     bgnbdExpectedCumulative(p, t): number                      E[X(t)] for a customer who first bought at time 0
 *     paretoPAlive / paretoConditionalExpected / paretoExpectedCumulative: the same for Pareto/NBD
 *     ggConditionalSpend(p, x, zbar): Float64Array               expected spend per purchase (population mean where x = 0)
 *     clv({ counts: 'bgnbd' | 'pareto', params, gg, summary, months, monthlyDiscount, margin }): Float64Array
 */
