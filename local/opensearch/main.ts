/**
 * `npm run local:opensearch [-- --data-dir DIR] [--port N] [--region R]`: the local OpenSearch
 * stand-in on 127.0.0.1. Requests must be signed (SigV4, service `es`) with the key pair in
 * IMAGEGRAPH_LOCAL_ACCESS_KEY_ID / IMAGEGRAPH_LOCAL_SECRET_ACCESS_KEY (the local cloud sets them),
 * or else the local cloud's LOCAL_CREDENTIALS. Prints the URL on stdout once it listens
 * (local/child-service.ts waits for that line).
 */
import { parseArgs } from 'node:util';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../config.ts';
import { holdDataDirectory, stopWithParent } from '../child-service.ts';
import { SERVICE_HOLDS } from '../service-lock.ts';
import { keyPairFromEnv } from '../sigv4.ts';
import { startSearchEngine } from './start.ts';

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string', default: '.imagegraph/opensearch' },
    port: { type: 'string', default: '9200' },
    region: { type: 'string', default: LOCAL_REGION },
  },
});
// Run by the local cloud (local/child-service.ts): stop with it, even when it was killed.
const whenCloudGone = stopWithParent();
// Before anything opens its files: the previous run's process may still be closing them.
await holdDataDirectory(values['data-dir'], SERVICE_HOLDS.search);
const engine = await startSearchEngine({
  dataDir: values['data-dir'],
  port: Number(values.port),
  auth: { credentials: keyPairFromEnv(process.env) ?? LOCAL_CREDENTIALS, region: values.region },
});
console.log(engine.url);
const stop = () => {
  void engine.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
whenCloudGone(stop);
