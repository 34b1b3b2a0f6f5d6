/**
 * Running pattern analyses off the page's thread. One worker per analysis, so
 * a newer request (another grain, new thresholds, a changed workspace) ends
 * the one it supersedes by ending its worker, and the three analyses compute
 * side by side. In Node (tests, the bench) the same handler runs in-process.
 */
import { abortError, deserializeError } from '../../lib/errors.ts';
import { handlePatterns, type PatternsRequest, type PatternsResponse, type PatternsResults } from './protocol.ts';
import type { OnProgress } from './compute.ts';

type Kind = PatternsRequest['type'];
export type PatternsJob<K extends Kind> = K extends Kind ? Omit<Extract<PatternsRequest, { type: K }>, 'id'> : never;

export interface PatternsRunner {
  /** `onProgress` hears the share done (0–1) now and then, where the analysis can tell. */
  run<K extends Kind>(job: PatternsJob<K>, signal?: AbortSignal, onProgress?: OnProgress): Promise<PatternsResults[K]>;
}

/** The part of a Worker the runner uses. */
export interface WorkerLike {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  terminate(): void;
  onmessage: ((event: MessageEvent<PatternsResponse>) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
}

/** Same thread: for Node, where the work is measured rather than kept off a UI. */
export const inlineRunner: PatternsRunner = {
  async run(job, signal, onProgress) {
    if (signal?.aborted) throw abortError();
    return handlePatterns({ ...job, id: 0 } as unknown as PatternsRequest, onProgress) as never;
  },
};

/**
 * Typed arrays built for one request move to the worker instead of being copied. Baskets move
 * too: the page keeps its own copy to mine again with other thresholds (`loadRules` slices them;
 * a slice is one memory copy, where cloning a million codes into the message held the page for a frame or more).
 */
function transferables(job: PatternsJob<Kind>): Transferable[] {
  if (job.type === 'clusters') return [job.behaviour.lastOrder.buffer, job.behaviour.firstOrder.buffer, job.behaviour.orders.buffer, job.behaviour.spend.buffer];
  if (job.type === 'rules') return [job.tx.offsets.buffer, job.tx.codes.buffer];
  return [];
}

/**
 * `slots`: analyses computing at once; the others wait their turn in the order asked. On a
 * machine with few cores, three workers beside DuckDB's and the page's own thread left the
 * page no core to paint on (frame gaps of half a second while nothing ran on the page).
 */
export function workerRunner(spawn: () => WorkerLike, slots = Infinity): PatternsRunner {
  const running = new Map<Kind, { worker: WorkerLike; reject: (e: Error) => void }>();
  /** Jobs waiting for a slot, by kind (a newer job of a kind replaces the one waiting). */
  const queued = new Map<Kind, { start: () => void; reject: (e: Error) => void }>();
  let nextId = 1;
  const next = (): void => {
    while (running.size < slots && queued.size > 0) {
      const [kind, job] = queued.entries().next().value!;
      queued.delete(kind);
      job.start();
    }
  };
  const stop = (kind: Kind, reason: Error): void => {
    const waiting = queued.get(kind);
    if (waiting) {
      queued.delete(kind);
      waiting.reject(reason);
    }
    const current = running.get(kind);
    if (!current) return;
    running.delete(kind);
    current.worker.terminate();
    current.reject(reason);
    next();
  };
  return {
    run(job, signal, onProgress) {
      return new Promise((resolve, reject) => {
        if (signal?.aborted) return reject(abortError());
        stop(job.type, abortError('Superseded by a newer request'));
        const onQueuedAbort = (): void => {
          if (queued.get(job.type)?.reject === reject) {
            queued.delete(job.type);
            reject(abortError());
          }
        };
        signal?.addEventListener('abort', onQueuedAbort, { once: true });
        queued.set(job.type, {
          reject,
          start: () => {
            signal?.removeEventListener('abort', onQueuedAbort);
            start(job, signal, onProgress, resolve, reject);
          },
        });
        next();
      });
    },
  };

  function start<K extends Kind>(job: PatternsJob<K>, signal: AbortSignal | undefined, onProgress: OnProgress | undefined, resolve: (r: PatternsResults[K]) => void, reject: (e: Error) => void): void {
    const worker = spawn();
    const id = nextId++;
    running.set(job.type, { worker, reject });
    const onAbort = (): void => {
      if (running.get(job.type)?.worker === worker) stop(job.type, abortError());
    };
    const finish = (): void => {
      signal?.removeEventListener('abort', onAbort);
      if (running.get(job.type)?.worker === worker) running.delete(job.type);
      worker.terminate();
      next();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.onmessage = (event) => {
      const m = event.data;
      if (m.id !== id) return;
      if (m.type === 'progress') return onProgress?.(m.fraction);
      finish();
      if (m.type === 'done') resolve(m.result as never);
      else reject(deserializeError(m.error));
    };
    worker.onerror = (event) => {
      finish();
      reject(new Error(event.message || 'The patterns worker failed to start'));
    };
    const request = { ...job, id } as unknown as PatternsRequest;
    try {
      worker.postMessage(request, transferables(job as PatternsJob<Kind>));
    } catch (e) {
      // e.g. a DataCloneError: this worker will never answer.
      finish();
      reject(e instanceof Error ? e : new Error(String(e)));
    }
  }
}
