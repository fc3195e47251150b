/**
 * `npm run local:rekognition [-- --port N] [--s3-endpoint URL] [--workers N] [--lite]`: the local
 * Rekognition stand-in on 127.0.0.1. Prints the URL once it listens, then "ready" once the models
 * are warm (requests sent before that wait). Requests must be signed (SigV4, service
 * `rekognition`) with the key pair in IMAGEGRAPH_LOCAL_ACCESS_KEY_ID /
 * IMAGEGRAPH_LOCAL_SECRET_ACCESS_KEY, or else the local cloud's LOCAL_CREDENTIALS; it reads S3
 * with the same key pair.
 */
import { parseArgs } from 'node:util';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../config.ts';
import { keyPairFromEnv } from '../sigv4.ts';
import { startLocalRekognition } from './start.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '9600' },
    's3-endpoint': { type: 'string' },
    region: { type: 'string', default: LOCAL_REGION },
    workers: { type: 'string' },
    lite: { type: 'boolean', default: false },
  },
});
const s3Endpoint = values['s3-endpoint'];
const credentials = keyPairFromEnv(process.env) ?? LOCAL_CREDENTIALS;
const service = await startLocalRekognition({
  port: Number(values.port),
  auth: { credentials, region: values.region },
  ...(values.workers ? { workers: Number(values.workers) } : {}),
  ...(values.lite ? { mode: 'lite' as const } : {}),
  ...(s3Endpoint
    ? {
        s3: {
          endpoint: s3Endpoint,
          region: values.region,
          credentials,
          forcePathStyle: true,
        },
      }
    : {}),
});
console.log(service.url);
service.ready.then(
  () => console.log(`ready (${service.mode})`),
  (error: unknown) => {
    console.error(`vision models failed to load: ${(error as Error).message}`);
    process.exitCode = 1;
  },
);
const stop = () => {
  void service.close().then(() => process.exit());
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
