/**
 * The service under measurement, alone in a child process so that its RSS is its own. Sends
 * {url} once listening and {readyMs} once the models are warm (both from the start call).
 */
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/config.ts';
import { startLocalRekognition } from '../../local/rekognition/start.ts';

const workers = Number(process.argv[2]);
const started = performance.now();
const service = await startLocalRekognition({ workers, mode: 'models', maxQueue: 1000, auth: { credentials: LOCAL_CREDENTIALS, region: LOCAL_REGION } });
process.send?.({ url: service.url, listenMs: performance.now() - started });
await service.ready;
process.send?.({ readyMs: performance.now() - started });
process.on('disconnect', () => {
  void service.close().then(() => process.exit(0));
});
