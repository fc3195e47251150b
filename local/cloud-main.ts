/**
 * The local cloud's process, started by local/start.ts (the `npm start` command) with its settings
 * as JSON in argv[2]. Its stdout and stderr go to the dependency log: what libraries and tools
 * print (deprecation notices, model loaders, the web build) lands there whatever its source (worker
 * threads and child services included). ImageGraph's own lines go to start.ts over IPC.
 * It stops cleanly when start.ts asks or on SIGTERM/SIGINT, and exits at once when start.ts is
 * gone (its IPC channel closes), taking its child services with it (theirs close too).
 */
import { startLocalCloud } from './cloud.ts';
import type { LocalCloudSettings } from './config.ts';
import { LOCAL_OUTPUT_KEYS, OUTPUT_KEYS } from '../infra/stack-outputs.ts';

/** What start.ts sends. */
export type LauncherMessage = { kind: 'stop' };
/** What this process sends: lines for the terminal, `error` lines for its stderr. */
export type CloudMessage = { kind: 'line' | 'error'; text: string } | { kind: 'ready' };

/** Services get this long to stop cleanly before the process exits anyway. */
export const STOP_GRACE_MS = 10_000;

const send = (message: CloudMessage) => process.send?.(message);
const say = (text: string) => send({ kind: 'line', text });
const complain = (text: string) => send({ kind: 'error', text });

const parentGone = () => process.exit(1);
process.on('disconnect', parentGone);

const settings = JSON.parse(process.argv[2] ?? '') as LocalCloudSettings & { dependencyLog: string };
const started = performance.now();
let cloud;
try {
  cloud = await startLocalCloud(settings, complain);
} catch (error) {
  complain(`ImageGraph could not start: ${(error as Error).message}`);
  process.exit(1);
}
const { outputs } = cloud;
say(
  [
    `ImageGraph is running locally (ready in ${((performance.now() - started) / 1000).toFixed(1)} s).`,
    `  Web app       ${outputs[OUTPUT_KEYS.webUrl]}`,
    `  GraphQL       ${outputs[OUTPUT_KEYS.graphqlUrl]}  (explorer: ${outputs[OUTPUT_KEYS.graphqlUrl]?.replace(/graphql$/, '')})`,
    `  Real-time     ${outputs[OUTPUT_KEYS.realtimeUrl]}`,
    `  TLS           ${outputs[LOCAL_OUTPUT_KEYS.graphqlTlsUrl]}  (same port; CA ${outputs[LOCAL_OUTPUT_KEYS.caCertificateFile]}: NODE_EXTRA_CA_CERTS for Node, README for browsers)`,
    `  Outputs       ${cloud.outputsFile}  (read by the web app and the imagegraph CLI)`,
    `  Data          ${settings.dataDir}  (npm start -- --reset wipes it)`,
    `  Log           ${settings.dependencyLog}  (what libraries and tools print)`,
    `  Vision        ${settings.vision}${settings.vision === 'models' ? ' (warming up; the first images wait for it)' : ''}; detects ${settings.detect.join(', ')}`,
    'Ctrl-C stops it.',
  ].join('\n'),
);
send({ kind: 'ready' });
void cloud.visionReady.then(
  () => settings.vision === 'models' && say(`Vision models ready (${((performance.now() - started) / 1000).toFixed(1)} s).`),
  (error: unknown) => complain(`Vision models failed to load: ${String(error)}`),
);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  setTimeout(() => {
    complain(`Some services did not stop within ${STOP_GRACE_MS / 1000} s; stopping anyway.`);
    process.exit(1);
  }, STOP_GRACE_MS).unref();
  void cloud.close().then(() => process.exit(0));
};
process.on('message', (message: LauncherMessage) => message.kind === 'stop' && stop());
process.on('SIGTERM', stop);
// start.ts runs this process in a session of its own, so a terminal's Ctrl-C reaches start.ts only.
process.on('SIGINT', stop);
// `kill -USR2 <pid>`: the search engine again, e.g. after it crashed (outputs stay valid: same port).
process.on('SIGUSR2', () => {
  if (stopping) return;
  say('Restarting the search engine...');
  cloud.restartSearchEngine().then(
    () => say('Search engine restarted.'),
    (error: unknown) => complain(`The search engine could not restart: ${String(error)}`),
  );
});
