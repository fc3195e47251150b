import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyAtomicWrites, type CommittingWrite, interruptedWrites, settleInterruptedWrites, type StoredObject } from './store-writes.ts';
import { S3Object, type S3rverStore, s3rverStore } from './testing/s3rver-store.ts';

let directory: string;
// The store s3rver runs (store-process.ts).
let store: S3rverStore;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'imagegraph-store-writes-'));
  store = await s3rverStore(directory);
  applyAtomicWrites(store);
});
afterEach(() => rm(directory, { recursive: true, force: true }));

const body = (n: number) => Buffer.from(`{"n":${n},"pad":"${'x'.repeat(5000 + n * 100)}"}`);
const md5 = (bytes: Buffer) => createHash('md5').update(bytes).digest('hex');
/** An object's three files as they are on disk (bytes, ETag, metadata). */
const filesOf = async (key: string) =>
  Promise.all(['object', 'object.md5', 'metadata.json'].map((resource) => readFile(store.getResourcePath('b', key, resource), 'utf8').catch(() => null)));
const temporaryFiles = async () => (await readdir(directory, { recursive: true })).filter((name) => name.endsWith('.tmp'));
const put = (key: string, content: StoredObject['content'], metadata: Record<string, unknown> = {}) => store.putObject(new S3Object('b', key, content, metadata));

// s3rver's own putObject answered before the bytes were written (rarely seen: 1 to 4 in 2,000
// PUT-then-GET pairs through HTTP); each write's three files are checked right after its answer.
it('answers a write once its bytes, ETag and metadata are in place', async () => {
  for (let n = 0; n < 20; n += 1) {
    const bytes = body(n);
    // Streamed in two chunks (a request body) or whole (a Buffer), as s3rver's controllers hand them.
    const content = n % 2 ? bytes : Readable.from([bytes.subarray(0, 2000), bytes.subarray(2000)]);
    const metadata = { 'content-type': 'application/json', 'x-amz-meta-n': String(n) };
    expect(await put(`meta/owner/${n}.json`, content, metadata)).toEqual({ size: bytes.length, md5: md5(bytes) });
    const [stored, etag, storedMetadata] = await filesOf(`meta/owner/${n}.json`);
    expect({ bytes: stored === bytes.toString(), etag, metadata: JSON.parse(storedMetadata ?? 'null') }).toEqual({ bytes: true, etag: md5(bytes), metadata });
  }
  expect(await temporaryFiles()).toEqual([]);
});

// store-keys.ts keeps a name of up to 233 bytes, leaving room for `._S3rver_metadata.json`; a temporary name is no longer.
it('writes a key whose name is the longest the store keeps', async () => {
  const key = `long/${'n'.repeat(233)}`;
  await put(key, body(2), { 'x-amz-meta-n': '2' });
  expect((await filesOf(key))[1]).toBe(md5(body(2)));
});

it('stores an empty object', async () => {
  expect(await put('empty', Readable.from([]))).toEqual({ size: 0, md5: md5(Buffer.alloc(0)) });
  expect((await stat(store.getResourcePath('b', 'empty', 'object'))).size).toBe(0);
});

it('reads, during concurrent overwrites, each object whole: bytes, ETag and metadata of one write', async () => {
  await put('k', body(0), { 'x-amz-meta-n': '0' });
  let writing = true;
  const writes = Promise.all(Array.from({ length: 40 }, (_, n) => put('k', Readable.from([body(n)]), { 'x-amz-meta-n': String(n) }))).finally(() => {
    writing = false;
  });
  const reads: number[] = [];
  const reader = async () => {
    do {
      const object = await store.getObject('b', 'k');
      const n = Number(object?.metadata['x-amz-meta-n']);
      const bytes = Buffer.from(await text(object!.content as Readable));
      expect({ etag: object?.metadata.etag, bytes: md5(bytes), length: object?.metadata['content-length'] }).toEqual({
        etag: JSON.stringify(md5(body(n))),
        bytes: md5(body(n)),
        length: body(n).length,
      });
      reads.push(n);
    } while (writing);
  };
  await Promise.all([writes, reader(), reader(), reader()]);
  expect(reads.length).toBeGreaterThanOrEqual(3);
});

