/**
 * The web app's dev server and build. The app reads its deployment from /config.json at run time,
 * so one build runs anywhere: on AWS the stack writes config.json beside it, `npm start` serves the
 * local cloud's (local/web/server.ts), and this dev server serves the outputs file the CLI reads
 * (.imagegraph/outputs.json or cdk-outputs.json, or IMAGEGRAPH_OUTPUTS), read on every request so
 * a restarted local cloud is picked up. The build itself never contains a config.json.
 */
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { loadClientConfig } from '../cli/deployment.ts';

const root = fileURLToPath(new URL('.', import.meta.url));
const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

export const CONFIG_PATH = '/config.json';

function deploymentConfig(): Plugin {
  const read = () => JSON.stringify(loadClientConfig(process.env.IMAGEGRAPH_OUTPUTS));
  return {
    name: 'imagegraph-deployment-config',
    configureServer(server) {
      server.middlewares.use(CONFIG_PATH, (_request, response) => {
        response.setHeader('content-type', 'application/json');
        response.setHeader('cache-control', 'no-store');
        try {
          response.end(read());
        } catch (error) {
          response.statusCode = 503;
          response.end(JSON.stringify({ message: (error as Error).message }));
        }
      });
    },
  };
}

export default defineConfig({
  root,
  // The outputs file paths are relative to the project root, as for the CLI.
  envDir: projectRoot,
  plugins: [react(), deploymentConfig()],
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
  build: { outDir: fileURLToPath(new URL('../../dist/web', import.meta.url)), emptyOutDir: true },
});
