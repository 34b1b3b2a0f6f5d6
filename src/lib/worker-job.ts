/**
 * One job in its own worker: post the request, pass progress on, settle with
 * the result or the error, and end the worker whatever happens (done, failed,
 * cancelled), so a cancel stops the work at once. The lifetime-value fits and
 * the text analysis run through it.
 */
import { abortError, deserializeError, type SerializedError } from './errors.ts';

/** What a job's worker answers: progress now and then, then the result or an error. */
export type JobResponse<P, R> =
  | { type: 'progress'; id: number; progress: P }
  | { type: 'done'; id: number; result: R }
  | { type: 'error'; id: number; error: SerializedError };

/** The part of a Worker a job uses; tests pass an in-process stand-in. */
export interface JobWorker<Q, P, R> {
  postMessage(message: Q, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<JobResponse<P, R>>) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
  terminate(): void;
}

export interface JobOptions<Q, P, R> {
  spawn: () => JobWorker<Q, P, R>;
  /**
   * The request for this job's id; a promise of it lets the worker start (load its code) while the
   * request is still being made. A promise that rejects ends the job with its error.
   */
  request: (id: number) => Q | Promise<Q>;
  /** Buffers of the request to move to the worker instead of copying. */
  transfer?: (request: Q) => Transferable[];
  signal?: AbortSignal | undefined;
  onProgress?: ((progress: P) => void) | undefined;
  /** Says which worker failed, e.g. "The text-analysis worker". */
  name: string;
}

let nextId = 1;

/** Rejects with an AbortError when `signal` aborts, with the worker's own Error when it fails. */
export function runWorkerJob<Q, P, R>(o: JobOptions<Q, P, R>): Promise<R> {
  return new Promise((resolve, reject) => {
    if (o.signal?.aborted) return reject(abortError());
    const id = nextId++;
    const worker = o.spawn();
    let settled = false;
    const finish = (): boolean => {
      if (settled) return false;
      settled = true;
      o.signal?.removeEventListener('abort', onAbort);
      worker.onmessage = null;
      worker.onerror = null;
      worker.terminate();
      return true;
    };
    const onAbort = (): void => {
      if (finish()) reject(abortError());
    };
    o.signal?.addEventListener('abort', onAbort, { once: true });
    worker.onmessage = (event) => {
      const m = event.data;
      if (m.id !== id || settled) return;
      if (m.type === 'progress') o.onProgress?.(m.progress);
      else if (m.type === 'done') {
        if (finish()) resolve(m.result);
      } else if (finish()) reject(deserializeError(m.error));
    };
    worker.onerror = (event) => {
      if (finish()) reject(new Error(`${o.name} failed: ${event.message || 'unknown error'}`));
    };
    const fail = (e: unknown): void => {
      if (finish()) reject(e instanceof Error ? e : new Error(String(e)));
    };
    const post = (request: Q): void => {
      if (settled) return;
      try {
        worker.postMessage(request, o.transfer?.(request) ?? []);
      } catch (e) {
        fail(e);
      }
    };
    try {
      const request = o.request(id);
      if (request instanceof Promise) request.then(post, fail);
      else post(request);
    } catch (e) {
      fail(e);
    }
  });
}
