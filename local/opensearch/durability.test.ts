import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@opensearch-project/opensearch';
import { afterAll, describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'opensearch-durability-'));
const children: ChildProcess[] = [];

/** Starts the CLI in its own process and resolves with the URL it prints. */
function startProcess(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, '--data-dir', dataDir, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.stdout?.once('data', (chunk: Buffer) => resolve({ child, url: chunk.toString().trim() }));
    child.once('exit', (code) => reject(new Error(`engine exited early with ${String(code)}`)));
  });
}

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

describe('durability', () => {
  it('an acknowledged write survives kill -9 and a restart', async () => {
    const first = await startProcess();
    const client = new Client({ node: first.url });
    await client.index({ index: 'durable', id: 'doc1', body: { title: 'kept' }, refresh: false });
    await client.bulk({ body: [{ index: { _index: 'durable', _id: 'doc2' } }, { title: 'bulk kept' }] });
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));
    await client.close();

    const second = await startProcess();
    const again = new Client({ node: second.url });
    const { body } = await again.get({ index: 'durable', id: 'doc1' });
    expect(body._source).toEqual({ title: 'kept' });
    const found = await again.search({ index: 'durable', body: { query: { match: { title: 'kept' } } } });
    expect(found.body.hits.hits.map((h) => h._id).sort()).toEqual(['doc1', 'doc2']);
    await again.close();
    second.child.kill('SIGKILL');
  });
});
