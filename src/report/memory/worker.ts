/**
 * A lines-index worker, one of two (client.ts): the first builds the index
 * from the lines' Arrow bytes, gives back its customer part (split.ts) and
 * keeps the rest; the second adopts the customer part. Each answers the
 * page's questions on its part (host.ts), so that no pass over the lines runs
 * on the page's thread. The page ends both when the workspace changes. A
 * warm-up that fails after the first worker's reply leaves it without an
 * answerer: its questions then fail, and the page drops the index (route.ts).
 */
import { serializeError, type SerializedError } from '../../lib/errors.ts';
import { linesFromIpc, type IndexAsk } from './arrow.ts';
import { buildLinesIndex } from './build.ts';
import { Answerer, type IndexAnswers, type IndexQuestion } from './host.ts';
import { warmUp } from './answers.ts';
import { splitIndex } from './split.ts';
import type { LinesIndex } from './lines.ts';
import type { DimensionFilter } from '../../metrics/filters.ts';

export type IndexRequest =
  /** The lines as `linesIndexSql` returns them, an Arrow IPC stream (in pieces): this worker keeps the lines part, and gives back the customer part. */
  | { type: 'build'; id: number; lines: Uint8Array[]; ask: IndexAsk }
  /** The customer part of an index another worker built: this worker keeps it. */
  | { type: 'adopt'; id: number; part: LinesIndex }
  | { type: 'answer'; id: number; question: IndexQuestion };

export type IndexResponse =
  /** `part`: the customer part, after a build (its arrays moved here). */
  | { type: 'built'; id: number; rows: number; dims: DimensionFilter[]; part?: LinesIndex }
  | { type: 'answered'; id: number; answers: IndexAnswers }
  | { type: 'error'; id: number; error: SerializedError };

const scope = self as unknown as DedicatedWorkerGlobalScope;
let answerer: Answerer | null = null;

const reply = (m: IndexResponse, transfer: Transferable[] = []): void => scope.postMessage(m, transfer);

scope.onmessage = (event: MessageEvent<IndexRequest>) => {
  const m = event.data;
  try {
    if (m.type === 'build') {
      const input = linesFromIpc(m.lines, m.ask);
      // The read's pieces are copied into the arrays: let them go before the sort copies the lines once more.
      m.lines.length = 0;
      const index = buildLinesIndex(input);
      // The customer part goes to a worker of its own (the page passes it on) before this one warms up its part.
      const { lines, customers, transfer } = splitIndex(index);
      reply({ type: 'built', id: m.id, rows: index.rows, dims: Object.keys(index.dims) as DimensionFilter[], part: customers }, transfer);
      // Compiled before the first filter change (a cold one took 60–110 ms at 1M lines); questions wait for it.
      warmUp(lines, 'lines');
      answerer = new Answerer(lines, 'lines');
    } else if (m.type === 'adopt') {
      warmUp(m.part, 'customers');
      answerer = new Answerer(m.part, 'customers');
      reply({ type: 'built', id: m.id, rows: m.part.rows, dims: Object.keys(m.part.dims) as DimensionFilter[] });
    } else {
      if (!answerer) throw new Error('The lines index is not built');
      reply({ type: 'answered', id: m.id, answers: answerer.answer(m.question) });
    }
  } catch (e) {
    reply({ type: 'error', id: m.id, error: serializeError(e) });
  }
};
