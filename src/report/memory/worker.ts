/** The lines-index worker: one build per message (the lines' Arrow bytes in), answered with the index (its arrays moved, not copied) or the error. */
import { serializeError } from '../../lib/errors.ts';
import type { JobResponse } from '../../lib/worker-job.ts';
import { indexBuffers, indexFromIpc, type IndexAsk } from './arrow.ts';
import type { LinesIndex } from './lines.ts';

export interface BuildRequest {
  type: 'build';
  id: number;
  /** The lines as `linesIndexSql` returns them, an Arrow IPC stream. */
  lines: Uint8Array;
  ask: IndexAsk;
}

const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = (event: MessageEvent<BuildRequest>) => {
  const { id, lines, ask } = event.data;
  try {
    const result = indexFromIpc(lines, ask);
    scope.postMessage({ type: 'done', id, result } satisfies JobResponse<never, LinesIndex>, indexBuffers(result));
  } catch (e) {
    scope.postMessage({ type: 'error', id, error: serializeError(e) } satisfies JobResponse<never, LinesIndex>);
  }
};
