// A stand-in for worker.ts in pool tests: no models. workerData.fail makes warm-up fail;
// text makes it die mid-request; anything else is answered after workerData.delayMs.
import { parentPort, workerData } from 'node:worker_threads';

if (workerData?.fail) {
  parentPort.postMessage({ type: 'failed', message: 'no models here' });
} else {
  parentPort.on('message', (task) => {
    if (task.kind === 'text') process.exit(3);
    setTimeout(() => parentPort.postMessage({ id: task.id, result: { kind: task.kind, size: (task.input.bytes ?? task.input.rgb.data).length } }), workerData?.delayMs ?? 0);
  });
  setTimeout(() => parentPort.postMessage({ type: 'ready' }), workerData?.readyMs ?? 0);
}
