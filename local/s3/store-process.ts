/**
 * Entry point of the store child process: s3rver serving `directory` with `bucket` created, on the
 * Unix socket `socketPath`. Each stored or removed object the deployed configuration notifies
 * becomes an S3 event record written to the outbox in `outboxDir` (fsync'd) before s3rver answers
 * the request, by the change itself before it commits (writeEvents): a stored object's by its
 * write, a removed one's by its delete; the parent is then told to deliver it. An acknowledged upload therefore always has its event
 * on disk, and so does every stored object after a crash. s3rver
 * checks no signature, so nothing but the front may reach it: no TCP port at all, and the socket
 * sits in a directory only its owner can enter (start.ts). The front has already authenticated
 * every request it forwards.
 *
 * It runs in its own process because s3rver's continuation tokens use DES, which Node's OpenSSL 3
 * offers only with the legacy provider (see functions/shared/testing/local-s3.ts).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { readdir, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import S3rver from 's3rver';
import { eventRecord, notificationFor, type ObjectChange, sequencerSource } from './events.ts';
import { EventOutbox } from './outbox.ts';
import { dropRequestLog } from './request-log.ts';
import { applyKeyLayout, type BucketController, correctListingAnswers, type FilesystemStore, writeCharacterReferences } from './store-layout.ts';
import { applyAtomicWrites, settleInterruptedWrites, type WriteEvents, type WritingStore, changeCommitted } from './store-writes.ts';
import { holdStoreDirectory } from './store-lock.ts';
import { EVENT_NAME_HEADER, REMOVED_HEADER, type StoreMessage } from './store-protocol.ts';

const [directory, bucket, socketPath, outboxDir, region, holdWaitArgument] = process.argv.slice(2);
const send = process.send?.bind(process);
if (!directory || !bucket || !socketPath || !outboxDir || !region || !send) {
  throw new Error('usage: fork(store-process.ts, [directory, bucket, socketPath, outboxDir, region, holdWaitMs?])');
}
// Once the front is gone there is no one to tell, and the outbox holds what matters. With a
// callback, a send to a front that just died (EPIPE) is not an 'error' event that kills the store.
const tell = (message: StoreMessage, then: () => void = () => undefined) => {
  if (process.connected) send(message, undefined, undefined, then);
  else then();
};

/**
 * Requests being handled. When the front dies (even by `kill -9`) the store finishes them before it
 * exits: a write whose body arrived whole ends with its metadata and its event in the outbox, never
 * with one and not the other. (Exiting at once could leave metadata a thread had already written
 * and no event.) A body cut short fails its write (store-writes.ts) without metadata or event, and a
 * request whose body stopped short is not waited for; removeIncompleteObjects removes its bytes at
 * the next start. A store whose front dies before it serves exits at once (settling is safe to cut
 * at any step).
 */
const handling = new Set<Promise<unknown>>();
const FINISH_BEFORE_EXIT_MS = 10_000;
// Serves once the directory is held and settled (below); until then closing it is a no-op.
const server = createServer();
process.on('disconnect', () => {
  server.close();
  setTimeout(() => process.exit(0), FINISH_BEFORE_EXIT_MS).unref();
  void Promise.all(handling).then(() => process.exit(0));
});

/**
 * Before anything is settled or served: the previous store on this directory may still be finishing
 * its requests (above) for up to FINISH_BEFORE_EXIT_MS, and settling beside it could drop the event
 * of a write it commits a moment later (store-lock.ts). Waited for a little longer than it takes;
 * a holder still there after that is not draining, and starting beside it would be unsafe.
 */
const holdWaitMs = holdWaitArgument === undefined ? FINISH_BEFORE_EXIT_MS + 5_000 : Number(holdWaitArgument);
try {
  if (!Number.isSafeInteger(holdWaitMs) || holdWaitMs < 0) {
    throw new Error(`The wait for the previous local S3 store (previousStoreWaitMs) must be a whole number of milliseconds, not ${String(holdWaitArgument)}.`);
  }
  await holdStoreDirectory(outboxDir, { waitMs: holdWaitMs, onWaiting: (line) => tell({ type: 'waiting', line }) });
} catch (error) {
  // Out once the front has the reason (start.ts fails with it); nothing below may run meanwhile.
  tell({ type: 'failed', message: error instanceof Error ? error.message : String(error) }, () => process.exit(1));
  await new Promise<never>(() => undefined);
}

/** The request being handled: the front's event name for it, if it gave one, and whether it removed an object. */
const currentRequest = new AsyncLocalStorage<{ eventName: string | undefined; removed: boolean }>();

const outbox = new EventOutbox(outboxDir);
const nextSequencer = sequencerSource();
/** Over the socket s3rver sees no client address; every client is on this machine. */
const SOURCE_IP = '127.0.0.1';
/** The outbox entry for `change`, if the deployed configuration notifies it; `pendingWrite` names the write it waits for. */
const outboxed = (change: ObjectChange, pendingWrite?: string): number | undefined => {
  const configurationId = notificationFor(change);
  if (!configurationId) return undefined;
  const record = eventRecord(change, { region, configurationId, sequencer: nextSequencer() });
  return pendingWrite === undefined ? outbox.add(record) : outbox.addPending(record, pendingWrite);
};

/**
 * A created object's event, recorded by its write (store-writes.ts) before the write commits and
 * made ready once it has, all before the request is answered: a crash between the commit and the
 * event loses it no more than a crash before the answer. A removed object's the same way, by its
 * delete, before its files are removed. The sequencer is drawn under the key's lock, so one key's
 * writes and deletes get growing sequencers in the order they commit.
 */
