/**
 * Entry point of the child process local-s3.ts starts: s3rver on 127.0.0.1 and a random port,
 * serving `directory` with `bucket` created. It reports its port over IPC, and exits with its
 * parent.
 */
import S3rver from 's3rver';
import type { FilesystemStore } from '../../../local/s3/store-layout.ts';
import type { WritingStore } from '../../../local/s3/store-writes.ts';
import { correctPlainStore } from './plain-store.ts';

const [directory, bucket] = process.argv.slice(2);
if (!directory || !bucket || !process.send) throw new Error('usage: fork(s3rver-process.ts, [directory, bucket])');

process.on('disconnect', () => process.exit(0));
const server = new S3rver({
  address: '127.0.0.1',
  port: 0,
  directory,
  silent: true,
  configureBuckets: [{ name: bucket, configs: [] }],
});
correctPlainStore((server as unknown as { store: FilesystemStore & WritingStore }).store);
const { port } = await server.run();
process.send(port);
