/**
 * Vitest global setup of the `opensearch-oracle` project (vitest.config.ts): starts the real
 * OpenSearch once for the conformance files that project runs, and hands its URL to them.
 */
import type { TestProject } from 'vitest/node';
import { startOpenSearchOracle } from './oracle.ts';
import { startWithoutKnnProxy } from './without-knn.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The real OpenSearch's URL, in the `opensearch-oracle` project only. */
    opensearchOracleUrl?: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  const start = await startOpenSearchOracle();
  // The project exists only when run.sh --install found Java and Maven, so a skip here is a fault.
  if ('skipped' in start) throw new Error(`the OpenSearch oracle did not start: ${start.skipped}`);
  console.info(`opensearch oracle: ${start.oracle.url} ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const proxy = await startWithoutKnnProxy(start.oracle.url);
  project.provide('opensearchOracleUrl', proxy.url);
  return async () => {
    await proxy.close();
    await start.oracle.stop();
  };
}
