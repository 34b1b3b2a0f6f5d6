/** The browser's patterns runner: module workers bundled by Vite. */
import PatternsWorker from './worker.ts?worker';
import { workerRunner, type WorkerLike } from './runner.ts';

/** Analyses at once: one fewer than the cores (DuckDB's worker and the page need theirs), at least one, at most three. */
const slots = Math.max(1, Math.min(3, (globalThis.navigator?.hardwareConcurrency ?? 4) - 1));

export const browserPatterns = workerRunner(() => new PatternsWorker() as unknown as WorkerLike, slots);
