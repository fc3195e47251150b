import { ApolloClient, ApolloLink, InMemoryCache } from '@apollo/client';
import { createServer, type Server } from 'node:http';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { of, throwError } from 'rxjs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AuthError } from '../../src/api/session.ts';
import { DEFAULT_MAX_UPLOAD_BYTES } from '../../src/api/upload.ts';
import { silentProgress } from '../progress.ts';
import { listImageFiles, uploadFiles } from './upload-files.ts';
import { UploadedImages, type UploadRecord } from './uploaded-images.ts';

const workdir = mkdtempSync(path.join(tmpdir(), 'imagegraph-upload-files-'));
const file = (name: string) => path.join(workdir, name);

// Storage: a real HTTP endpoint that reads each posted form whole, as S3 does before answering.
let storage: Server;
let storageUrl = '';
let posts = 0;
beforeAll(async () => {
  storage = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      posts += 1;
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => storage.listen(0, '127.0.0.1', resolve));
  storageUrl = `http://127.0.0.1:${(storage.address() as { port: number }).port}/bucket`;
});
afterAll(() => {
  storage.close();
  rmSync(workdir, { recursive: true, force: true });
});

// The API, in this unit test only: requestUpload hands out tickets (calling `onTicket` first, for
// the test to act between hashing and sending), and the user has no images yet.
let tickets: string[] = [];
let onTicket: (fileName: string) => void = () => undefined;
let sessionEndsAfter = Infinity;
const client = new ApolloClient({
  cache: new InMemoryCache(),
  link: new ApolloLink((operation) => {
    if (operation.operationName === 'UploadedHashes') {
      return of({ data: { searchImages: { __typename: 'ImageConnection', items: [], pageInfo: { __typename: 'PageInfo', hasNextPage: false, endCursor: null } } } });
    }
    const { fileName } = (operation.variables as { input: { fileName: string } }).input;
    tickets.push(fileName);
    if (tickets.length > sessionEndsAfter) return throwError(() => new AuthError('SessionExpired', 'Your session has expired. Sign in again.'));
    onTicket(fileName);
    const imageId = `img-${tickets.length}`;
    return of({
      data: {
        requestUpload: {
          __typename: 'UploadTicket',
          imageId,
          key: `uploads/u/${imageId}/${fileName}`,
          maxBytes: DEFAULT_MAX_UPLOAD_BYTES,
          expiresAt: '2030-01-01T00:00:00Z',
          upload: { __typename: 'PresignedPost', url: storageUrl, fields: [{ __typename: 'FormField', name: 'key', value: `uploads/u/${imageId}/${fileName}` }] },
        },
      },
    });
  }),
});

/** Bytes a format check takes for a JPEG (its magic number), distinct per `text`. */
const jpeg = (text: string) => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from(text)]);

const noRecord: UploadRecord = { entries: () => Promise.resolve([]), add: () => undefined, keep: () => Promise.resolve() };

async function run(files: string[], options: { concurrency?: number; signal?: AbortSignal } = {}) {
  const uploaded = await UploadedImages.load(client, noRecord);
  const outcomes = await uploadFiles({ client, files: files.map(file), uploaded, concurrency: options.concurrency ?? 1, progress: silentProgress, signal: options.signal });
  return outcomes.map(({ path: at, status, reason }) => [path.relative(workdir, at), status, ...(reason ? [reason] : [])]);
}

beforeEach(() => {
  tickets = [];
  posts = 0;
  onTicket = () => undefined;
  sessionEndsAfter = Infinity;
});

describe('listImageFiles', () => {
  it('does not follow symbolic links inside folders: a loop or a way out is listed apart', async () => {
    mkdirSync(file('walk/sub'), { recursive: true });
    writeFileSync(file('walk/a.jpg'), 'a');
    writeFileSync(file('walk/sub/b.png'), 'b');
    writeFileSync(file('walk/notes.txt'), 'not a photo');
    writeFileSync(file('outside.jpg'), 'secret');
    symlinkSync('..', file('walk/sub/loop'));
    symlinkSync(file('outside.jpg'), file('walk/link.jpg'));
    const listing = await listImageFiles([file('walk')]);
    expect(listing.files.map((at) => path.relative(workdir, at))).toEqual(['walk/a.jpg', 'walk/sub/b.png']);
    expect(listing.links.map((at) => path.relative(workdir, at))).toEqual(['walk/link.jpg', 'walk/sub/loop']);
    // A link named on the command line is the user's choice.
    expect((await listImageFiles([file('walk/link.jpg')])).files).toEqual([file('walk/link.jpg')]);
  });
});

