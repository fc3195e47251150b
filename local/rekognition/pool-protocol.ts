/** Messages between the pool (pool.ts) and its worker threads (worker.ts). */
import type { DetectionInput, DetectionKind } from './analysis.ts';
import type { ErrorData } from './core/errors.ts';

export interface ToWorker {
  id: number;
  kind: DetectionKind;
  input: DetectionInput;
}

export type FromWorker =
  | { type: 'ready' }
  | { type: 'failed'; message: string }
  | { id: number; result: unknown }
  | { id: number; error: ErrorData };
