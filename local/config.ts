/**
 * The local cloud's settings, typed and defaulted in one place; local/start.ts reads them once from
 * its command line. Deployment settings that also exist on AWS (retries before the dead-letter
 * queue, thumbnail sizes, upload limits ...) come from the stack's own defaults, so local and AWS
 * behave alike.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { repoPath } from '../infra/paths.ts';
import { DEFAULT_SETTINGS } from '../infra/stack-props.ts';
import type { VisionMode } from './rekognition/start.ts';

/** Every local service listens here only. */
export const LOCAL_HOST = '127.0.0.1';
export const LOCAL_REGION = 'us-east-1';
export const LOCAL_BUCKET = 'imagegraph-local';

/**
 * The one key pair the local cloud signs with, as the functions and resolvers sign with IAM on AWS.
 * Every local service verifies SigV4 against it: S3, AppSync's IAM mode, SQS, vision, the search
 * engine and Cognito's IAM-only actions (local/sigv4.ts). The child processes get it in their
 * environment (KEY_PAIR_ENV), the functions as AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY. Local
 * only, and public on purpose: it stops web pages and unsigned or forged requests; nothing local
 * is reachable from other machines.
 */
export const LOCAL_CREDENTIALS = { accessKeyId: 'LOCALIMAGEGRAPH', secretAccessKey: 'local-imagegraph-secret' } as const;

export const LOCAL_QUEUES = { processing: 'imagegraph-processing', deadLetter: 'imagegraph-processing-dlq' } as const;

/** Each service's port is the base plus its offset, so one flag moves them all (web: the web app). */
export const SERVICE_PORT_OFFSETS = { graphql: 0, s3: 1, cognito: 2, search: 3, vision: 4, sqs: 5, web: 6 } as const;
export type LocalServiceName = keyof typeof SERVICE_PORT_OFFSETS;
export const DEFAULT_PORT_BASE = 4710;

/**
 * Node flags of the process that runs the functions and the vision models (local/cloud-main.ts;
 * also bench:vision's service). Each photo passes tens of MB of pixel buffers through it outside
 * the JavaScript heap, and V8 counts those against the heap's next limit, which it sets only about
 * 1.35x the live heap for a worker that spends its time in WebAssembly: a full collection of a
 * 66-145 MB heap every one or two photos, in each model worker and the main thread, 10% of the
 * cloud's CPU with the models (perf, 96 photos of bench:e2e's mix). A fixed factor of 1.5 leaves 3%
 * for about 30-60 MB more peak memory with 2 model workers, more with more workers (local/README.md).
 * `npm run local:rekognition` passes the same flags (package.json, checked by cloud-node-flags.test.ts).
 */
export const CLOUD_NODE_FLAGS = ['--heap-growing-percent=50'] as const;

/** What the processing function asks vision for; DetectLabels always runs (the pipeline needs it). */
export const DETECTIONS = ['labels', 'faces', 'text', 'moderation'] as const;
export type Detection = (typeof DETECTIONS)[number];
/** The environment variable that sets `--detect` when the flag is not given. */
export const DETECT_ENV = 'IMAGEGRAPH_DETECT';

/** Parses "labels,faces,text": known names only, labels required. */
export function parseDetections(value: string): Detection[] {
  const names = value.split(',').map((name) => name.trim().toLowerCase()).filter((name) => name !== '');
  const unknown = names.filter((name) => !(DETECTIONS as readonly string[]).includes(name));
  if (unknown.length > 0) throw new Error(`unknown detection ${unknown.join(', ')}: choose from ${DETECTIONS.join(', ')}`);
  if (!names.includes('labels')) throw new Error('labels cannot be left out: every image is labelled');
  return [...new Set(names as Detection[])];
}

export interface LocalCloudSettings {
  /** Everything the local cloud keeps, one folder per service, and outputs.json. */
  dataDir: string;
  /** First port of the block; 0 lets every service pick a free port (tests). */
  portBase: number;
  /** `models` runs the offline vision models; `lite` answers from colours only (fast, for tests). */
  vision: VisionMode;
  /** Vision inference workers; one per core by default. */
  visionWorkers: number | undefined;
  /**
   * How long a message being processed stays invisible. AWS uses six times the Lambda timeout
   * (12 minutes); locally a failed image is retried after this, so it is short.
   */
  visibilityTimeoutSeconds: number;
  /** Deliveries of one message before it moves to the dead-letter queue (as deployed). */
  maxReceiveCount: number;
  /** Processing batches handled at once. */
  processingConcurrency: number;
  /** What vision looks for. Locally every call is free; on AWS each but labels is billed per image. */
  detect: Detection[];
  /**
   * Where the web app's builds are cached by content (local/web/build-cache.ts). Shared by every
   * data directory, so a test's fresh data directory does not build again.
   */
  webCacheDir: string;
}

export const DEFAULT_LOCAL_SETTINGS: Readonly<Omit<LocalCloudSettings, 'dataDir'>> = Object.freeze({
  portBase: DEFAULT_PORT_BASE,
  vision: 'models',
  visionWorkers: undefined,
  visibilityTimeoutSeconds: 30,
  maxReceiveCount: DEFAULT_SETTINGS.maxReceiveCount,
  // Two invocations per core: each handles its batch's images one at a time and, per image, spends
  // about as long waiting (S3, search, vision, AppSync) as computing, so one per core would leave
  // the cores idle half the time. On AWS each invocation has its own CPU instead: there the same
  // number is the event source's maximum concurrency, set by the Rekognition quota (docs/SCALING.md).
  processingConcurrency: 2 * availableParallelism(),
  // Text on: words on signs and pages are what people search for. Moderation off, as deployed.
  detect: ['labels', 'faces', 'text'] as Detection[],
  webCacheDir: repoPath('dist/local-web'),
});

export function servicePort(settings: Pick<LocalCloudSettings, 'portBase'>, service: LocalServiceName): number {
  return settings.portBase === 0 ? 0 : settings.portBase + SERVICE_PORT_OFFSETS[service];
}

/** Where each service keeps its data under the data directory. */
export function serviceDataDir(settings: Pick<LocalCloudSettings, 'dataDir'>, service: 'search' | 's3' | 'cognito' | 'sqs'): string {
  return join(settings.dataDir, service);
}

/**
 * The local cloud's process ids (its own and its child services'), rewritten whenever a child is
 * restarted: what a person or a test needs to stop or signal one service of a running cloud.
 */
export function processesFile(settings: Pick<LocalCloudSettings, 'dataDir'>): string {
  return join(settings.dataDir, 'processes.json');
}

/** The local CA and the API's server certificate (local/tls/certificates.ts). */
export function tlsDir(settings: Pick<LocalCloudSettings, 'dataDir'>): string {
  return join(settings.dataDir, 'tls');
}

/** The local cloud's outputs, in the stack outputs' format, for the client and CLI. */
export function outputsFile(settings: Pick<LocalCloudSettings, 'dataDir'>): string {
  return join(settings.dataDir, 'outputs.json');
}

/**
 * Everything the cloud's processes print, as CloudWatch Logs holds a deployment's: the functions'
 * logs (Powertools), and what the libraries and tools print (deprecation notices, model loaders,
 * the web app's build). Kept here so the terminal shows only ImageGraph's own lines.
 */
export function cloudLogFile(settings: Pick<LocalCloudSettings, 'dataDir'>): string {
  return join(settings.dataDir, 'cloud.log');
}
