/**
 * The page's session cutter: each cut in its own module worker (bundled by
 * Vite), started while DuckDB reads the events and ended when done, failed or
 * cancelled. The events' bytes move to
 * the worker (the caller has read them from DuckDB for this cut alone), which
 * reads them there: the page's thread does not touch a row.
 */
import { runWorkerJob, type JobWorker } from '../../lib/worker-job.ts';
import type { SessionCutter, SessionIpc } from './arrow.ts';
import type { CutRequest } from './worker.ts';
import SessionsWorker from './worker.ts?worker';

export const workerCutter: SessionCutter = (events, gapMinutes, signal) =>
  runWorkerJob<CutRequest, never, SessionIpc | null>({
    spawn: () => new SessionsWorker() as unknown as JobWorker<CutRequest, never, SessionIpc | null>,
    signal,
    name: 'The sessions worker',
    request: async (id) => ({ type: 'cut', id, events: await events, gapMinutes }),
    transfer: (m) => [m.events.buffer] as ArrayBuffer[],
  });
