/**
 * The page's lines index: built and kept in two module workers (bundled by
 * Vite), one per part of the index (split.ts), which then answer each filter
 * change's questions at once. The lines' bytes move to the first worker, the
 * customer part's arrays on to the second, and only answers come back: the
 * page's thread reads no line and runs no pass. Both end when the workspace
 * version is replaced, or when the build fails or is cancelled.
 */
import { abortError, deserializeError } from '../../lib/errors.ts';
import type { DimensionFilter } from '../../metrics/filters.ts';
import type { IndexBuilder } from './arrow.ts';
import type { IndexAnswers, IndexHost, IndexQuestion } from './host.ts';
import { askParts, customerBuffers } from './parts.ts';
import type { IndexRequest, IndexResponse } from './worker.ts';
import IndexWorker from './worker.ts?worker';

/** A worker that answers requests by id, and ends (failing what is pending) at its first error. */
interface Channel {
  send(request: (id: number) => IndexRequest, transfer?: Transferable[]): Promise<IndexResponse>;
  end(e: Error): void;
}

function channel(onEnd: (e: Error) => void): Channel {
  const worker = new IndexWorker();
  const pending = new Map<number, { resolve: (m: IndexResponse) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let dead: Error | null = null;
  const end = (e: Error): void => {
    if (dead) return;
    dead = e;
    worker.terminate();
    for (const p of pending.values()) p.reject(e);
    pending.clear();
    onEnd(e);
  };
  worker.onmessage = (event: MessageEvent<IndexResponse>) => {
    const m = event.data;
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.type === 'error') p.reject(deserializeError(m.error));
    else p.resolve(m);
  };
  worker.onerror = (event) => end(new Error(`The lines-index worker failed: ${event.message || 'unknown error'}`));
  return {
    end,
    /** Posts `request` (made with its id) and waits for its answer. */
    send: (request, transfer = []) =>
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
      }),
  };
}

/**
 * Two workers, one per part of the index (split.ts): the first builds it from the lines and keeps the lines part,
 * the second keeps the customer part. A filter change's questions go to both at once (two cores).
 */
export const workerIndexBuilder: IndexBuilder = (lines, ask, signal) =>
  new Promise<IndexHost>((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    let ended = false;
    const end = (e: Error): void => {
      if (ended) return;
      ended = true;
      signal?.removeEventListener('abort', onAbort);
      ofLines.end(e);
      ofCustomers.end(e);
    };
    const ofLines = channel(end);
    const ofCustomers = channel(end);
    const onAbort = (): void => end(abortError());
    signal?.addEventListener('abort', onAbort, { once: true });
    const ask1 = (c: Channel) => async (question: IndexQuestion): Promise<IndexAnswers> => {
      const m = await c.send((id) => ({ type: 'answer', id, question }));
      if (m.type !== 'answered') throw new Error(`The lines-index worker answered "${m.type}" to a question`);
      return m.answers;
    };
    const host = (rows: number, dims: DimensionFilter[]): IndexHost => ({
      rows,
      dims,
      answer: (question) => askParts(question, ask1(ofLines), ask1(ofCustomers)),
      // Questions still out when the workspace changes are answered by the SQL routes, with nothing to report.
      close: () => end(abortError('The lines index was closed')),
    });
    lines
      .then((parts) => ofLines.send((id) => ({ type: 'build', id, lines: parts, ask }), [...new Set(parts.map((p) => p.buffer as ArrayBuffer))]))
      .then(async (m) => {
        if (m.type !== 'built' || !m.part) throw new Error(`The lines-index worker answered "${m.type}" to a build`);
        const part = m.part;
        const adopted = await ofCustomers.send((id) => ({ type: 'adopt', id, part }), customerBuffers(part));
        if (adopted.type !== 'built') throw new Error(`The lines-index worker answered "${adopted.type}" to the customer part`);
        signal?.removeEventListener('abort', onAbort);
        resolve(host(m.rows, m.dims));
      })
      .catch((e: unknown) => {
        const err = e instanceof Error ? e : new Error(String(e));
        end(err);
        reject(err);
      });
  });
