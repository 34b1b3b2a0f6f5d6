/** The sessions worker: one cut per message (the events' Arrow bytes in, read here), answered with the tables' IPC streams (moved, not copied) or the error. */
import { serializeError } from '../../lib/errors.ts';
import type { JobResponse } from '../../lib/worker-job.ts';
import { cutFromIpc, type SessionIpc } from './arrow.ts';

export interface CutRequest {
  type: 'cut';
  id: number;
  /** The events as `sessionEventsSql` returns them, an Arrow IPC stream. */
  events: Uint8Array;
  gapMinutes: number;
}

const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = (event: MessageEvent<CutRequest>) => {
  const { id, events, gapMinutes } = event.data;
  try {
    const result = cutFromIpc(events, gapMinutes);
    const moved = result ? [result.sessions.buffer, result.journeys.buffer, result.touchpoints.buffer] : [];
    scope.postMessage({ type: 'done', id, result } satisfies JobResponse<never, SessionIpc | null>, moved as ArrayBuffer[]);
  } catch (e) {
    scope.postMessage({ type: 'error', id, error: serializeError(e) } satisfies JobResponse<never, SessionIpc | null>);
  }
};