describe('uploadFiles', () => {
  it('refuses empty, oversized, non-image (by name or by bytes) and vanished files up front, uploads the rest', async () => {
    writeFileSync(file('ok.jpg'), jpeg('ok'));
    writeFileSync(file('text.jpg'), 'a text file named .jpg');
    writeFileSync(file('empty.jpg'), '');
    writeFileSync(file('huge.jpg'), '');
    truncateSync(file('huge.jpg'), DEFAULT_MAX_UPLOAD_BYTES + 1); // sparse: no disk used
    writeFileSync(file('notes.txt'), 'text');
    expect(await run(['ok.jpg', 'text.jpg', 'empty.jpg', 'huge.jpg', 'notes.txt', 'gone.jpg'])).toEqual([
      ['ok.jpg', 'uploaded'],
      ['text.jpg', 'failed', 'text.jpg: Not a supported image: the file is plain text. Accepted: JPEG, PNG, WebP, GIF, AVIF, TIFF, HEIC, HEIF.'],
      ['empty.jpg', 'failed', 'empty.jpg: the file is empty'],
      ['huge.jpg', 'failed', 'huge.jpg: 25.0 MB is over the 25.0 MB limit'],
      ['notes.txt', 'failed', 'notes.txt: unknown type is not accepted (JPEG, PNG, WebP, GIF, AVIF, TIFF, HEIC or HEIF only)'],
      ['gone.jpg', 'failed', expect.stringContaining('ENOENT')],
    ]);
    expect(tickets).toEqual(['ok.jpg']);
  });

  it('uploads each file as soon as it is read: the second is hashed only after the first was sent', async () => {
    writeFileSync(file('first.jpg'), jpeg('first'));
    writeFileSync(file('second.jpg'), jpeg('second'));
    // Sent before the second is read, the second then has the first's bytes: a copy, not uploaded.
    onTicket = (name) => name === 'first.jpg' && writeFileSync(file('second.jpg'), jpeg('first'));
    expect(await run(['first.jpg', 'second.jpg'])).toEqual([
      ['first.jpg', 'uploaded'],
      ['second.jpg', 'skipped', 'already uploaded'],
    ]);
  });

  it('fails a file that changes after it was hashed, at once and saying so', async () => {
    writeFileSync(file('changing.jpg'), jpeg('before'));
    onTicket = () => writeFileSync(file('changing.jpg'), jpeg('after, and longer'));
    expect(await run(['changing.jpg'])).toEqual([
      ['changing.jpg', 'failed', 'the file changed or was removed while it was being uploaded; upload it again'],
    ]);
    expect(tickets).toHaveLength(1);
    expect(readFileSync(file('changing.jpg'))).toEqual(jpeg('after, and longer'));
  });

  it('once interrupted, starts no more uploads and finishes the one under way', async () => {
    for (const name of ['one.jpg', 'two.jpg', 'three.jpg']) writeFileSync(file(name), jpeg(name));
    const interrupt = new AbortController();
    onTicket = () => interrupt.abort();
    expect(await run(['one.jpg', 'two.jpg', 'three.jpg'], { signal: interrupt.signal })).toEqual([
      ['one.jpg', 'uploaded'],
      ['two.jpg', 'interrupted', 'not uploaded: interrupted'],
      ['three.jpg', 'interrupted', 'not uploaded: interrupted'],
    ]);
    expect([tickets, posts]).toEqual([['one.jpg'], 1]);
  });

  it('stops when the session ends: the file that met it fails, the rest are not tried', async () => {
    for (const name of ['s1.jpg', 's2.jpg', 's3.jpg', 's4.jpg']) writeFileSync(file(name), jpeg(name));
    sessionEndsAfter = 1;
    expect(await run(['s1.jpg', 's2.jpg', 's3.jpg', 's4.jpg'])).toEqual([
      ['s1.jpg', 'uploaded'],
      ['s2.jpg', 'failed', 'Your session has expired. Sign in again.'],
      ['s3.jpg', 'interrupted', 'not uploaded: Your session has expired. Sign in again.'],
      ['s4.jpg', 'interrupted', 'not uploaded: Your session has expired. Sign in again.'],
    ]);
    expect(tickets).toEqual(['s1.jpg', 's2.jpg']);
  });

  it('uploads the same bytes once per run, whatever the concurrency', async () => {
    writeFileSync(file('orig.jpg'), jpeg('same'));
    writeFileSync(file('copy.jpg'), jpeg('same'));
    writeFileSync(file('other.jpg'), jpeg('other'));
    expect(await run(['orig.jpg', 'copy.jpg', 'other.jpg'], { concurrency: 3 })).toEqual([
      ['orig.jpg', 'uploaded'],
      ['copy.jpg', 'skipped', 'already uploaded'],
      ['other.jpg', 'uploaded'],
    ]);
  });
});