it('keeps the old object byte for byte when a write over it breaks off, and leaves no temporary file', async () => {
  await put('kept', body(1), { 'x-amz-meta-n': '1' });
  const before = await filesOf('kept');
  const broken = new Readable({
    read() {
      this.push(Buffer.from('half a body'));
      this.destroy(new Error('aborted'));
    },
  });
  await expect(put('kept', broken, { 'x-amz-meta-n': '2' })).rejects.toThrow('aborted');
  expect(await filesOf('kept')).toEqual(before);
  expect(await temporaryFiles()).toEqual([]);
});

it('copies an object whole, its ETag and metadata with it, or with the replacement metadata', async () => {
  await put('source', body(3), { 'content-type': 'application/json', 'x-amz-meta-n': '3' });
  const copied = await store.copyObject('b', 'source', 'b', 'copy', null);
  expect(copied).toMatchObject({ etag: JSON.stringify(md5(body(3))), 'content-length': body(3).length, 'x-amz-meta-n': '3' });
  expect(await filesOf('copy')).toEqual(await filesOf('source'));
  const replaced = await store.copyObject('b', 'source', 'b', 'source', { 'content-type': 'text/plain', 'x-amz-meta-n': '4', host: 'dropped' });
  expect(replaced).toMatchObject({ etag: JSON.stringify(md5(body(3))), 'content-type': 'text/plain', 'x-amz-meta-n': '4' });
  expect(JSON.parse((await filesOf('source'))[2]!)).toEqual({ 'content-type': 'text/plain', 'x-amz-meta-n': '4' });
  // A source deleted after s3rver's controller found it: S3's NoSuchKey, not a 500.
  await expect(store.copyObject('b', 'gone', 'b', 'copy', null)).rejects.toMatchObject({ code: 'NoSuchKey' });
});

it('answers a copy whose result a delete removed right after it was written', async () => {
  await put('source', body(3));
  const getMetadata = store.getMetadata.bind(store);
  // The delete lands between the copy's rename into place and its read of the copy's metadata.
  store.getMetadata = async (bucket, key) => {
    if (key === 'copy') await store.deleteObject(bucket, key);
    return getMetadata(bucket, key);
  };
  const copied = await store.copyObject('b', 'source', 'b', 'copy', null);
  expect(copied).toMatchObject({ etag: JSON.stringify(md5(body(3))), 'content-length': body(3).length });
  expect(new Date(String(copied['last-modified'])).getTime()).not.toBeNaN();
});

