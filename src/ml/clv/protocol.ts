/** Messages between the lifetime-value client (client.ts) and its worker (worker.ts). One worker per fit; cancel ends the worker. */
import type { JobResponse } from '../../lib/worker-job.ts';
import type { LifetimeProgress } from './fit.ts';
import type { LifetimeFit } from './types.ts';

export interface LifetimeRequest {
  type: 'fit';
  id: number;
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
  zbar: Float64Array;
}

export type LifetimeResponse = JobResponse<LifetimeProgress, LifetimeFit>;
