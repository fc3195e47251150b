/**
 * The web app's dev server and build. The deployment comes from the same outputs file the CLI
 * reads (.imagegraph/outputs.json or cdk-outputs.json, or IMAGEGRAPH_OUTPUTS): the dev server
 * serves it as /config.json, read on every request so a restarted local cloud is picked up, and
 * the build writes it next to the app (when there is one: on AWS the stack writes config.json).
 */
import react from '@vitejs/plugin-react';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { DEFAULT_OUTPUTS_FILES, loadClientConfig } from '../cli/deployment.ts';

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
    generateBundle() {
      // A build for AWS needs no outputs file: the stack writes its own config.json when it deploys.
      if (!process.env.IMAGEGRAPH_OUTPUTS && !DEFAULT_OUTPUTS_FILES.some((file) => existsSync(file))) {
        this.warn(`no deployment outputs (${DEFAULT_OUTPUTS_FILES.join(', ')}): config.json left out; the AWS stack writes its own`);
        return;
      }
      this.emitFile({ type: 'asset', fileName: CONFIG_PATH.slice(1), source: read() });
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