describe("a write's event", () => {
  /** What each call of the events saw: the key's bytes in place and whether the write's temporary bytes file existed. */
  let calls: { call: string; id?: number; operation?: string; bytes: string | null; temporaryBytes?: boolean }[];
  let recordFails: boolean;
  beforeEach(async () => {
    calls = [];
    recordFails = false;
    let ids = 0;
    // A store of its own: the events are what each write is given when the store is made atomic.
    store = await s3rverStore(directory);
    const pending = new Map<number, CommittingWrite>();
    applyAtomicWrites(store, {
      record: (write) => {
        if (recordFails) throw new Error('outbox busy');
        ids += 1;
        pending.set(ids, write);
        // Synchronous: what the files are at this instant, as the key's lock holds them.
        calls.push({ call: 'record', id: ids, operation: write.operation, bytes: readFileSyncOrNull(store.getResourcePath('b', write.key, 'object')), temporaryBytes: existsSync(write.temporaryBytes) });
        return ids;
      },
      recordRemoval: () => undefined,
      ready: (id) => calls.push({ call: 'ready', id, bytes: readFileSyncOrNull(store.getResourcePath('b', pending.get(id)!.key, 'object')) }),
      forget: (id) => calls.push({ call: 'forget', id, bytes: readFileSyncOrNull(store.getResourcePath('b', pending.get(id)!.key, 'object')), temporaryBytes: existsSync(pending.get(id)!.temporaryBytes) }),
    });
  });
  /** A file's content, or null when there is no file there. */
  const readFileSyncOrNull = (path: string) => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return null;
    }
  };

  it('is recorded before the bytes are renamed into place, and marked ready after the renames, for a put and a copy', async () => {
    await put('k', body(1));
    await store.copyObject('b', 'k', 'b', 'copy', null);
    expect(calls).toEqual([
      { call: 'record', id: 1, operation: 'put', bytes: null, temporaryBytes: true },
      { call: 'ready', id: 1, bytes: body(1).toString() },
      { call: 'record', id: 2, operation: 'copy', bytes: null, temporaryBytes: true },
      { call: 'ready', id: 2, bytes: body(1).toString() },
    ]);
  });

  it('is forgotten, before the temporary bytes go, when the commit fails, and the old object stays', async () => {
    await put('k', body(1));
    const before = await filesOf('k');
    // The bytes' rename fails: a non-empty directory holds their place.
    const bytesPath = store.getResourcePath('b', 'k', 'object');
    await rm(bytesPath);
    await mkdir(join(bytesPath, 'x'), { recursive: true });
    await expect(put('k', body(2))).rejects.toMatchObject({ code: expect.stringMatching(/^(EISDIR|ENOTEMPTY|EEXIST)$/) });
    expect(calls.slice(2)).toEqual([
      { call: 'record', id: 2, operation: 'put', bytes: null, temporaryBytes: true },
      { call: 'forget', id: 2, bytes: null, temporaryBytes: true },
    ]);
    expect((await filesOf('k')).slice(1)).toEqual(before.slice(1));
    expect(await temporaryFiles()).toEqual([]);
  });

  it('is marked ready when the write fails after its bytes were renamed: it committed', async () => {
    // The ETag's rename fails: a non-empty directory holds its place.
    await mkdir(join(store.getResourcePath('b', 'k', 'object.md5'), 'x'), { recursive: true });
    await expect(put('k', body(2))).rejects.toMatchObject({ code: expect.stringMatching(/^(EISDIR|ENOTEMPTY|EEXIST)$/) });
    expect(calls.map(({ call, id }) => [call, id])).toEqual([
      ['record', 1],
      ['ready', 1],
    ]);
    expect((await filesOf('k'))[0]).toBe(body(2).toString());
  });

  it('fails the write, leaving the old object, when it cannot be recorded', async () => {
    await put('k', body(1));
    const before = await filesOf('k');
    recordFails = true;
    await expect(put('k', body(2))).rejects.toThrow('outbox busy');
    expect(await filesOf('k')).toEqual(before);
    expect(await temporaryFiles()).toEqual([]);
  });
});

describe("a delete's event", () => {
  /** Each call of the events, with whether the key's bytes file existed then. */
  let calls: { call: string; id?: number; key?: string; bytes: boolean }[];
  let recordFails: boolean;
  /** Where s3rver's own delete (the layout's, in the store) fails: before removing anything, or after the files. */
  let deleteFails: 'before' | 'after' | undefined;
  beforeEach(async () => {
    calls = [];
    recordFails = false;
    deleteFails = undefined;
    store = await s3rverStore(directory);
    const removeFiles = store.deleteObject.bind(store);
    store.deleteObject = async (bucket, key) => {
      if (deleteFails === 'before') throw new Error('EIO before');
      await removeFiles(bucket, key);
      if (deleteFails === 'after') throw new Error('EIO after');
    };
    const keys = new Map<number, string>();
    const bytesThere = (key: string) => existsSync(store.getResourcePath('b', key, 'object'));
    applyAtomicWrites(store, {
      record: () => undefined,
      recordRemoval: ({ key, bytes }) => {
        if (recordFails) throw new Error('outbox busy');
        keys.set(keys.size + 1, key);
        calls.push({ call: 'record', id: keys.size, key, bytes: existsSync(bytes) });
        return keys.size;
      },
      ready: (id) => calls.push({ call: 'ready', id, bytes: bytesThere(keys.get(id)!) }),
      forget: (id) => calls.push({ call: 'forget', id, bytes: bytesThere(keys.get(id)!) }),
    });
    await put('k', body(1));
  });

  it('is recorded before the files are removed, and marked ready once they are', async () => {
    await store.deleteObject('b', 'k');
    expect(calls).toEqual([
      { call: 'record', id: 1, key: 'k', bytes: true },
      { call: 'ready', id: 1, bytes: false },
    ]);
    expect(await filesOf('k')).toEqual([null, null, null]);
  });

  // s3rver's controller finds the object before the key's lock: two deletes of it may both find it.
  it('is recorded once for deletes of one object at once, by the one that removed it', async () => {
    await Promise.all([store.deleteObject('b', 'k'), store.deleteObject('b', 'k')]);
    expect(calls.map(({ call }) => call)).toEqual(['record', 'ready']);
  });

  it('is forgotten when the delete fails with the object still there, which stays', async () => {
    const before = await filesOf('k');
    deleteFails = 'before';
    await expect(store.deleteObject('b', 'k')).rejects.toThrow('EIO before');
    expect(calls).toEqual([
      { call: 'record', id: 1, key: 'k', bytes: true },
      { call: 'forget', id: 1, bytes: true },
    ]);
    expect(await filesOf('k')).toEqual(before);
  });

  it('is marked ready when the delete fails after removing the bytes: the object is gone', async () => {
    deleteFails = 'after';
    await expect(store.deleteObject('b', 'k')).rejects.toThrow('EIO after');
    expect(calls.map(({ call, bytes }) => [call, bytes])).toEqual([
      ['record', true],
      ['ready', false],
    ]);
  });

  it('fails the delete, leaving the object, when it cannot be recorded', async () => {
    const before = await filesOf('k');
    recordFails = true;
    await expect(store.deleteObject('b', 'k')).rejects.toThrow('outbox busy');
    expect(await filesOf('k')).toEqual(before);
  });
});

