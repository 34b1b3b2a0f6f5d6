/** The browser's patterns runner: module workers bundled by Vite. */
import PatternsWorker from './worker.ts?worker';
import { workerRunner, type WorkerLike } from './runner.ts';

export const browserPatterns = workerRunner(() => new PatternsWorker() as unknown as WorkerLike);