const writeEvents: WriteEvents = {
  record: ({ bucket: bucketName, key, operation, size, md5, temporaryBytes }) =>
    outboxed(
      // The front names the event where s3rver cannot tell (POST upload, multipart completion).
      { eventName: currentRequest.getStore()?.eventName ?? (operation === 'copy' ? 'ObjectCreated:Copy' : 'ObjectCreated:Put'), bucket: bucketName, key, size, eTag: md5, sourceIp: SOURCE_IP },
      // Relative, as the data directory may move between runs.
      relative(directory, temporaryBytes),
    ),
  // Only for an object there (store-writes.ts), as s3rver notified only those.
  recordRemoval: ({ bucket: bucketName, key, bytes }) => outboxed({ eventName: 'ObjectRemoved:Delete', bucket: bucketName, key, sourceIp: SOURCE_IP }, relative(directory, bytes)),
  ready: (id) => {
    outbox.markReady(id);
    tell({ type: 'outboxed' });
  },
  forget: (id) => outbox.remove(id),
};

// The events first: a write's temporary bytes file decides its event, and settling its files removes
// it; a delete's, the object's bytes file (nothing else runs on the directory: it is held).
const interrupted = outbox.pendingWrites();
for (const { id, write } of interrupted) {
  if (await changeCommitted(join(directory, write))) outbox.markReady(id);
  else outbox.remove(id);
}
// Those made ready are announced as any other, not left for the parent's next reread of the outbox.
if (interrupted.length > 0) tell({ type: 'outboxed' });
await settleInterruptedWrites(directory);
await removeIncompleteObjects(directory);
const s3rver = new S3rver({ directory, silent: true, configureBuckets: [{ name: bucket, configs: [] }] });
dropRequestLog(s3rver);
await s3rver.configureBuckets();

// s3rver also emits each change as an 'event' after it, unsynced: not listened to, as every
// change's event is recorded by the change itself (writeEvents).
const store = (s3rver as unknown as { store: FilesystemStore & WritingStore }).store;
applyKeyLayout(store);
const require = createRequire(import.meta.url);
correctListingAnswers(require('s3rver/lib/controllers/bucket') as BucketController);
writeCharacterReferences(require(require.resolve('he', { paths: [require.resolve('s3rver')] })) as { escape(text: string): string });
// s3rver's writes were neither atomic nor answered once on disk (store-writes.ts). Applied after
// the key layout: its delete takes the key's lock around the layout's.
applyAtomicWrites(store, writeEvents);
// s3rver calls deleteObject only for a key that holds an object; the front learns of it from REMOVED_HEADER.
const deleteObject = store.deleteObject.bind(store);
store.deleteObject = async (bucketName, key) => {
  await deleteObject(bucketName, key);
  const request = currentRequest.getStore();
  if (request) request.removed = true;
};

// Koa's request handler returns the promise of the handled request; s3rver's typings say void.
const handle = s3rver.callback() as (...args: Parameters<ReturnType<S3rver['callback']>>) => Promise<void>;
server.on('request', (request: IncomingMessage, response: ServerResponse) => {
  const eventName = request.headers[EVENT_NAME_HEADER];
  const context = { eventName: typeof eventName === 'string' ? eventName : undefined, removed: false };
  const writeHead = response.writeHead.bind(response) as (...args: unknown[]) => typeof response;
  // Every answer's head goes through writeHead (Koa's implicit one too), after the deletes ran.
  response.writeHead = (...args: unknown[]) => {
    if (context.removed) response.setHeader(REMOVED_HEADER, 'true');
    return writeHead(...args);
  };
  const handled = currentRequest.run(context, () => handle(request, response)).finally(() => handling.delete(handled));
  handling.add(handled);
  request.once('close', () => {
    if (!request.complete) handling.delete(handled);
  });
});
// The last run's socket, if any: its store has let the directory go.
await rm(socketPath, { force: true });
server.listen(socketPath, () => tell({ type: 'listening' }));

/**
 * An object's files without the others, which S3 never holds: removed. Bytes without metadata:
 * s3rver wrote an object's bytes straight to `<key>._S3rver_object` and its metadata after them,
 * so a store stopped mid-write by an earlier version of this one (writes are now renamed into
 * place, store-writes.ts) left bytes without metadata, which s3rver would list; such an upload was
 * never acknowledged, nor its event recorded. An ETag or metadata file without bytes: a delete
 * removes the bytes first (its commit, store-writes.ts) and the other two after, so a store killed
 * between them left those; the object reads as deleted and its event is settled as committed, so
 * the delete is completed here (the next PUT would overwrite them, but until then they are files
 * of no object).
 */
async function removeIncompleteObjects(root: string): Promise<void> {
  const OBJECT = '._S3rver_object';
  const METADATA = '._S3rver_metadata.json';
  const ETAG = `${OBJECT}.md5`;
  // Files only: a directory may bear any name (`backup.tmp`; an earlier version stored
  // `x._S3rver_object/y` under a directory of that name).
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const files = new Set(entries.filter((entry) => entry.isFile()).map((entry) => relative(root, join(entry.parentPath, entry.name))));
  const remove = (file: string) => rm(join(root, file), { force: true });
  for (const file of files) {
    // Each suffix ends every stored file's name (store-keys.ts), so the base it leaves names one key.
    if (file.endsWith(OBJECT) && !files.has(`${file.slice(0, -OBJECT.length)}${METADATA}`)) await Promise.all([remove(file), remove(`${file}.md5`)]);
    else if (file.endsWith(ETAG) && !files.has(file.slice(0, -'.md5'.length))) await remove(file);
    else if (file.endsWith(METADATA) && !files.has(`${file.slice(0, -METADATA.length)}${OBJECT}`)) await remove(file);
  }
}
