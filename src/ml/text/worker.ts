/** The text-analysis worker: one analysis per message, answered with progress then the result or the error. */
import { serializeError } from '../../lib/errors.ts';
import { analyzeTexts } from './analyze.ts';
import type { TextRequest, TextResponse } from './protocol.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (message: TextResponse): void => scope.postMessage(message);

scope.onmessage = (event: MessageEvent<TextRequest>) => {
  const { id, input, options } = event.data;
  try {
    const result = analyzeTexts(input, options, (progress) => post({ type: 'progress', id, progress }));
    post({ type: 'done', id, result });
  } catch (e) {
    post({ type: 'error', id, error: serializeError(e) });
  }
};
