/**
 * The page's session cutter: each cut in its own module worker (bundled by
 * Vite), ended when done, failed or cancelled. The events' buffers move to
 * the worker (the caller has read them from DuckDB for this cut alone).
 */
import { runWorkerJob, type JobWorker } from '../../lib/worker-job.ts';
import type { SessionCutter, SessionIpc } from './arrow.ts';
import type { CutRequest } from './worker.ts';
import SessionsWorker from './worker.ts?worker';

export const workerCutter: SessionCutter = (events, gapMinutes, signal) =>
  runWorkerJob<CutRequest, never, SessionIpc>({
    spawn: () => new SessionsWorker() as unknown as JobWorker<CutRequest, never, SessionIpc>,
    signal,
    name: 'The sessions worker',
    request: (id) => ({ type: 'cut', id, events, gapMinutes }),
    transfer: (m) =>
      [...new Set([m.events.cid.offsets.buffer, m.events.cid.bytes.buffer, m.events.touchpoint.offsets.buffer, m.events.touchpoint.bytes.buffer,
        m.events.channel.offsets.buffer, m.events.channel.bytes.buffer, m.events.ts.buffer, m.events.conv.buffer])] as ArrayBuffer[],
  });
