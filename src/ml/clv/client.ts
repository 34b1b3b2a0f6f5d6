/**
 * Main-thread side of the lifetime-value fits: each call starts its own module
 * worker (bundled by Vite) and ends it when the fit is done, fails or is
 * cancelled, so a cancel stops the work at once.
 */
import { runWorkerJob, type JobWorker } from '../../lib/worker-job.ts';
import type { FitInput, LifetimeProgress } from './fit.ts';
import type { LifetimeRequest } from './protocol.ts';
import type { LifetimeFit } from './types.ts';
import LifetimeWorker from './worker.ts?worker';

export { fitLifetimeInline, type LifetimeProgress, type FitLifetimeOptions } from './fit.ts';

/** The part of a Worker the client uses; tests pass an in-process stand-in. */
export type WorkerLike = JobWorker<LifetimeRequest, LifetimeProgress, LifetimeFit>;

export interface FitLifetimeClientOptions {
  signal?: AbortSignal;
  onProgress?: (progress: LifetimeProgress) => void;
  /**
   * Hand the summary's own buffers to the worker (they are empty here afterwards) instead of
   * transferring copies; for a caller that has no further use for them.
   */
  transfer?: boolean;
  /** Starts the worker; tests replace it. */
  spawn?: () => WorkerLike;
}

/** Fits BG/NBD, Pareto/NBD and Gamma-Gamma in a worker. Rejects with an AbortError when `signal` aborts. */
export function fitLifetime(summary: FitInput, options: FitLifetimeClientOptions = {}): Promise<LifetimeFit> {
  const { signal, onProgress, transfer = false, spawn = () => new LifetimeWorker() as unknown as WorkerLike } = options;
  const own = (a: Float64Array): Float64Array => (transfer ? a : a.slice());
  return runWorkerJob<LifetimeRequest, LifetimeProgress, LifetimeFit>({
    spawn,
    signal,
    onProgress,
    name: 'The lifetime-value worker',
    request: (id) => ({ type: 'fit', id, x: own(summary.x), tx: own(summary.tx), T: own(summary.T), zbar: own(summary.zbar) }),
    transfer: (m) => [...new Set([m.x.buffer, m.tx.buffer, m.T.buffer, m.zbar.buffer])] as ArrayBuffer[],
  });
}
