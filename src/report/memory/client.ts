/**
 * The page's lines index: built and kept in a module worker (bundled by
 * Vite), which then answers each filter change's questions. The lines'
 * bytes move to the worker and only answers come back: the page's thread
 * reads no line and runs no pass. Ended when its workspace version is
 * replaced, or when the build fails or is cancelled.
 */
import { abortError, deserializeError } from '../../lib/errors.ts';
import type { DimensionFilter } from '../../metrics/filters.ts';
import type { IndexBuilder } from './arrow.ts';
import type { IndexAnswers, IndexHost, IndexQuestion } from './host.ts';
import type { IndexRequest, IndexResponse } from './worker.ts';
import IndexWorker from './worker.ts?worker';

export const workerIndexBuilder: IndexBuilder = (lines, ask, signal) =>
  new Promise<IndexHost>((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    const worker = new IndexWorker();
    const pending = new Map<number, { resolve: (m: IndexResponse) => void; reject: (e: Error) => void }>();
    let nextId = 1;
    let dead: Error | null = null;
    const end = (e: Error): void => {
      if (dead) return;
      dead = e;
      worker.terminate();
      signal?.removeEventListener('abort', onAbort);
      for (const p of pending.values()) p.reject(e);
      pending.clear();
    };
    const onAbort = (): void => end(abortError());
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.onmessage = (event: MessageEvent<IndexResponse>) => {
      const m = event.data;
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (m.type === 'error') p.reject(deserializeError(m.error));
      else p.resolve(m);
    };
    worker.onerror = (event) => end(new Error(`The lines-index worker failed: ${event.message || 'unknown error'}`));
    /** Posts `request` (made with its id) and waits for its answer. */
    const send = (request: (id: number) => IndexRequest, transfer: Transferable[] = []): Promise<IndexResponse> =>
      new Promise((res, rej) => {
        if (dead) return rej(dead);
        const id = nextId++;
        pending.set(id, { resolve: res, reject: rej });
        try {
          worker.postMessage(request(id), transfer);
        } catch (e) {
          pending.delete(id);
          rej(e instanceof Error ? e : new Error(String(e)));
        }
      });
    const host = (rows: number, dims: DimensionFilter[]): IndexHost => ({
      rows,
      dims,
      answer: async (question: IndexQuestion): Promise<IndexAnswers> => {
        const m = await send((id) => ({ type: 'answer', id, question }));
        if (m.type !== 'answered') throw new Error(`The lines-index worker answered "${m.type}" to a question`);
        return m.answers;
      },
      // Questions still out when the workspace changes are answered by the SQL routes, with nothing to report.
      close: () => end(abortError('The lines index was closed')),
    });
    lines
      .then((parts) => send((id) => ({ type: 'build', id, lines: parts, ask }), [...new Set(parts.map((p) => p.buffer as ArrayBuffer))]))
      .then((m) => {
        if (m.type !== 'built') throw new Error(`The lines-index worker answered "${m.type}" to a build`);
        signal?.removeEventListener('abort', onAbort);
        resolve(host(m.rows, m.dims));
      })
      .catch((e: unknown) => {
        const err = e instanceof Error ? e : new Error(String(e));
        end(err);
        reject(err);
      });
  });
