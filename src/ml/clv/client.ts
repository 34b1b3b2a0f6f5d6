/**
 * Main-thread side of the lifetime-value fits: each call starts its own module
 * worker (bundled by Vite) and ends it when the fit is done, fails or is
 * cancelled, so a cancel stops the work at once.
 */
import { abortError, deserializeError } from '../../lib/errors.ts';
import type { FitInput, LifetimeProgress } from './fit.ts';
import type { LifetimeRequest, LifetimeResponse } from './protocol.ts';
import type { LifetimeFit } from './types.ts';
import LifetimeWorker from './worker.ts?worker';

export { fitLifetimeInline, type LifetimeProgress, type FitLifetimeOptions } from './fit.ts';

/** The part of a Worker the client uses; tests pass an in-process stand-in. */
export interface WorkerLike {
  postMessage(message: LifetimeRequest, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<LifetimeResponse>) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
  terminate(): void;
}

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

let nextId = 1;

/** Fits BG/NBD, Pareto/NBD and Gamma-Gamma in a worker. Rejects with an AbortError when `signal` aborts. */
export function fitLifetime(summary: FitInput, options: FitLifetimeClientOptions = {}): Promise<LifetimeFit> {
  const { signal, onProgress, transfer = false, spawn = () => new LifetimeWorker() as unknown as WorkerLike } = options;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    const id = nextId++;
    const worker = spawn();
    let settled = false;
    const finish = (): boolean => {
      if (settled) return false;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      worker.onmessage = null;
      worker.onerror = null;
      worker.terminate();
      return true;
    };
    const onAbort = (): void => {
      if (finish()) reject(abortError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.onmessage = (event) => {
      const m = event.data;
      if (m.id !== id || settled) return;
      if (m.type === 'progress') onProgress?.(m.progress);
      else if (m.type === 'done') {
        if (finish()) resolve(m.fit);
      } else if (finish()) reject(deserializeError(m.error));
    };
    worker.onerror = (event) => {
      if (finish()) reject(new Error(`The lifetime-value worker failed: ${event.message || 'unknown error'}`));
    };
    const own = (a: Float64Array): Float64Array => (transfer ? a : a.slice());
    const message: LifetimeRequest = { type: 'fit', id, x: own(summary.x), tx: own(summary.tx), T: own(summary.T), zbar: own(summary.zbar) };
    try {
      worker.postMessage(message, [...new Set([message.x.buffer, message.tx.buffer, message.T.buffer, message.zbar.buffer])] as ArrayBuffer[]);
    } catch (e) {
      if (finish()) reject(e instanceof Error ? e : new Error(String(e)));
    }
  });
}
