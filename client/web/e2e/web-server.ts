import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';

const CONFIG_FILE = fileURLToPath(new URL('../vite.config.ts', import.meta.url));

export interface WebServer {
  url: string;
  close(): Promise<void>;
}

/**
 * `npm run web` for a test: the Vite dev server on a free port of 127.0.0.1, serving the
 * deployment in `outputsFile` as /config.json. The config plugin reads IMAGEGRAPH_OUTPUTS on each
 * request (the web app's one configuration mechanism), so it is set for as long as the server runs.
 */
export async function startWebServer(outputsFile: string): Promise<WebServer> {
  const previous = process.env.IMAGEGRAPH_OUTPUTS;
  process.env.IMAGEGRAPH_OUTPUTS = outputsFile;
  const server = await createServer({
    configFile: CONFIG_FILE,
    logLevel: 'warn',
    clearScreen: false,
    server: { host: '127.0.0.1', port: 0, strictPort: true, hmr: false, watch: null },
  });
  await server.listen();
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('the Vite dev server did not report its URL');
  return {
    url,
    close: async () => {
      await server.close();
      if (previous === undefined) delete process.env.IMAGEGRAPH_OUTPUTS;
      else process.env.IMAGEGRAPH_OUTPUTS = previous;
    },
  };
}
