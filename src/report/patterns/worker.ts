/** The patterns worker: a dispatcher from requests to compute.ts. */
import { serializeError } from '../../lib/errors.ts';
import { handlePatterns, type PatternsRequest, type PatternsResponse } from './protocol.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;
scope.onmessage = (event: MessageEvent<PatternsRequest>) => {
  const { id } = event.data;
  // At most one progress message per 100 ms: the page redraws a bar, not a flood.
  let last = 0;
  const progress = (fraction: number): void => {
    const now = performance.now();
    if (now - last < 100) return;
    last = now;
    scope.postMessage({ type: 'progress', id, fraction } satisfies PatternsResponse);
  };
  let message: PatternsResponse;
  try {
    message = { type: 'done', id, result: handlePatterns(event.data, progress) };
  } catch (e) {
    message = { type: 'error', id, error: serializeError(e) };
  }
  scope.postMessage(message);
};
