import { type ChildProcess, fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startChildService, STOP_WHEN_PARENT_GONE_MS } from './child-service.ts';

const CHILD = fileURLToPath(new URL('./testing/stop-with-parent-child.ts', import.meta.url));

/** The child with stdout collected; `ipc` false: started by hand, no channel. */
function start(args: string[], ipc = true): { child: ChildProcess; output: () => string; exited: Promise<[number | null, string | null]> } {
  const child = ipc
    ? fork(CHILD, args, { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'pipe', 'inherit', 'ipc'] })
    : spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, 'exit') as Promise<[number | null, string | null]>;
  return { child, output: () => output, exited };
}

describe('stopWithParent', () => {
  it('exits at once when the cloud goes away while the service is still starting', async () => {
    const service = start(['60000']);
    await expect.poll(() => service.output()).toContain('starting');
    service.child.disconnect();
    const [code] = await service.exited;
    expect(code).toBe(0);
    expect(service.output()).not.toContain('started');
  });

  it("runs the service's stop when the cloud goes away after it started", async () => {
    const service = start(['0']);
    await expect.poll(() => service.output()).toContain('started');
    service.child.disconnect();
    const [code] = await service.exited;
    expect(code).toBe(0);
    expect(service.output()).toContain('stopped');
  });

  it('cuts a stop short that has not finished STOP_WHEN_PARENT_GONE_MS after the cloud went away', async () => {
    const service = start(['0', '600000', '600000']);
    await expect.poll(() => service.output(), { timeout: 30_000 }).toContain('started');
    service.child.disconnect();
    const [code] = await service.exited;
    expect(code).toBe(1);
    expect(service.output()).toContain('stopping');
    expect(service.output()).not.toContain('stopped');
  }, STOP_WHEN_PARENT_GONE_MS + 30_000);

  it('leaves a service started by hand (no IPC channel) alone', async () => {
    const service = start(['0', '1000'], false);
    const [code] = await service.exited;
    expect(code).toBe(7);
    expect(service.output()).toContain('started');
    expect(service.output()).not.toContain('stopped');
  });
});

describe('holdDataDirectory', () => {
  const dataDirs: string[] = [];
  const previousRuns: ChildProcess[] = [];
  afterAll(async () => {
    for (const child of previousRuns) child.kill('SIGKILL');
    await Promise.all(dataDirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });
  const dataDirectory = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'imagegraph-child-hold-'));
    dataDirs.push(dir);
    return dir;
  };
  /** The previous run's service, holding `dataDir` and running (until the test ends it). */
  async function previousRun(dataDir: string) {
    const previous = start(['0', '600000', '0', dataDir]);
    previousRuns.push(previous.child);
    await expect.poll(() => previous.output(), { timeout: 30_000 }).toContain('started');
    return previous;
  }

  it("waits for the previous run's process to let the data directory go, telling the cloud, and starts once it is gone", async () => {
    const dataDir = await dataDirectory();
    const previous = await previousRun(dataDir);
    const lines: string[] = [];
    let settled = false;
    const starting = startChildService({ name: 'stand-in', main: CHILD, args: ['0', '600000', '0', dataDir], log: (line) => lines.push(line) }).finally(() => (settled = true));
    const waiting = `waiting for the previous stand-in service (pid ${String(previous.child.pid)}) to finish with ${dataDir}`;
    await expect.poll(() => lines, { timeout: 30_000 }).toEqual([waiting]);
    expect(settled).toBe(false);
    previous.child.kill('SIGKILL');
    const service = await starting;
    // Its first line, printed once it held the directory.
    expect(service.url).toBe('starting');
    expect(lines).toEqual([waiting]);
    await service.stop();
  }, 60_000);

  it("exits, telling the cloud why, when the previous run's process does not let go", async () => {
    const dataDir = await dataDirectory();
    const previous = await previousRun(dataDir);
    const pid = String(previous.child.pid);
    const lines: string[] = [];
    await expect(startChildService({ name: 'stand-in', main: CHILD, args: ['0', '600000', '0', dataDir], log: (line) => lines.push(line) })).rejects.toThrow(
      'stand-in exited (1) before it was ready; its errors are above',
    );
    expect(lines).toEqual([
      `waiting for the previous stand-in service (pid ${pid}) to finish with ${dataDir}`,
      `The stand-in data directory ${dataDir} is still held by the previous stand-in service (pid ${pid}) after 10000 ms; stop that process (kill ${pid}) and start again.`,
    ]);
    previous.child.kill('SIGKILL');
  }, 60_000);
});
