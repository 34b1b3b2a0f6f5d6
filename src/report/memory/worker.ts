/**
 * The lines-index worker: builds the index from the lines' Arrow bytes, keeps
 * it, and answers the page's questions on it (host.ts), so that no pass over
 * the lines runs on the page's thread. One index per worker; the page ends
 * the worker when the workspace changes.
 */
import { serializeError, type SerializedError } from '../../lib/errors.ts';
import { linesFromIpc, type IndexAsk } from './arrow.ts';
import { buildLinesIndex } from './build.ts';
import { Answerer, type IndexAnswers, type IndexQuestion } from './host.ts';
import { warmUp } from './answers.ts';
import type { DimensionFilter } from '../../metrics/filters.ts';

export type IndexRequest =
  /** The lines as `linesIndexSql` returns them, an Arrow IPC stream (in pieces). */
  | { type: 'build'; id: number; lines: Uint8Array[]; ask: IndexAsk }
  | { type: 'answer'; id: number; question: IndexQuestion };

export type IndexResponse =
  | { type: 'built'; id: number; rows: number; dims: DimensionFilter[] }
  | { type: 'answered'; id: number; answers: IndexAnswers }
  | { type: 'error'; id: number; error: SerializedError };

const scope = self as unknown as DedicatedWorkerGlobalScope;
let answerer: Answerer | null = null;

const reply = (m: IndexResponse): void => scope.postMessage(m);

scope.onmessage = (event: MessageEvent<IndexRequest>) => {
  const m = event.data;
  try {
    if (m.type === 'build') {
      const input = linesFromIpc(m.lines, m.ask);
      // The read's pieces are copied into the arrays: let them go before the sort copies the lines once more.
      m.lines.length = 0;
      const index = buildLinesIndex(input);
      // Compiled before the first filter change (a cold one took 60–110 ms at 1M lines).
      warmUp(index);
      answerer = new Answerer(index);
      reply({ type: 'built', id: m.id, rows: index.rows, dims: Object.keys(index.dims) as DimensionFilter[] });
    } else {
      if (!answerer) throw new Error('The lines index is not built');
      reply({ type: 'answered', id: m.id, answers: answerer.answer(m.question) });
    }
  } catch (e) {
    reply({ type: 'error', id: m.id, error: serializeError(e) });
  }
};
