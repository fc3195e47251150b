/**
 * Lite mode: no models, no workers. Answers come from sharp in this process (image properties;
 * empty labels, faces, moderation labels and text), with every request and image check intact.
 */
import { detect } from './analysis.ts';
import { type Analyzer, inputOf } from './pool.ts';

export function liteAnalyzer(): Analyzer {
  return {
    ready: Promise.resolve(),
    detectors: false,
    run: async (kind, input) => detect(null, kind, await inputOf(input)),
    close: () => Promise.resolve(),
  };
}
