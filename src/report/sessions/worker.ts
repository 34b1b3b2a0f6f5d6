/** The sessions worker: one cut per message, answered with the tables' IPC streams (moved, not copied) or the error. */
import { serializeError } from '../../lib/errors.ts';
import type { JobResponse } from '../../lib/worker-job.ts';
import { sessionTablesIpc, type SessionIpc } from './arrow.ts';
import { cutSessions, type SessionEvents } from './cut.ts';

export interface CutRequest {
  type: 'cut';
  id: number;
  events: SessionEvents;
  gapMinutes: number;
}

const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = (event: MessageEvent<CutRequest>) => {
  const { id, events, gapMinutes } = event.data;
  try {
    const result = sessionTablesIpc(cutSessions(events, gapMinutes));
    scope.postMessage({ type: 'done', id, result } satisfies JobResponse<never, SessionIpc>, [result.sessions.buffer, result.journeys.buffer, result.touchpoints.buffer] as ArrayBuffer[]);
  } catch (e) {
    scope.postMessage({ type: 'error', id, error: serializeError(e) } satisfies JobResponse<never, SessionIpc>);
  }
};
