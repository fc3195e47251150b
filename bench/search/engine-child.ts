/**
 * The measured process: the local search engine alone, started on the data directory it is given
 * (argv[2]). It reports its URL over IPC and stops when asked, or when its parent goes away.
 * Bundled with the engine by engine.ts (see there), so nothing of the benchmark runs in it.
 */
export interface EngineChildMessage {
  type: 'ready';
  url: string;
}

type Start = (options: { dataDir: string; port: number }) => Promise<{ url: string; close(): Promise<void> }>;

export async function runEngineChild(startSearchEngine: Start): Promise<void> {
  const dataDir = process.argv[2];
  if (!dataDir || !process.send) throw new Error('engine-child: expected a data directory argument and an IPC channel');
  const engine = await startSearchEngine({ dataDir, port: 0 });
  const stop = () => {
    void engine.close().finally(() => process.exit(0));
  };
  process.on('message', (message: { type?: string }) => {
    if (message.type === 'stop') stop();
  });
  process.on('disconnect', stop);
  process.send({ type: 'ready', url: engine.url } satisfies EngineChildMessage);
}
