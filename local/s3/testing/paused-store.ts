/**
 * A store child (store-process.ts) run alone on a data directory, as start.ts runs it; paused, with
 * pause-store.ts preloaded: one PUT or DELETE of `key` is held at `step` of its commit until resumed (SIGUSR2)
 * or killed. For the tests of a store killed, or still finishing, mid-write or mid-delete (crash.test.ts,
 * store-lock.test.ts).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdir } from 'node:fs/promises';
import { type IncomingMessage, request } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PauseStep } from './pause-store.ts';

/** The steps of a delete (pause-store.ts, not imported for values: loading it patches node:fs); the others are a write's. */
const DELETE_STEPS: readonly PauseStep[] = ['before-remove', 'after-bytes-removed', 'after-remove'];

const require = createRequire(import.meta.url);

export interface StoreChild {
  child: ChildProcess;
  socketPath: string;
  /** Resolves with the store's exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** Resolves when the store sends a message of `type` from now on; rejects if it exits first. */
  said(type: string): Promise<void>;
}

/** Starts the store child on `dataDir`, as start.ts does; with `pause` (`<step> <key>`), pause-store.ts preloaded. */
export async function forkStore(dataDir: string, options: { bucket: string; region: string; pause?: string }): Promise<StoreChild> {
  const socketDir = join(dataDir, 'store');
  await Promise.all([mkdir(socketDir, { recursive: true, mode: 0o700 }), mkdir(join(dataDir, 'objects'), { recursive: true })]);
  const socketPath = join(socketDir, 's3rver.sock');
  const preload = options.pause === undefined ? [] : ['--import', new URL('./pause-store.ts', import.meta.url).href];
  const child = fork(new URL('../store-process.ts', import.meta.url).pathname, [join(dataDir, 'objects'), options.bucket, socketPath, dataDir, options.region], {
    execArgv: ['--openssl-legacy-provider', '--import', pathToFileURL(require.resolve('tsx')).href, ...preload],
    env: { ...process.env, IMAGEGRAPH_PAUSE_STORE: options.pause ?? '' },
  });
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const said = (type: string) =>
    new Promise<void>((resolve, reject) => {
      child.on('message', (message: { type: string }) => message.type === type && resolve());
      void exited.then((code) => reject(new Error(`the store exited (${String(code)}) before saying ${type}`)));
    });
  return { child, socketPath, exited, said };
}

export interface PausedStore extends StoreChild {
  /** The answer to the paused PUT, once the store gives one (rejects if the connection fails). */
  answered: Promise<IncomingMessage>;
}

/**
 * Starts the store on `dataDir` (bucket `bucket`), PUTs `body` to `key` on its socket (DELETEs `key`
 * for a delete's step) and resolves once the write or delete is paused at `step`.
 */
export async function pausedStore(dataDir: string, options: { bucket: string; region: string; key: string; body?: Buffer; step: PauseStep }): Promise<PausedStore> {
  const body = DELETE_STEPS.includes(options.step) ? undefined : (options.body ?? Buffer.alloc(0));
  const store = await forkStore(dataDir, { bucket: options.bucket, region: options.region, pause: `${options.step} ${options.key}` });
  await store.said('listening');
  const paused = store.said('paused');
  // s3rver checks nothing: the front's signature is not needed on its socket.
  const answered = new Promise<IncomingMessage>((resolve, reject) => {
    request({ socketPath: store.socketPath, method: body ? 'PUT' : 'DELETE', path: `/${options.bucket}/${options.key}`, headers: { 'content-length': body?.length ?? 0 } }, resolve)
      .on('error', reject)
      .end(body);
  });
  // Killed mid-write, the store answers nothing: that rejection is expected unless awaited.
  answered.catch(() => undefined);
  await paused;
  return { ...store, answered };
}
