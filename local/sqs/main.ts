/**
 * `npm run local:sqs [-- --data-dir DIR] [--port N] [--region R] [--queues JSON]`: the local SQS on
 * 127.0.0.1. --queues is a JSON array of queue declarations (see LocalQueueDeclaration in
 * start.ts). Requests must be signed (SigV4, service `sqs`) with the key pair in
 * IMAGEGRAPH_LOCAL_ACCESS_KEY_ID / IMAGEGRAPH_LOCAL_SECRET_ACCESS_KEY (the local cloud sets them),
 * or else the local cloud's LOCAL_CREDENTIALS. Prints the endpoint on stdout once it listens
 * (local/child-service.ts waits for that line).
 */
import { parseArgs } from 'node:util';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../config.ts';
import { holdDataDirectory, stopWithParent } from '../child-service.ts';
import { SERVICE_HOLDS } from '../service-lock.ts';
import { keyPairFromEnv } from '../sigv4.ts';
import { startLocalSqs, type LocalQueueDeclaration } from './start.ts';

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string', default: '.imagegraph/sqs' },
    port: { type: 'string', default: '9324' },
    region: { type: 'string', default: LOCAL_REGION },
    queues: { type: 'string', default: '[]' },
  },
});
// Run by the local cloud (local/child-service.ts): stop with it, even when it was killed.
const whenCloudGone = stopWithParent();
// Before anything opens its files: the previous run's process may still be closing them.
await holdDataDirectory(values['data-dir'], SERVICE_HOLDS.sqs);
const sqs = await startLocalSqs({
  dataDir: values['data-dir'],
  port: Number(values.port),
  region: values.region,
  credentials: keyPairFromEnv(process.env) ?? LOCAL_CREDENTIALS,
  queues: JSON.parse(values.queues) as LocalQueueDeclaration[],
});
console.log(sqs.endpoint);
const stop = () => {
  void sqs.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
whenCloudGone(stop);
