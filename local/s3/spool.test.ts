import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryBudget, spool, type Spooled } from './spool.ts';

const sha256 = (bytes: string) => createHash('sha256').update(bytes).digest('hex');
const body = 'a body in three chunks';
const chunks = () => Readable.from([body.slice(0, 5), body.slice(5, 12), body.slice(12)].map((part) => Buffer.from(part)));
/** What a spooled body forwards, read twice: forwarding must not consume what is held. */
const forwarded = async (spooled: Spooled) => [await text(spooled.read()), await text(spooled.read())];

describe('spool', () => {
  let directory: string;
  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'imagegraph-spool-'));
  });
  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('holds a small body in memory, no file made, and hashes it when asked (a signed payload hash to check)', async () => {
    const spooled = await spool(chunks(), directory, { sha256: true });
    expect(spooled).toMatchObject({ size: body.length, sha256: sha256(body), overflowed: false });
    expect(await readdir(directory)).toEqual([]);
    expect(await forwarded(spooled)).toEqual([body, body]);
  });

  it('does not hash a body that has no payload hash to check (a POST upload)', async () => {
    const spooled = await spool(chunks(), directory);
    expect(spooled).toMatchObject({ size: body.length, sha256: null, overflowed: false });
    expect(await forwarded(spooled)).toEqual([body, body]);
  });

  it('moves a body larger than inMemoryBytes to a temporary file, earlier chunks first, and removes the file on discard', async () => {
    const spooled = await spool(chunks(), directory, { sha256: true, inMemoryBytes: 8 });
    expect(spooled).toMatchObject({ size: body.length, sha256: sha256(body), overflowed: false });
    expect(await readdir(directory)).toHaveLength(1);
    expect(await forwarded(spooled)).toEqual([body, body]);
    await spooled.discard();
    expect(await readdir(directory)).toEqual([]);
    await expect(spooled.discard()).resolves.toBeUndefined();
  });

  it.each([Infinity, 4])('counts bytes beyond maxBytes but keeps and hashes only the first ones (in memory up to %s bytes)', async (inMemoryBytes) => {
    const spooled = await spool(chunks(), directory, { maxBytes: 8, sha256: true, inMemoryBytes });
    expect(spooled).toMatchObject({ size: body.length, sha256: sha256(body.slice(0, 8)), overflowed: true });
    expect(await forwarded(spooled)).toEqual([body.slice(0, 8), body.slice(0, 8)]);
    await spooled.discard();
  });

  it.each([Infinity, 4])('fails when the body fails, leaving no file behind (in memory up to %s bytes)', async (inMemoryBytes) => {
    const broken = new Readable({
      read() {
        this.push(Buffer.from(body));
        this.destroy(new Error('connection reset'));
      },
    });
    await expect(spool(broken, directory, { inMemoryBytes })).rejects.toThrow('connection reset');
    expect(await readdir(directory)).toEqual([]);
  });

  it("fails with the body's error, leaving no file behind, when it fails while a write to the file is under way", async () => {
    // Destroying the file fails the write under way (ERR_STREAM_DESTROYED): neither that error nor the file may remain.
    let chunks = 0;
    const broken = new Readable({
      read() {
        this.push(Buffer.alloc(1024 * 1024, chunks));
      },
    });
    const spooling = spool(broken, directory, { inMemoryBytes: 4 });
    // After spool's own listener has written the chunk: the third comes once the file is open and drained, so its write is under way.
    broken.on('data', () => {
      chunks += 1;
      if (chunks === 3) broken.destroy(new Error('framing broken'));
    });
    await expect(spooling).rejects.toThrow('framing broken');
    expect(await readdir(directory)).toEqual([]);
  });

  it('holds bodies in memory only while the shared budget has room, then spools to disk, and gives the bytes back on discard', async () => {
    const memory = new MemoryBudget(body.length + 4);
    const first = await spool(chunks(), directory, { memory });
    expect(memory.inUse).toBe(body.length);
    expect(await readdir(directory)).toEqual([]);
    const second = await spool(chunks(), directory, { memory });
    expect(await readdir(directory)).toHaveLength(1);
    // What the second held before the budget ran out went to its file with the rest.
    expect(memory.inUse).toBe(body.length);
    expect(await forwarded(second)).toEqual([body, body]);
    await Promise.all([first.discard(), second.discard()]);
    expect(memory.inUse).toBe(0);
    expect(await readdir(directory)).toEqual([]);
    await first.discard();
    expect(memory.inUse).toBe(0);
    const third = await spool(chunks(), directory, { memory });
    expect(await readdir(directory)).toEqual([]);
    await third.discard();
  });

  it('gives the budget back when a body moves to a file or fails', async () => {
    const memory = new MemoryBudget(1024);
    const large = await spool(chunks(), directory, { memory, inMemoryBytes: 8 });
    expect(memory.inUse).toBe(0);
    await large.discard();
    const broken = new Readable({
      read() {
        this.push(Buffer.from(body));
        this.destroy(new Error('connection reset'));
      },
    });
    await expect(spool(broken, directory, { memory })).rejects.toThrow('connection reset');
    expect(memory.inUse).toBe(0);
  });
});
