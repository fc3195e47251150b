/**
 * The local S3 service in a process of its own, for tests that `kill -9` it: it sends its endpoint
 * to its parent over the IPC channel of `fork` (one message, whole: a file read as soon as it
 * existed could be read empty, before its text was written) and never delivers an event, so every
 * event stays in the outbox.
 */
import { startLocalS3Service } from '../start.ts';

const [dataDir, accessKeyId, secretAccessKey] = process.argv.slice(2);
const send = process.send?.bind(process);
if (!dataDir || !accessKeyId || !secretAccessKey || !send) throw new Error('usage: fork(serve.ts, [dataDir, accessKeyId, secretAccessKey])');
const s3 = await startLocalS3Service({
  dataDir,
  bucket: 'imagegraph-local',
  region: 'us-east-1',
  credentials: { accessKeyId, secretAccessKey },
  onEvent: () => new Promise<void>(() => undefined),
});
send(s3.endpoint);
