/**
 * The local S3 service in a process of its own, for tests that `kill -9` it: it writes its
 * endpoint to the file named by the second argument and never delivers an event, so every event
 * stays in the outbox.
 */
import { writeFileSync } from 'node:fs';
import { startLocalS3Service } from '../start.ts';

const [dataDir, endpointFile, accessKeyId, secretAccessKey] = process.argv.slice(2);
if (!dataDir || !endpointFile || !accessKeyId || !secretAccessKey) throw new Error('usage: serve.ts dataDir endpointFile accessKeyId secretAccessKey');
const s3 = await startLocalS3Service({
  dataDir,
  bucket: 'imagegraph-local',
  region: 'us-east-1',
  credentials: { accessKeyId, secretAccessKey },
  onEvent: () => new Promise<void>(() => undefined),
});
writeFileSync(endpointFile, s3.endpoint);
