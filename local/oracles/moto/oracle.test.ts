import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { motoForConformance, startMotoOracle } from './oracle.ts';

/** A PATH with what run.sh needs but python3, as on a machine without Python. */
describe('the moto oracle without Python', () => {
  let bin: string;
  beforeAll(async () => {
    bin = await mkdtemp(join(tmpdir(), 'imagegraph-no-python-'));
    for (const tool of ['bash', 'dirname']) await symlink(`/usr/bin/${tool}`, join(bin, tool)).catch(() => symlink(`/bin/${tool}`, join(bin, tool)));
  });
  afterAll(() => rm(bin, { recursive: true, force: true }));
  const env = (ci: string) => ({ PATH: bin, CI: ci });

  it('is a skip for a developer, saying what was skipped', async () => {
    expect(await startMotoOracle(env(''))).toEqual({ skipped: 'moto oracle: SKIPPED: python3 is not installed' });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(await motoForConformance('the SQS conformance cases', env(''))).toBeUndefined();
    expect(warn).toHaveBeenCalledWith('moto oracle: SKIPPED: python3 is not installed\n  -> skipped: the SQS conformance cases against moto (run against the local service only)');
    warn.mockRestore();
  });

  it('is a failure in CI', async () => {
    await expect(startMotoOracle(env('true'))).rejects.toThrow(/exited with 1:\nmoto oracle: python3 is not installed \(CI=true: failing\)/);
  });
});

describe('the moto oracle', () => {
  it('serves on loopback and is gone after stop()', async () => {
    const start = await startMotoOracle();
    if ('skipped' in start) return expect(start.skipped).toContain('SKIPPED');
    const { endpoint } = start.moto;
    expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${endpoint}/moto-api/`)).status).toBe(200);
    await start.moto.stop();
    await expect(fetch(`${endpoint}/moto-api/`)).rejects.toThrow();
  });
});
