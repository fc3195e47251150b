import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spool } from './spool.ts';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const body = Buffer.from('a body in three chunks');
const chunks = () => Readable.from([body.subarray(0, 5), body.subarray(5, 12), body.subarray(12)]);

describe('spool', () => {
  let directory: string;
  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'imagegraph-spool-'));
  });
  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('keeps the body in a file and hashes it when asked (a signed payload hash to check)', async () => {
    const spooled = await spool(chunks(), directory, { sha256: true });
    expect(spooled).toMatchObject({ size: body.length, sha256: sha256(body), overflowed: false });
    expect(await readFile(spooled.path)).toEqual(body);
  });

  it('does not hash a body that has no payload hash to check (a POST upload)', async () => {
    const spooled = await spool(chunks(), directory);
    expect(spooled).toMatchObject({ size: body.length, sha256: null, overflowed: false });
    expect(await readFile(spooled.path)).toEqual(body);
  });

  it('counts bytes beyond maxBytes but keeps and hashes only the first ones', async () => {
    const spooled = await spool(chunks(), directory, { maxBytes: 8, sha256: true });
    expect(spooled).toMatchObject({ size: body.length, sha256: sha256(body.subarray(0, 8)), overflowed: true });
    expect(await readFile(spooled.path)).toEqual(body.subarray(0, 8));
  });

  it('removes its file on discard, and a second discard is harmless', async () => {
    const spooled = await spool(chunks(), directory);
    await spooled.discard();
    expect(existsSync(spooled.path)).toBe(false);
    await expect(spooled.discard()).resolves.toBeUndefined();
  });

  it('fails when the body fails, leaving no file behind', async () => {
    const broken = new Readable({
      read() {
        this.push(body);
        this.destroy(new Error('connection reset'));
      },
    });
    await expect(spool(broken, directory)).rejects.toThrow('connection reset');
    expect(await readdir(directory)).toEqual([]);
  });
});
