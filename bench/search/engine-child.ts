/**
 * The measured process: the local search engine alone, started on the data directory it is given
 * (argv[2]) for the region argv[3], accepting the key pair in its environment (as the local cloud
 * starts it). It reports its URL over IPC and stops when asked, or when its parent goes away.
 * Bundled with the engine by engine.ts (see there), so nothing of the benchmark runs in it.
 */
import { type KeyPair, keyPairFromEnv } from '../../local/sigv4.ts';

export interface EngineChildMessage {
  type: 'ready';
  url: string;
}

type Start = (options: { dataDir: string; port: number; auth: { credentials: KeyPair; region: string } }) => Promise<{ url: string; close(): Promise<void> }>;

export async function runEngineChild(startSearchEngine: Start): Promise<void> {
  const [dataDir, region] = process.argv.slice(2);
  const credentials = keyPairFromEnv(process.env);
  if (!dataDir || !region || !credentials || !process.send) throw new Error('engine-child: expected data directory and region arguments, a key pair in the environment and an IPC channel');
  const engine = await startSearchEngine({ dataDir, port: 0, auth: { credentials, region } });
  const stop = () => {
    void engine.close().finally(() => process.exit(0));
  };
  process.on('message', (message: { type?: string }) => {
    if (message.type === 'stop') stop();
  });
  process.on('disconnect', stop);
  process.send({ type: 'ready', url: engine.url } satisfies EngineChildMessage);
}