describe('parts', () => {
  const partPath = (n: number) => join(store.getResourcePath('b', undefined, 'uploads'), 'upload-1', String(n));

  it('are written whole before the answer, with their MD5 beside them', async () => {
    const bytes = body(7);
    const written = await store.putPart('b', 'upload-1', 1, Readable.from([bytes.subarray(0, 100), bytes.subarray(100)]));
    expect(written).toEqual({ size: bytes.length, md5: md5(bytes) });
    expect(await readFile(partPath(1))).toEqual(bytes);
    expect(await readFile(`${partPath(1)}.md5`, 'utf8')).toBe(md5(bytes));
  });

  it('keep the part they would replace when their body breaks off', async () => {
    await store.putPart('b', 'upload-1', 1, Readable.from([body(7)]));
    const broken = new Readable({
      read() {
        this.destroy(new Error('aborted'));
      },
    });
    await expect(store.putPart('b', 'upload-1', 1, broken)).rejects.toThrow('aborted');
    expect(await readFile(partPath(1))).toEqual(body(7));
    expect(await temporaryFiles()).toEqual([]);
  });
});

describe('after a crash', () => {
  const OLD: [string, string, string] = [body(1).toString(), md5(body(1)), '{"x-amz-meta-n":"1"}'];
  const NEW: [string, string, string] = [body(2).toString(), md5(body(2)), '{"x-amz-meta-n":"2"}'];
  /** Key `k` as a crash of the store left it: its files in place, and the temporary files of write 5 named by role. */
  const leave = async (inPlace: (string | null)[], temporary: { o?: string; e?: string; m?: string }) => {
    const resources = ['object', 'object.md5', 'metadata.json'];
    await mkdir(dirname(store.getResourcePath('b', 'k', 'object')), { recursive: true });
    for (const [index, content] of inPlace.entries()) {
      if (content !== null) await writeFile(store.getResourcePath('b', 'k', resources[index]!), content);
    }
    for (const [letter, content] of Object.entries(temporary)) await writeFile(store.getResourcePath('b', 'k', `5.${letter}.tmp`), content);
  };

  it.each([
    ['the new bytes were being written', OLD, { o: 'half' }, OLD],
    ['its ETag was being written', OLD, { o: NEW[0], e: '' }, OLD],
    ['its three files were written', OLD, { o: NEW[0], e: NEW[1], m: NEW[2] }, OLD],
    ['its bytes were renamed into place', [NEW[0], OLD[1], OLD[2]], { e: NEW[1], m: NEW[2] }, NEW],
    ['its bytes and ETag were renamed into place', [NEW[0], NEW[1], OLD[2]], { m: NEW[2] }, NEW],
    ['its bytes were renamed over no object', [NEW[0], null, null], { e: NEW[1], m: NEW[2] }, NEW],
    ['its removal (after a failure) had removed its metadata and ETag', OLD, { o: NEW[0] }, OLD],
  ])('a write is undone or completed at the next start, as far as it went: when %s', async (_, inPlace, temporary, expected) => {
    await leave(inPlace, temporary);
    await settleInterruptedWrites(directory);
    expect(await filesOf('k')).toEqual(expected);
    expect(await temporaryFiles()).toEqual([]);
  });

  // S3 allows any key: a directory a key's path makes may end in `.tmp`, or look like a temporary file.
  it.each(['backup.tmp/photo.jpg', 'x._S3rver_1.o.tmp/y', 'x._S3rver_1.e.tmp/y', 'x._S3rver_1.m.tmp/y'])('leaves the objects of key %s as they are', async (key) => {
    await put(key, body(1));
    const stored = await filesOf(key);
    await settleInterruptedWrites(directory);
    expect(await filesOf(key)).toEqual(stored);
    expect(stored[0]).toBe(OLD[0]);
  });

  // A write whose temporary ETag name a key's directory had taken failed, and left its bytes' one.
  it("removes a failed write's temporary files, not a key's directory of the same name", async () => {
    await put('k._S3rver_5.e.tmp/y', body(1));
    await leave(OLD, { o: NEW[0] });
    await settleInterruptedWrites(directory);
    expect(await filesOf('k')).toEqual(OLD);
    expect((await filesOf('k._S3rver_5.e.tmp/y'))[0]).toBe(OLD[0]);
    expect(await temporaryFiles()).toEqual(['b/k._S3rver_5.e.tmp']);
  });

  it("completes a write renamed half into place, leaving a key's directory named like one of its temporary files", async () => {
    await put('k._S3rver_5.e.tmp/y', body(1));
    await leave([NEW[0], NEW[1], OLD[2]], { m: NEW[2] });
    await settleInterruptedWrites(directory);
    expect(await filesOf('k')).toEqual(NEW);
    expect((await filesOf('k._S3rver_5.e.tmp/y'))[0]).toBe(OLD[0]);
  });

  it('removes parts left half written', async () => {
    const part = join(store.getResourcePath('b', undefined, 'uploads'), 'upload-1', '1.3.tmp');
    await mkdir(dirname(part), { recursive: true });
    await writeFile(part, 'half a part');
    await settleInterruptedWrites(directory);
    expect(await temporaryFiles()).toEqual([]);
  });
});

