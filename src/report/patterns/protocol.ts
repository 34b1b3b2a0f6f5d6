/**
 * The patterns worker's messages: one request per analysis, cancel, and one
 * answer per request. Errors cross as `{name, message, stack}` and become
 * real Errors on the page's side.
 */
import type { Transactions } from '../../metrics/transactions.ts';
import type { Grain, Series } from '../../metrics/forecast.ts';
import type { SerializedError } from '../../lib/errors.ts';
import { computeClusters, computeForecast, computeRules, type Behaviour, type Clusters, type Forecasted, type MinedRules, type OnProgress } from './compute.ts';

export type PatternsRequest =
  | { type: 'rules'; id: number; tx: Transactions; minSupport: number; minConfidence: number }
  | { type: 'clusters'; id: number; behaviour: Behaviour; lang: 'en' | 'zh'; k?: number }
  | { type: 'forecast'; id: number; series: Series; grain: Grain };

export interface PatternsResults {
  rules: MinedRules;
  clusters: Clusters;
  forecast: Forecasted | null;
}

export type PatternsResponse =
  | { type: 'done'; id: number; result: PatternsResults[keyof PatternsResults] }
  | { type: 'error'; id: number; error: SerializedError }
  | { type: 'progress'; id: number; fraction: number };

/** What the worker does with a request: the dispatcher's whole logic, callable in-process too. */
export function handlePatterns(req: PatternsRequest, onProgress?: OnProgress): PatternsResults[keyof PatternsResults] {
  return HANDLERS[req.type](req as never, onProgress);
}

const HANDLERS: { [K in PatternsRequest['type']]: (req: Extract<PatternsRequest, { type: K }>, onProgress?: OnProgress) => PatternsResults[K] } = {
  rules: (r, p) => computeRules(r.tx, r.minSupport, r.minConfidence, p),
  clusters: (r, p) => computeClusters(r.behaviour, r.lang, r.k, p),
  forecast: (r) => computeForecast(r.series, r.grain),
};
