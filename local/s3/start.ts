import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { S3EventRecord } from 'aws-lambda';
import { bucketCorsRules } from './cors.ts';
import { eventRecord, notificationFor, sequencerSource } from './events.ts';
import { createS3Front } from './front.ts';
import type { Credentials } from './sigv4.ts';
import type { StoreMessage } from './store-protocol.ts';
import { closeServer, listen } from '../http-server.ts';

const require = createRequire(import.meta.url);

export interface LocalS3ServiceOptions {
  /** Objects live under `objects/` here and survive restarts. */
  dataDir: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  bucket: string;
  region: string;
  /** The only credentials requests may be signed with. */
  credentials: Credentials;
  /** Each notification S3 would send for the deployed configuration, in order. */
  onEvent: (record: S3EventRecord) => void;
  /** Browser origins the bucket's CORS rule allows; any origin by default. */
  corsOrigins?: readonly string[];
}

/**
 * The deployed bucket allows the hosted web app and the Vite dev server on its default port;
 * locally the web app runs on any port (browser tests pick free ones), so any origin is allowed.
 */
const ANY_ORIGIN = ['*'];

export interface LocalS3Service {
  endpoint: string;
  close(): Promise<void>;
}

/** Starts the store child (s3rver) and the enforcing front in front of it. */
export async function startLocalS3Service(options: LocalS3ServiceOptions): Promise<LocalS3Service> {
  const host = options.host ?? '127.0.0.1';
  const objectsDir = join(options.dataDir, 'objects');
  const spoolDir = join(options.dataDir, 'incoming');
  // Bodies still being checked when the last run stopped were never stored: S3 would not have them.
  await rm(spoolDir, { recursive: true, force: true });
  await Promise.all([mkdir(objectsDir, { recursive: true }), mkdir(spoolDir, { recursive: true })]);

  const store = fork(fileURLToPath(new URL('./store-process.ts', import.meta.url)), [objectsDir, options.bucket], {
    // tsx by path: a bare --import resolves from the working directory, which may be anywhere.
    execArgv: ['--openssl-legacy-provider', '--import', pathToFileURL(require.resolve('tsx')).href],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const nextSequencer = sequencerSource();
  store.on('message', (message: StoreMessage) => {
    if (message.type !== 'change') return;
    const configurationId = notificationFor(message.change);
    if (!configurationId) return;
    options.onEvent(eventRecord(message.change, { region: options.region, configurationId, sequencer: nextSequencer() }));
  });
  const storePort = await listeningPort(store);

  const front = createS3Front({
    upstream: { host: '127.0.0.1', port: storePort },
    bucket: options.bucket,
    auth: { credentials: options.credentials, region: options.region },
    cors: bucketCorsRules(options.corsOrigins ?? ANY_ORIGIN),
    spoolDir,
  });
  let endpoint: string;
  try {
    endpoint = await listen(front, options.port ?? 0, host);
  } catch (error) {
    store.kill();
    throw error;
  }
  return {
    endpoint,
    async close() {
      await closeServer(front);
      const exited = once(store, 'exit');
      store.kill();
      await exited;
    },
  };
}

function listeningPort(store: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: StoreMessage) => {
      if (message.type !== 'listening') return;
      store.off('message', onMessage);
      resolve(message.port);
    };
    store.on('message', onMessage);
    store.once('exit', (code) => reject(new Error(`the local S3 store exited with code ${String(code)} before listening`)));
  });
}
