/** Messages between the pool (pool.ts) and its worker threads (worker.ts). */
import type { AnalysisRequest } from './analysis.ts';
import type { ErrorData } from './core/errors.ts';

export interface ToWorker {
  id: number;
  request: AnalysisRequest;
  bytes: Uint8Array;
}

export type FromWorker =
  | { type: 'ready' }
  | { type: 'failed'; message: string }
  | { id: number; result: unknown }
  | { id: number; error: ErrorData };
