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
