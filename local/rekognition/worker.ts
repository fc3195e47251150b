/**
 * One inference worker thread: loads and warms every model, says 'ready', then analyses one image
 * at a time (the wasm backend uses one core; parallelism comes from more workers).
 */
import { parentPort } from 'node:worker_threads';
import { detect } from './analysis.ts';
import { toErrorData } from './core/errors.ts';
import { loadModels } from './models/models.ts';
import type { ToWorker, FromWorker } from './pool-protocol.ts';

const port = parentPort;
if (!port) throw new Error('worker.ts runs as a worker thread');
const send = (message: FromWorker) => port.postMessage(message);

try {
  const models = await loadModels();
  port.on('message', (task: ToWorker) => {
    detect(models, task.kind, task.input).then(
      (result) => send({ id: task.id, result }),
      (error: unknown) => send({ id: task.id, error: toErrorData(error) }),
    );
  });
  send({ type: 'ready' });
} catch (error) {
  send({ type: 'failed', message: (error as Error).stack ?? String(error) });
}
