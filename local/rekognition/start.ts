import { liteAnalyzer } from './lite.ts';
import { type Analyzer, WorkerPool } from './pool.ts';
import { createRekognitionServer } from './server.ts';
import { RekognitionService, type S3Options } from './service.ts';
import { closeServer, listen } from '../http-server.ts';
import type { KeyPair } from '../sigv4.ts';

/** 'models' runs the offline models in workers; 'lite' answers from image colours only. */
export type VisionMode = 'models' | 'lite';

/** The environment flag that selects lite mode when no mode option is given. */
export const VISION_MODE_ENV = 'IMAGEGRAPH_VISION';

export interface LocalRekognitionOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** Every request must be signed (SigV4, service `rekognition`) with this key pair for this region. */
  auth: { credentials: KeyPair; region: string };
  /** Where Image.S3Object is read from; without it only Image.Bytes works. */
  s3?: S3Options;
  /** Inference workers; default one per core. */
  workers?: number;
  /** Waiting requests beyond this many are throttled; default 32 per worker. */
  maxQueue?: number;
  /** Default: 'lite' when IMAGEGRAPH_VISION=lite, else 'models'. */
  mode?: VisionMode;
}

export interface LocalRekognition {
  url: string;
  mode: VisionMode;
  /** Resolves when the models are loaded and warm (at once in lite mode). */
  ready: Promise<void>;
  close(): Promise<void>;
}

/** Listens at once; requests that arrive while the models warm up wait for them. */
export async function startLocalRekognition(options: LocalRekognitionOptions): Promise<LocalRekognition> {
  const host = options.host ?? '127.0.0.1';
  const mode = options.mode ?? (process.env[VISION_MODE_ENV] === 'lite' ? 'lite' : 'models');
  const analyzer: Analyzer =
    mode === 'lite' ? liteAnalyzer() : new WorkerPool({ ...(options.workers ? { workers: options.workers } : {}), ...(options.maxQueue ? { maxQueue: options.maxQueue } : {}) });
  const service = new RekognitionService(analyzer, options.s3);
  const server = createRekognitionServer(service, options.auth);
  const url = await listen(server, options.port ?? 0, host);
  return {
    url,
    mode,
    ready: analyzer.ready,
    close: async () => {
      await Promise.all([closeServer(server), analyzer.close()]);
      service.close();
    },
  };
}
