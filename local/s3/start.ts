import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { S3EventRecord } from 'aws-lambda';
import { bucketCorsRules } from './cors.ts';
import { createS3Front } from './front.ts';
import { drainOutbox, EventOutbox } from './outbox.ts';
import type { Credentials } from './sigv4.ts';
import type { StoreMessage } from './store-protocol.ts';
import { closeServer, listen } from '../http-server.ts';

const require = createRequire(import.meta.url);

export interface LocalS3ServiceOptions {
  /** Objects live under `objects/` here and survive restarts, and so do events not yet delivered. */
  dataDir: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  bucket: string;
  region: string;
  /** The only credentials requests may be signed with. */
  credentials: Credentials;
  /**
   * Each notification S3 would send for the deployed configuration. Delivered means returned or
   * resolved; until then the event stays in the outbox on disk, and a rejected delivery, or one a
   * crash interrupted, is made again (at least once, as S3 delivers).
   */
  onEvent: (record: S3EventRecord) => Promise<void> | void;
  /** Where failed deliveries are reported, and a wait for the previous run's store; console.error by default. */
  log?: (line: string) => void;
  /** Browser origins the bucket's CORS rule allows; any origin by default. */
  corsOrigins?: readonly string[];
  /**
   * How long the store waits for the previous run's store to let `dataDir` go (store-lock.ts) before
   * start-up fails; by default a little over the 10 s that store may take to finish its requests.
   */
  previousStoreWaitMs?: number;
}

/**
 * The deployed bucket allows the hosted web app and the Vite dev server on its default port;
 * locally the web app runs on any port of this machine (browser tests pick free ones), so any
 * loopback origin is allowed, and a page from anywhere else is refused (S3's CORS wildcards).
 */
const LOOPBACK_ORIGINS = ['http://localhost:*', 'http://127.0.0.1:*'];

export interface LocalS3Service {
  endpoint: string;
  close(): Promise<void>;
}

/** Unix socket paths longer than this do not fit in sockaddr_un on every platform (104 on macOS). */
const MAX_SOCKET_PATH = 103;

/** Starts the store child (s3rver) and the enforcing front in front of it. */
export async function startLocalS3Service(options: LocalS3ServiceOptions): Promise<LocalS3Service> {
  const host = options.host ?? '127.0.0.1';
  const objectsDir = join(options.dataDir, 'objects');
  const spoolDir = join(options.dataDir, 'incoming');
  // The store listens on a Unix socket in a directory only this user can enter: other users and
  // web pages cannot reach s3rver (which checks nothing) except through the front.
  const socketDir = resolve(options.dataDir, 'store');
  const socketPath = join(socketDir, 's3rver.sock');
  if (socketPath.length > MAX_SOCKET_PATH) {
    throw new Error(`The local S3 store's socket path is too long for the system (${socketPath.length} > ${MAX_SOCKET_PATH} characters): use a shorter data directory.`);
  }
  // (The last run's socket is the store's to remove, once it holds the data directory.)
  await Promise.all([mkdir(objectsDir, { recursive: true }), mkdir(socketDir, { recursive: true, mode: 0o700 })]);
  // mkdir's mode does not apply to a directory that already exists.
  await chmod(socketDir, 0o700);

  // Events the last run stored but did not deliver go out first.
  const outbox = new EventOutbox(options.dataDir, 'delivery');
  const log = options.log ?? console.error;
  const drain = drainOutbox(outbox, { deliver: options.onEvent, log });
  const stopDelivering = async () => {
    await drain.close();
    outbox.close();
  };

  const store = fork(fileURLToPath(new URL('./store-process.ts', import.meta.url)), [objectsDir, options.bucket, socketPath, options.dataDir, options.region, ...(options.previousStoreWaitMs === undefined ? [] : [String(options.previousStoreWaitMs)])], {
    // tsx by path: a bare --import resolves from the working directory, which may be anywhere.
    execArgv: ['--openssl-legacy-provider', '--import', pathToFileURL(require.resolve('tsx')).href],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  store.on('message', (message: StoreMessage) => {
    if (message.type === 'outboxed') drain.nudge();
    if (message.type === 'waiting') log(message.line);
  });
  try {
    await storeListening(store);
    // Bodies still being checked when the last run stopped were never stored: S3 would not have
    // them. Only once the store holds the directory (store-lock.ts): a start beside a live service
    // fails without emptying the spool of the uploads that service is receiving.
    await rm(spoolDir, { recursive: true, force: true });
    await mkdir(spoolDir, { recursive: true });
  } catch (error) {
    store.kill();
    await stopDelivering();
    throw error;
  }

  const front = createS3Front({
    upstream: { socketPath },
    bucket: options.bucket,
    auth: { credentials: options.credentials, region: options.region },
    cors: bucketCorsRules(options.corsOrigins ?? LOOPBACK_ORIGINS),
    spoolDir,
  });
  let endpoint: string;
  try {
    endpoint = await listen(front, options.port ?? 0, host);
  } catch (error) {
    store.kill();
    await stopDelivering();
    throw error;
  }
  return {
    endpoint,
    async close() {
      await closeServer(front);
      const exited = once(store, 'exit');
      store.kill();
      await exited;
      await stopDelivering();
    },
  };
}

function storeListening(store: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: StoreMessage) => {
      if (message.type === 'failed') reject(new Error(message.message));
      if (message.type !== 'listening') return;
      store.off('message', onMessage);
      resolve();
    };
    store.on('message', onMessage);
    // 'close', not 'exit': it comes after the store's last message.
    store.once('close', (code) => reject(new Error(`the local S3 store exited with code ${String(code)} before listening`)));
  });
}
