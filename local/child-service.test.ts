import { type ChildProcess, fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

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

  it('leaves a service started by hand (no IPC channel) alone', async () => {
    const service = start(['0', '1000'], false);
    const [code] = await service.exited;
    expect(code).toBe(7);
    expect(service.output()).toContain('started');
    expect(service.output()).not.toContain('stopped');
  });
});
