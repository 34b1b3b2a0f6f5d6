/** Messages between the text-analysis client (client.ts) and its worker (worker.ts). One worker per run; cancel ends the worker. */
import type { JobResponse } from '../../lib/worker-job.ts';
import type { TextInput, TextOptions, TextProgress, TextResult } from './types.ts';

export interface TextRequest {
  type: 'analyze';
  id: number;
  input: TextInput;
  options: TextOptions;
}

export type TextResponse = JobResponse<TextProgress, TextResult>;
