/** The lifetime-value worker: one fit per message, answered with progress then the result or the error. */
import { serializeError } from '../../lib/errors.ts';
import { fitLifetimeInline } from './fit.ts';
import type { LifetimeRequest, LifetimeResponse } from './protocol.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (message: LifetimeResponse): void => scope.postMessage(message);

scope.onmessage = (event: MessageEvent<LifetimeRequest>) => {
  const { id, x, tx, T, zbar } = event.data;
  try {
    const fit = fitLifetimeInline({ x, tx, T, zbar }, { onProgress: (progress) => post({ type: 'progress', id, progress }) });
    post({ type: 'done', id, result: fit });
  } catch (e) {
    post({ type: 'error', id, error: serializeError(e) });
  }
};
