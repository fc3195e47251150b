/**
 * Entry point of the store child process: s3rver serving `directory` with `bucket` created, on the
 * Unix socket `socketPath`, reporting each stored or removed object to its parent over IPC. s3rver
 * checks no signature, so nothing but the front may reach it: no TCP port at all, and the socket
 * sits in a directory only its owner can enter (start.ts). The front has already authenticated
 * every request it forwards.
 *
 * It runs in its own process because s3rver's continuation tokens use DES, which Node's OpenSSL 3
 * offers only with the legacy provider (see functions/shared/testing/local-s3.ts).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createServer } from 'node:http';
import S3rver from 's3rver';
import type { ObjectChange } from './events.ts';
import { EVENT_NAME_HEADER, MULTI_DELETE, type StoreMessage } from './store-protocol.ts';

const [directory, bucket, socketPath] = process.argv.slice(2);
const send = process.send?.bind(process);
if (!directory || !bucket || !socketPath || !send) throw new Error('usage: fork(store-process.ts, [directory, bucket, socketPath])');
const tell = (message: StoreMessage) => send(message);

/** The front's event name for the request being handled, if it gave one. */
const eventNameOfRequest = new AsyncLocalStorage<string | undefined>();

process.on('disconnect', () => process.exit(0));
const s3rver = new S3rver({ directory, silent: true, configureBuckets: [{ name: bucket, configs: [] }] });
await s3rver.configureBuckets();

interface S3rverRecord {
  eventName: string;
  requestParameters: { sourceIPAddress: string };
  s3: { bucket: { name: string }; object: { key: string; size?: number; eTag?: string } };
}
// s3rver is a Koa application; its typings leave out the EventEmitter side.
(s3rver as unknown as NodeJS.EventEmitter).on('event', ({ Records: [record] }: { Records: [S3rverRecord] }) => {
  const { key, size, eTag } = record.s3.object;
  const eventName = eventNameOfRequest.getStore() ?? record.eventName;
  // Over the socket s3rver sees no client address; every client is on this machine.
  tell({ type: 'change', change: { eventName, bucket: record.s3.bucket.name, key, size, eTag, sourceIp: record.requestParameters.sourceIPAddress || '127.0.0.1' } });
});

// s3rver reports no event for DeleteObjects; S3 reports each deleted key.
const store = (s3rver as unknown as { store: { deleteObject(bucket: string, key: string): Promise<void> } }).store;
const deleteObject = store.deleteObject.bind(store);
store.deleteObject = async (bucketName, key) => {
  await deleteObject(bucketName, key);
  if (eventNameOfRequest.getStore() === MULTI_DELETE) {
    tell({ type: 'change', change: { eventName: 'ObjectRemoved:Delete', bucket: bucketName, key, sourceIp: '127.0.0.1' } satisfies ObjectChange });
  }
};

const handle = s3rver.callback();
const server = createServer((request, response) => {
  const eventName = request.headers[EVENT_NAME_HEADER];
  eventNameOfRequest.run(typeof eventName === 'string' ? eventName : undefined, () => handle(request, response));
});
server.listen(socketPath, () => tell({ type: 'listening' }));
