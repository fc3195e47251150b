/**
 * `npm run local:sqs [-- --data-dir DIR] [--port N] [--queues JSON]`: the local SQS on 127.0.0.1.
 * --queues is a JSON array of queue declarations (see LocalQueueDeclaration in start.ts). Prints
 * the endpoint on stdout once it listens (local/child-service.ts waits for that line).
 */
import { parseArgs } from 'node:util';
import { startLocalSqs, type LocalQueueDeclaration } from './start.ts';

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string', default: '.imagegraph/sqs' },
    port: { type: 'string', default: '9324' },
    queues: { type: 'string', default: '[]' },
  },
});
const sqs = await startLocalSqs({
  dataDir: values['data-dir'],
  port: Number(values.port),
  queues: JSON.parse(values.queues) as LocalQueueDeclaration[],
});
console.log(sqs.endpoint);
const stop = () => {
  void sqs.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
// Run by the local cloud (local/child-service.ts): stop with it, even when it was killed.
process.on('disconnect', stop);
