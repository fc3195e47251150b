/**
 * The two engines bench:search measures with the same documents and queries: the local engine
 * (its own child process, engine.ts) and the real OpenSearch of local/opensearch/oracle (a JVM
 * with a fixed 1 GB heap), each reached by the @opensearch-project/opensearch client the
 * functions use, and measured by its process's resident memory.
 */
import { Client } from '@opensearch-project/opensearch';
import { createSearchClient } from '../../functions/process-image/image-index.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/config.ts';
import { startOpenSearchOracle } from '../../local/opensearch/oracle/oracle.ts';
import { withoutKnn } from '../../local/opensearch/oracle/without-knn.ts';
import { IMAGE_INDEX_MAPPING } from '../../functions/process-image/image-index-mapping.ts';
import { procStatusMb, startEngineProcess } from './engine.ts';

const REQUEST_TIMEOUT_MS = 120_000;

export interface MeasuredEngine {
  name: string;
  client: Client;
  /** Resident set size of the engine's process now, in MB. */
  rssMb(): number;
  /** Its peak resident set size so far (VmHWM), in MB. */
  peakRssMb(): number;
  /** The body the images index is created with on this engine. */
  indexBody: Record<string, unknown>;
  stop(): Promise<void>;
}

export async function startLocalEngine(): Promise<MeasuredEngine> {
  const engine = await startEngineProcess();
  const client = createSearchClient({ searchEndpoint: engine.url, region: LOCAL_REGION }, LOCAL_CREDENTIALS, { requestTimeout: REQUEST_TIMEOUT_MS });
  return {
    name: 'local engine',
    client,
    indexBody: IMAGE_INDEX_MAPPING,
    rssMb: () => engine.rssMb(),
    peakRssMb: () => engine.peakRssMb(),
    stop: async () => {
      await client.close();
      await engine.stop();
    },
  };
}

/** The real OpenSearch, or why it cannot run here (no Java 17 or Maven). */
export async function startOpenSearchEngine(): Promise<MeasuredEngine | { skipped: string }> {
  const start = await startOpenSearchOracle();
  if ('skipped' in start) return start;
  const { oracle } = start;
  const client = new Client({ node: oracle.url, requestTimeout: REQUEST_TIMEOUT_MS });
  return {
    name: 'OpenSearch 2.19.1',
    client,
    // The oracle has no k-NN plugin: the perceptual hash is a byte field there (without-knn.ts).
    // The web app's mix never searches by vector, so both engines answer the same queries.
    indexBody: withoutKnn(IMAGE_INDEX_MAPPING),
    rssMb: () => procStatusMb(oracle.pid, 'VmRSS'),
    peakRssMb: () => procStatusMb(oracle.pid, 'VmHWM'),
    stop: async () => {
      await client.close();
      await oracle.stop();
    },
  };
}
