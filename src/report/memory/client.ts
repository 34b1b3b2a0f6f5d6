/**
 * The page's lines-index builder: each build in its own module worker
 * (bundled by Vite), started while DuckDB reads the lines and ended when
 * done, failed or cancelled. The lines' bytes move to the worker and the
 * index's arrays move back: the page's thread reads no line.
 */
import { runWorkerJob, type JobWorker } from '../../lib/worker-job.ts';
import type { IndexBuilder } from './arrow.ts';
import type { LinesIndex } from './lines.ts';
import type { BuildRequest } from './worker.ts';
import IndexWorker from './worker.ts?worker';

export const workerIndexBuilder: IndexBuilder = (lines, ask, signal) =>
  runWorkerJob<BuildRequest, never, LinesIndex>({
    spawn: () => new IndexWorker() as unknown as JobWorker<BuildRequest, never, LinesIndex>,
    signal,
    name: 'The lines-index worker',
    request: async (id) => ({ type: 'build', id, lines: await lines, ask }),
    transfer: (m) => [m.lines.buffer] as ArrayBuffer[],
  });
