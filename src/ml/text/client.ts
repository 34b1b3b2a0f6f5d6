/**
 * Main-thread side of the text analysis: each call starts its own module
 * worker (bundled by Vite) and ends it when the analysis is done, fails or is
 * cancelled, so a cancel stops the work at once.
 */
import { abortError, deserializeError } from '../../lib/errors.ts';
import { DEFAULT_TEXT_OPTIONS } from './analyze.ts';
import type { TextRequest, TextResponse } from './protocol.ts';
import type { TextInput, TextOptions, TextProgress, TextResult } from './types.ts';
import TextWorker from './worker.ts?worker';

export type { TextInput, TextOptions, TextProgress, TextResult } from './types.ts';

/** The part of a Worker the client uses; tests pass an in-process stand-in. */
export interface WorkerLike {
  postMessage(message: TextRequest): void;
  onmessage: ((event: MessageEvent<TextResponse>) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
  terminate(): void;
}

export interface AnalyzeClientOptions {
  signal?: AbortSignal;
  onProgress?: (progress: TextProgress) => void;
  options?: TextOptions;
  spawn?: () => WorkerLike;
}

let nextId = 1;

/** Runs `analyzeTexts` in a worker. Rejects with an AbortError when `signal` aborts. */
export function analyzeTextsInWorker(input: TextInput, client: AnalyzeClientOptions = {}): Promise<TextResult> {
  const { signal, onProgress, options = DEFAULT_TEXT_OPTIONS, spawn = () => new TextWorker() as unknown as WorkerLike } = client;
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
        if (finish()) resolve(m.result);
      } else if (finish()) reject(deserializeError(m.error));
    };
    worker.onerror = (event) => {
      if (finish()) reject(new Error(`The text-analysis worker failed: ${event.message || 'unknown error'}`));
    };
    try {
      worker.postMessage({ type: 'analyze', id, input, options });
    } catch (e) {
      if (finish()) reject(e instanceof Error ? e : new Error(String(e)));
    }
  });
}
