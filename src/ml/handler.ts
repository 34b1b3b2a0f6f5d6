/**
 * What the churn worker does with each request, independent of `self` so it can
 * run in-process in tests. One AbortController per train id; a cancel request
 * aborts it and training stops before its next epoch.
 */
import { serializeError } from '../lib/errors.ts';
import type { ChurnRequest, ChurnResponse } from './protocol.ts';
import { trainChurnModel } from './train.ts';

export function createChurnHandler(post: (message: ChurnResponse) => void, ready: () => Promise<unknown>): (request: ChurnRequest) => void {
  const running = new Map<number, AbortController>();
  return (request) => {
    switch (request.type) {
      case 'train': {
        const { id, payload } = request;
        const controller = new AbortController();
        running.set(id, controller);
        ready()
          .then(() => trainChurnModel(payload, (p) => post({ type: 'progress', id, ...p }), controller.signal))
          .then((result) => post({ type: 'result', id, result }))
          .catch((e: unknown) => post({ type: 'error', id, error: serializeError(e) }))
          .finally(() => running.delete(id));
        return;
      }
      case 'cancel':
        running.get(request.id)?.abort();
        return;
      default:
        request satisfies never;
    }
  };
}
