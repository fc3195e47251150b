/**
 * `npm run local:rekognition [-- --port N] [--s3-endpoint URL] [--workers N] [--lite]`: the local
 * Rekognition stand-in on 127.0.0.1. Prints the URL once it listens, then "ready" once the models
 * are warm (requests sent before that wait).
 */
import { parseArgs } from 'node:util';
import { startLocalRekognition } from './start.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '9600' },
    's3-endpoint': { type: 'string' },
    region: { type: 'string', default: 'us-east-1' },
    workers: { type: 'string' },
    lite: { type: 'boolean', default: false },
  },
});
const s3Endpoint = values['s3-endpoint'];
const service = await startLocalRekognition({
  port: Number(values.port),
  ...(values.workers ? { workers: Number(values.workers) } : {}),
  ...(values.lite ? { mode: 'lite' as const } : {}),
  ...(s3Endpoint
    ? {
        s3: {
          endpoint: s3Endpoint,
          region: values.region,
          credentials: { accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? 'S3RVER', secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? 'S3RVER' },
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
