import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const IMAGEGRAPH = fileURLToPath(new URL('../../client/cli/imagegraph.ts', import.meta.url));

/**
 * The `imagegraph` CLI as an operator runs it, in its own process against the deployment in
 * `outputsFile`; returns what it printed with --json.
 */
export async function runImagegraph<T>(outputsFile: string, command: string, args: readonly string[] = []): Promise<T> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', IMAGEGRAPH, '--outputs', outputsFile, command, ...args, '--json'], {
    env: process.env,
    timeout: 60_000,
  });
  return JSON.parse(stdout) as T;
}
