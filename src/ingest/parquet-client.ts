/**
 * The browser's `GroupReader` (parquet.ts): a large Parquet file's row groups
 * are turned into CSV by module workers (parquet-worker.ts, bundled by Vite),
 * as many as the device has cores (at most four), each taking every n-th row
 * group; the page puts the parts back in order. Before, the page's thread did
 * it, a row group (about a second) at a time. The workers end when the file
 * is read, fails, or the load is cancelled. A worker that cannot start or
 * stops without a message throws `ReaderUnavailable`: the page then reads the
 * groups not yet given itself, as it did before.
 */
import { abortError, deserializeError } from '../lib/errors.ts';
import { InOrder, ReaderUnavailable, type GroupReader } from './parquet.ts';
import type { ParquetRequest, ParquetResponse } from './parquet-worker.ts';
import ParquetWorker from './parquet-worker.ts?worker';

const MAX_WORKERS = 4;

export const workerGroupReader: GroupReader = async function* (file, order, groups, signal) {
  if (signal?.aborted) throw abortError('Load cancelled');
  if (groups === 0) return;
  const n = Math.max(1, Math.min(groups, MAX_WORKERS, navigator.hardwareConcurrency || 2));
  const parts = new InOrder<Uint8Array>();
  const workers: Worker[] = [];
  const onAbort = (): void => parts.fail(abortError('Load cancelled'));
  signal?.addEventListener('abort', onAbort);
  try {
    for (let k = 0; k < n; k++) {
      let worker: Worker;
      try {
        worker = new ParquetWorker();
      } catch (e) {
        throw new ReaderUnavailable(`A Parquet worker could not start: ${e instanceof Error ? e.message : String(e)}`);
      }
      workers.push(worker);
      worker.onmessage = (event: MessageEvent<ParquetResponse>) => {
        const m = event.data;
        if (m.type === 'part') parts.put(m.group, m.bytes);
        else if (m.type === 'unavailable') parts.fail(new ReaderUnavailable(deserializeError(m.error).message));
        else parts.fail(deserializeError(m.error));
      };
      // A script that did not load, or an error the worker did not catch (it catches every read's).
      worker.onerror = (event) => parts.fail(new ReaderUnavailable(`A Parquet worker stopped: ${event.message || 'unknown error'}`));
      const mine: number[] = [];
      for (let g = k; g < groups; g += n) mine.push(g);
      worker.postMessage({ file, groups: mine, order } satisfies ParquetRequest);
    }
    yield* parts.take(groups);
  } finally {
    signal?.removeEventListener('abort', onAbort);
    for (const worker of workers) worker.terminate();
  }
};
