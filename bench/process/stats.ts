/** Summaries of repeated timings. */
import { median } from '../report.ts';

export { median };

/** Nearest-rank percentile; with few samples p95 is the slowest run, which is what it should show. */
export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

export function mean(values: number[]): number {
  return values.length ? values.reduce((sum, value) => sum + value, 0) / values.length : 0;
}

export interface Summary {
  median: number;
  p95: number;
  samples: number;
}

export function summarize(samples: number[]): Summary {
  return { median: median(samples), p95: percentile(samples, 95), samples: samples.length };
}
