/**
 * Main-thread side of the churn worker. The worker (and with it TensorFlow.js)
 * is spawned on the first `train`, not on import.
 */
import { abortError, deserializeError } from '../lib/errors.ts';
import type { ChurnRequest, ChurnResponse, ChurnResult, EpochProgress, TrainPayload } from './protocol.ts';
import ChurnWorker from './worker.ts?worker';

/** The part of a Worker the client uses; tests pass an in-process stand-in. */
export interface WorkerLike {
  postMessage(message: ChurnRequest): void;
  onmessage: ((event: MessageEvent<ChurnResponse>) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
  terminate(): void;
}

export interface ChurnTrainer {
  /** Train on the worker; `onProgress` is called once per epoch. Rejects with an AbortError if cancelled. */
  train(payload: TrainPayload, onProgress?: (progress: EpochProgress) => void, signal?: AbortSignal): Promise<ChurnResult>;
  /** Cancel every running train: each promise rejects with an AbortError at once; the worker stops before its next epoch. */
  cancel(): void;
  /** Cancel everything and end the worker. */
  dispose(): void;
}

interface Pending {
  resolve: (result: ChurnResult) => void;
  reject: (error: Error) => void;
  onProgress: ((progress: EpochProgress) => void) | undefined;
  /** Detaches the caller's AbortSignal listener. */
  detach: () => void;
}

export function createChurnTrainer(spawn: () => WorkerLike = () => new ChurnWorker()): ChurnTrainer {
  let worker: WorkerLike | undefined;
  let nextId = 1;
  const pending = new Map<number, Pending>();

  function settle(id: number): Pending | undefined {
    const p = pending.get(id);
    pending.delete(id);
    p?.detach();
    return p;
  }

  function onMessage(message: ChurnResponse): void {
    switch (message.type) {
      case 'progress': {
        const { epoch, epochs, loss } = message;
        pending.get(message.id)?.onProgress?.({ epoch, epochs, loss });
        return;
      }
      case 'result':
        settle(message.id)?.resolve(message.result);
        return;
      case 'error':
        settle(message.id)?.reject(deserializeError(message.error));
        return;
      default:
        message satisfies never;
    }
  }

  function connect(): WorkerLike {
    if (worker) return worker;
    const w = spawn();
    w.onmessage = (event) => onMessage(event.data);
    w.onerror = (event) => {
      // The worker failed outside any request (e.g. its script did not load): nothing pending can finish.
      const error = new Error(`Churn model worker failed: ${event.message || 'unknown error'}`);
      for (const id of [...pending.keys()]) settle(id)?.reject(error);
      w.terminate();
      worker = undefined;
    };
    worker = w;
    return w;
  }

  function cancelOne(id: number): void {
    const p = settle(id);
    if (!p) return;
    worker?.postMessage({ type: 'cancel', id });
    p.reject(abortError('Training cancelled'));
  }

  function cancel(): void {
    for (const id of [...pending.keys()]) cancelOne(id);
  }

  return {
    train(payload, onProgress, signal) {
      if (signal?.aborted) return Promise.reject(abortError('Training cancelled'));
      const id = nextId++;
      const onAbort = (): void => cancelOne(id);
      signal?.addEventListener('abort', onAbort, { once: true });
      const detach = (): void => signal?.removeEventListener('abort', onAbort);
      const result = new Promise<ChurnResult>((resolve, reject) => pending.set(id, { resolve, reject, onProgress, detach }));
      try {
        connect().postMessage({ type: 'train', id, payload });
      } catch (e) {
        // e.g. a DataCloneError: the payload cannot be copied to the worker.
        settle(id)?.reject(e instanceof Error ? e : new Error(String(e)));
      }
      return result;
    },
    cancel,
    dispose() {
      cancel();
      worker?.terminate();
      worker = undefined;
    },
  };
}
