/**
 * `node --import tsx local/e2e/amplify/node.ts <outputs.json> <data dir>`:
 * the Amplify flow (flow.ts) as a Node app runs it, configured by `amplifyConfigure` from the
 * outputs file. Run it with NODE_EXTRA_CA_CERTS set to the local CA (the outputs' CaCertificateFile),
 * as any Node client of the local API over TLS. Prints the flow's report as JSON.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { amplifyConfigure } from '../../../client/src/api/amplify-config.ts';
import { loadDeployment } from '../../../client/cli/deployment.ts';
import { installWebSocket } from '../../../client/src/api/node-websocket.ts';
import { latestCode } from '../../cognito/outbox.ts';
import { runAmplifyFlow } from './flow.ts';

const [outputsFile, dataDir] = process.argv.slice(2);
if (!outputsFile || !dataDir) {
  console.error('usage: node.ts <outputs.json> <data dir>');
  process.exit(2);
}
// Amplify opens its real-time socket with the global WebSocket, which Node 20 lacks.
installWebSocket();
const photo = await readFile(new URL('../fixtures/coffee.png', import.meta.url));
const report = await runAmplifyFlow(amplifyConfigure(loadDeployment(outputsFile)), {
  confirmationCode: (email) => {
    const code = latestCode(join(dataDir, 'cognito', 'outbox.jsonl'), email);
    return code ? Promise.resolve(code) : Promise.reject(new Error(`no code was sent to ${email}`));
  },
  image: new Blob([new Uint8Array(photo)], { type: 'image/png' }),
  processedWithinMs: 60_000,
});
console.log(JSON.stringify(report));
// Amplify's sockets and timers would keep the process alive.
process.exit(0);
