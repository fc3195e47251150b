/**
 * `npm start [-- --reset] [--data-dir DIR] [--port-base N] [--vision models|lite]`: ImageGraph on
 * this machine, no AWS account and no network. Prints the URLs (the web app's first), writes the
 * outputs file the client and CLI read, and stops everything on Ctrl-C, SIGINT or SIGTERM. Data
 * persists in the data directory.
 *
 * It holds the data directory first thing, for its life, and refuses to start (exit code 75) on
 * one another cloud holds (local/cloud-lock.ts).
 *
 * This process only launches and relays: the cloud runs in local/cloud-main.ts, in a session of
 * its own, with its output in the cloud log, so the terminal shows ImageGraph's own lines
 * only. npm runs this file with `exec` (package.json), so a signal to npm reaches it, and
 * whatever ends it, the cloud exits too (its IPC channel closes).
 */
import { fork } from 'node:child_process';
import { openSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { CloudMessage, LauncherMessage } from './cloud-main.ts';
import { ALREADY_RUNNING_EXIT_CODE, CloudAlreadyRunning, holdCloudDataDirectory, RESET_WAIT_MS, resetCloudDataDirectory } from './cloud-lock.ts';
import { CLOUD_NODE_FLAGS, DEFAULT_LOCAL_SETTINGS, DETECT_ENV, DETECTIONS, type Detection, type LocalCloudSettings, cloudLogFile, parseDetections } from './config.ts';

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
  .option('--reset', 'empty the data directory first', false)
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

// Before anything touches the data directory (--reset, the log, the services' files): a cloud
// already running on it is told about, never disturbed.
try {
  await holdCloudDataDirectory(settings.dataDir);
} catch (error) {
  if (!(error instanceof CloudAlreadyRunning)) throw error;
  console.error(error.message);
  process.exit(ALREADY_RUNNING_EXIT_CODE);
}
if (options.reset) {
  try {
    await resetCloudDataDirectory(settings.dataDir, { waitMs: RESET_WAIT_MS, onWaiting: (line) => console.error(line) });
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
}
const cloudLog = cloudLogFile(settings);
const logFd = openSync(cloudLog, 'w');

const CLOUD_MAIN = fileURLToPath(new URL('./cloud-main.ts', import.meta.url));
const cloud = fork(CLOUD_MAIN, [JSON.stringify({ ...settings, cloudLog })], {
  execArgv: ['--import', 'tsx', ...CLOUD_NODE_FLAGS],
  stdio: ['ignore', logFd, logFd, 'ipc'],
  detached: true,
});
cloud.on('message', (message: CloudMessage) => {
  if (message.kind === 'line') console.log(message.text);
  else if (message.kind === 'error') console.error(message.text);
});

/**
 * One Ctrl-C arrives twice (the terminal signals npm and this process, and npm forwards its
 * own): a repeat this soon after is the same keypress. A later one stops at once.
 */
const REPEAT_WINDOW_MS = 1_000;
let stopRequestedAt: number | undefined;
const stop = () => {
  if (stopRequestedAt === undefined) {
    stopRequestedAt = Date.now();
    console.log('Stopping ImageGraph... (Ctrl-C again to stop at once)');
    if (cloud.connected) cloud.send({ kind: 'stop' } satisfies LauncherMessage);
    else cloud.kill('SIGTERM');
  } else if (Date.now() - stopRequestedAt > REPEAT_WINDOW_MS) {
    console.log('Stopped without waiting.');
    // Its child services exit when it does (their IPC channels close).
    cloud.kill('SIGKILL');
    process.exit(130);
  }
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
process.on('SIGHUP', stop);
// npm killed outright (SIGKILL) cannot forward anything: this process is then re-parented, so a
// changed parent means whoever started it is gone, and the cloud stops with it.
const parent = process.ppid;
setInterval(() => process.ppid !== parent && stop(), 1_000).unref();
// `kill -USR2 <pid>`: the search engine again (local/cloud-main.ts); the cloud's own pid works too.
process.on('SIGUSR2', () => cloud.kill('SIGUSR2'));

cloud.on('exit', (code, signal) => {
  if (stopRequestedAt === undefined || code !== 0) console.error(`ImageGraph stopped (${signal ?? String(code)}); its log is ${cloudLog}.`);
  else console.log('ImageGraph stopped.');
  process.exit(code ?? 1);
});