it('finds interrupted writes by their temporary files, one per key and generation', () => {
  const writes = interruptedWrites([
    '/s/b/a._S3rver_object',
    '/s/b/a._S3rver_3.o.tmp',
    '/s/b/a._S3rver_3.m.tmp',
    '/s/b/a._S3rver_4.e.tmp',
    // A key whose name holds s3rver's suffix: the last one is the store's.
    '/s/b/x._S3rver_object._S3rver_a1.m.tmp',
    '/s/b/._S3rver_uploads/u/1.7.tmp',
  ]);
  expect(writes).toEqual([
    {
      temps: { bytes: '/s/b/a._S3rver_3.o.tmp', etag: '/s/b/a._S3rver_3.e.tmp', metadata: '/s/b/a._S3rver_3.m.tmp' },
      finals: { bytes: '/s/b/a._S3rver_object', etag: '/s/b/a._S3rver_object.md5', metadata: '/s/b/a._S3rver_metadata.json' },
    },
    {
      temps: { bytes: '/s/b/a._S3rver_4.o.tmp', etag: '/s/b/a._S3rver_4.e.tmp', metadata: '/s/b/a._S3rver_4.m.tmp' },
      finals: { bytes: '/s/b/a._S3rver_object', etag: '/s/b/a._S3rver_object.md5', metadata: '/s/b/a._S3rver_metadata.json' },
    },
    {
      temps: { bytes: '/s/b/x._S3rver_object._S3rver_a1.o.tmp', etag: '/s/b/x._S3rver_object._S3rver_a1.e.tmp', metadata: '/s/b/x._S3rver_object._S3rver_a1.m.tmp' },
      finals: { bytes: '/s/b/x._S3rver_object._S3rver_object', etag: '/s/b/x._S3rver_object._S3rver_object.md5', metadata: '/s/b/x._S3rver_object._S3rver_metadata.json' },
    },
  ]);
});
