/**
 * `npm run local:opensearch [-- --data-dir DIR] [--port N]`: the local OpenSearch stand-in on
 * 127.0.0.1. Prints the URL on stdout once it listens (local/child-service.ts waits for that line).
 */
import { parseArgs } from 'node:util';
import { startSearchEngine } from './start.ts';

const { values } = parseArgs({
  options: { 'data-dir': { type: 'string', default: '.imagegraph/opensearch' }, port: { type: 'string', default: '9200' } },
});
const engine = await startSearchEngine({ dataDir: values['data-dir'], port: Number(values.port) });
console.log(engine.url);
const stop = () => {
  void engine.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
// Run by the local cloud (local/child-service.ts): stop with it, even when it was killed.
process.on('disconnect', stop);
