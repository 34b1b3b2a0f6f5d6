/**
 * Main-thread side of the text analysis: each call starts its own module
 * worker (bundled by Vite) and ends it when the analysis is done, fails or is
 * cancelled, so a cancel stops the work at once.
 */
import { runWorkerJob, type JobWorker } from '../../lib/worker-job.ts';
import { DEFAULT_TEXT_OPTIONS } from './analyze.ts';
import type { TextRequest } from './protocol.ts';
import type { TextInput, TextOptions, TextProgress, TextResult } from './types.ts';
import TextWorker from './worker.ts?worker';

export type { TextInput, TextOptions, TextProgress, TextResult } from './types.ts';

/** The part of a Worker the client uses; tests pass an in-process stand-in. */
export type WorkerLike = JobWorker<TextRequest, TextProgress, TextResult>;

export interface AnalyzeClientOptions {
  signal?: AbortSignal;
  onProgress?: (progress: TextProgress) => void;
  options?: TextOptions;
  spawn?: () => WorkerLike;
}

/** Runs `analyzeTexts` in a worker. Rejects with an AbortError when `signal` aborts. */
export function analyzeTextsInWorker(input: TextInput, client: AnalyzeClientOptions = {}): Promise<TextResult> {
  const { signal, onProgress, options = DEFAULT_TEXT_OPTIONS, spawn = () => new TextWorker() as unknown as WorkerLike } = client;
  return runWorkerJob<TextRequest, TextProgress, TextResult>({ spawn, signal, onProgress, name: 'The text-analysis worker', request: (id) => ({ type: 'analyze', id, input, options }) });
}
