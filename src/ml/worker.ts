/** The churn model worker: a dispatcher from messages to handler.ts. */
import { ensureBackend } from './backend.ts';
import { createChurnHandler } from './handler.ts';
import type { ChurnRequest, ChurnResponse } from './protocol.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const handle = createChurnHandler((message: ChurnResponse) => scope.postMessage(message), ensureBackend);
scope.onmessage = (event: MessageEvent<ChurnRequest>) => handle(event.data);
