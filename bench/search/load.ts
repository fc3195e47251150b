/** Timing helpers for request loops: sequential, or with a fixed number of requests in flight. */
import { percentile } from '../process/stats.ts';

export interface LoadResult {
  /** Per-request latency in ms, in completion order. */
  latencies: number[];
  wallMs: number;
}

export interface LatencySummary {
  p50: number;
  p95: number;
  p99: number;
  max: number;
  qps: number;
}

/** Runs `send` for each item, `inFlight` at a time (1: sequential). */
export async function runLoad<T>(items: T[], inFlight: number, send: (item: T) => Promise<void>): Promise<LoadResult> {
  const latencies: number[] = [];
  let nextItem = 0;
  const start = performance.now();
  const worker = async () => {
    while (nextItem < items.length) {
      const item = items[nextItem++] as T;
      const sent = performance.now();
      await send(item);
      latencies.push(performance.now() - sent);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return { latencies, wallMs: performance.now() - start };
}

export function summarize({ latencies, wallMs }: LoadResult): LatencySummary {
  return {
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    max: Math.max(...latencies),
    qps: (latencies.length * 1000) / wallMs,
  };
}

export const ms = (value: number) => `${value.toFixed(2)} ms`;
