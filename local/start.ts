/**
 * `npm start [-- --reset] [--data-dir DIR] [--port-base N] [--vision models|lite]`: ImageGraph on
 * this machine, no AWS account and no network. Prints the URLs, writes the outputs file the client
 * and CLI read, and stops everything on Ctrl-C. Data persists in the data directory.
 */
import { rm } from 'node:fs/promises';
import { Command, InvalidArgumentError, Option } from 'commander';
import { startLocalCloud } from './cloud.ts';
import { DEFAULT_LOCAL_SETTINGS, DETECT_ENV, DETECTIONS, type Detection, type LocalCloudSettings, parseDetections } from './config.ts';
import { LOCAL_OUTPUT_KEYS, OUTPUT_KEYS } from '../infra/stack-outputs.ts';

const positiveInt = (max: number) => (raw: string) => {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > max) throw new InvalidArgumentError(`a whole number from 0 to ${max}`);
  return value;
};

function detections(raw: string): Detection[] {
  try {
    return parseDetections(raw);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

const program = new Command('npm start --')
  .description('Run ImageGraph locally: S3, Cognito, SQS, search, vision and AppSync on 127.0.0.1.')
  .option('--data-dir <dir>', 'where the local cloud keeps its data and outputs.json', '.imagegraph')
  .option('--reset', 'delete the data directory first', false)
  .option('--port-base <port>', 'first of the ports the services use (0: any free ports)', positiveInt(65_000), DEFAULT_LOCAL_SETTINGS.portBase)
  .addOption(new Option('--vision <mode>', 'offline vision models, or colours only').choices(['models', 'lite']).default(process.env.IMAGEGRAPH_VISION ?? DEFAULT_LOCAL_SETTINGS.vision))
  .option('--vision-workers <n>', 'vision inference workers (default: one per core)', positiveInt(64))
  .option('--visibility-timeout <seconds>', 'seconds before a failed image is retried', positiveInt(43_200), DEFAULT_LOCAL_SETTINGS.visibilityTimeoutSeconds)
  .option('--max-receive-count <n>', 'deliveries before a message moves to the dead-letter queue', positiveInt(1000), DEFAULT_LOCAL_SETTINGS.maxReceiveCount)
  .option('--processing-concurrency <n>', 'processing batches at once', positiveInt(64), DEFAULT_LOCAL_SETTINGS.processingConcurrency)
  .option(`--detect <list>`, `what vision looks for, of ${DETECTIONS.join(',')} (or ${DETECT_ENV})`, detections, detections(process.env[DETECT_ENV] ?? DEFAULT_LOCAL_SETTINGS.detect.join(',')));

const options = program.parse().opts<{
  dataDir: string;
  reset: boolean;
  portBase: number;
  vision: LocalCloudSettings['vision'];
  visionWorkers?: number;
  visibilityTimeout: number;
  maxReceiveCount: number;
  processingConcurrency: number;
  detect: Detection[];
}>();

const settings: LocalCloudSettings = {
  ...DEFAULT_LOCAL_SETTINGS,
  dataDir: options.dataDir,
  portBase: options.portBase,
  vision: options.vision,
  visionWorkers: options.visionWorkers,
  visibilityTimeoutSeconds: options.visibilityTimeout,
  maxReceiveCount: options.maxReceiveCount,
  processingConcurrency: options.processingConcurrency,
  detect: options.detect,
};

if (options.reset) await rm(settings.dataDir, { recursive: true, force: true });
const started = performance.now();
let cloud;
try {
  cloud = await startLocalCloud(settings);
} catch (error) {
  console.error(`ImageGraph could not start: ${(error as Error).message}`);
  process.exit(1);
}
const { outputs } = cloud;
console.log(
  [
    `ImageGraph is running locally (ready in ${((performance.now() - started) / 1000).toFixed(1)} s).`,
    `  GraphQL       ${outputs[OUTPUT_KEYS.graphqlUrl]}  (explorer: ${outputs[OUTPUT_KEYS.graphqlUrl]?.replace(/graphql$/, '')})`,
    `  Real-time     ${outputs[OUTPUT_KEYS.realtimeUrl]}`,
    `  TLS           ${outputs[LOCAL_OUTPUT_KEYS.graphqlTlsUrl]}  (same port; CA ${outputs[LOCAL_OUTPUT_KEYS.caCertificateFile]}: NODE_EXTRA_CA_CERTS for Node, README for browsers)`,
    `  Outputs       ${cloud.outputsFile}  (read by the web app and the imagegraph CLI)`,
    `  Data          ${settings.dataDir}  (npm start -- --reset wipes it)`,
    `  Vision        ${settings.vision}${settings.vision === 'models' ? ' (warming up; the first images wait for it)' : ''}; detects ${settings.detect.join(', ')}`,
    'Ctrl-C stops it.',
  ].join('\n'),
);
void cloud.visionReady.then(
  () => settings.vision === 'models' && console.log(`Vision models ready (${((performance.now() - started) / 1000).toFixed(1)} s).`),
  (error: unknown) => console.error(`Vision models failed to load: ${String(error)}`),
);

/** Services get this long to stop cleanly; a second Ctrl-C does not wait at all. */
const STOP_GRACE_MS = 10_000;
let stopping = false;
const stop = () => {
  if (stopping) {
    console.log('Stopped without waiting.');
    process.exit(130);
  }
  stopping = true;
  console.log('Stopping ImageGraph... (Ctrl-C again to stop at once)');
  setTimeout(() => {
    console.error(`Some services did not stop within ${STOP_GRACE_MS / 1000} s; stopping anyway.`);
    process.exit(1);
  }, STOP_GRACE_MS).unref();
  void cloud.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
// `kill -USR2 <pid>`: the search engine again, e.g. after it crashed (outputs stay valid: same port).
process.on('SIGUSR2', () => {
  if (stopping) return;
  console.log('Restarting the search engine...');
  cloud.restartSearchEngine().then(
    () => console.log('Search engine restarted.'),
    (error: unknown) => console.error(`The search engine could not restart: ${String(error)}`),
  );
});
