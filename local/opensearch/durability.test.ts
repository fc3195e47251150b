import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSearchClient } from '../../functions/process-image/image-index.ts';
import { afterAll, describe, expect, it } from 'vitest';
import { type ChildService, startChildService } from '../child-service.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../config.ts';
import { SEARCH_ENGINE_NODE_FLAGS } from './start.ts';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'opensearch-durability-'));
// Another engine's: one engine process per data directory (local/service-lock.ts).
const launchedDataDir = mkdtempSync(join(tmpdir(), 'opensearch-launched-'));
const children: ChildService[] = [];

/** Starts the CLI in its own process, as the local cloud does. */
async function startProcess(): Promise<ChildService> {
  const child = await startChildService({
    name: 'search engine',
    main: MAIN,
    args: ['--data-dir', dataDir, '--port', '0'],
    nodeFlags: SEARCH_ENGINE_NODE_FLAGS,
  });
  children.push(child);
  return child;
}

afterAll(async () => {
  await Promise.all(children.map((child) => child.stop(0)));
  for (const dir of [dataDir, launchedDataDir]) rmSync(dir, { recursive: true, force: true });
});

describe('durability', () => {
  it('an acknowledged write survives kill -9 and a restart', async () => {
    const first = await startProcess();
    // main.ts accepts the local cloud's key pair when its environment names none.
    const client = createSearchClient({ searchEndpoint: first.url, region: LOCAL_REGION }, LOCAL_CREDENTIALS);
    await client.index({ index: 'durable', id: 'doc1', body: { title: 'kept' }, refresh: false });
    await client.bulk({ body: [{ index: { _index: 'durable', _id: 'doc2' } }, { title: 'bulk kept' }] });
    process.kill(first.pid, 'SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    await client.close();

    const second = await startProcess();
    const again = createSearchClient({ searchEndpoint: second.url, region: LOCAL_REGION }, LOCAL_CREDENTIALS);
    const { body } = await again.get({ index: 'durable', id: 'doc1' });
    expect(body._source).toEqual({ title: 'kept' });
    const found = await again.search({ index: 'durable', body: { query: { match: { title: 'kept' } } } });
    expect(found.body.hits.hits.map((h) => h._id).sort()).toEqual(['doc1', 'doc2']);
    await again.close();
  });

  it('the engine process exits when the process that started it is killed', async () => {
    const launcher = fileURLToPath(new URL('../child-service.ts', import.meta.url));
    const script = [
      `import { startChildService } from ${JSON.stringify(launcher)};`,
      `const child = await startChildService({ name: 'engine', main: ${JSON.stringify(MAIN)}, args: ['--data-dir', ${JSON.stringify(launchedDataDir)}, '--port', '0'] });`,
      'console.log(child.pid);',
    ].join('\n');
    const parent = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const enginePid = await new Promise<number>((resolve, reject) => {
      parent.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
      parent.once('exit', (code) => reject(new Error(`launcher exited early (${String(code)})`)));
    });
    expect(isAlive(enginePid)).toBe(true);
    parent.kill('SIGKILL');
    await expect.poll(() => isAlive(enginePid)).toBe(false);
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
