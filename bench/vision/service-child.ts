/**
 * The service under measurement, alone in a child process so that its RSS is its own. Usage:
 * service-child.ts <workers> <S3 options as JSON>. Sends {url} once listening and {readyMs} once
 * the models are warm (both from the start call).
 */
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/config.ts';
import { startLocalRekognition } from '../../local/rekognition/start.ts';
import type { S3Options } from '../../local/rekognition/service.ts';

const workers = Number(process.argv[2]);
const s3 = JSON.parse(process.argv[3] ?? 'null') as S3Options;
const started = performance.now();
const service = await startLocalRekognition({ workers, mode: 'models', maxQueue: 1000, s3, auth: { credentials: LOCAL_CREDENTIALS, region: LOCAL_REGION } });
process.send?.({ url: service.url, listenMs: performance.now() - started });
await service.ready;
process.send?.({ readyMs: performance.now() - started });
process.on('disconnect', () => {
  void service.close().then(() => process.exit(0));
});
