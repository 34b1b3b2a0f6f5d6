/** The patterns worker: a dispatcher from requests to compute.ts. */
import { serializeError } from '../../lib/errors.ts';
import { handlePatterns, type PatternsRequest, type PatternsResponse } from './protocol.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;
scope.onmessage = (event: MessageEvent<PatternsRequest>) => {
  const { id } = event.data;
  let message: PatternsResponse;
  try {
    message = { type: 'done', id, result: handlePatterns(event.data) };
  } catch (e) {
    message = { type: 'error', id, error: serializeError(e) };
  }
  scope.postMessage(message);
};
