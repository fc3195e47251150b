import { ApolloClient, ApolloLink, InMemoryCache } from '@apollo/client';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { of } from 'rxjs';
import { afterAll, describe, expect, it } from 'vitest';
import { fileUploadRecord, UploadedImages } from './uploaded-images.ts';

const workdir = mkdtempSync(path.join(tmpdir(), 'imagegraph-uploaded-'));
afterAll(() => rmSync(workdir, { recursive: true, force: true }));

// The API, in this unit test only: the user's images as UploadedHashes lists them, over two pages.
const listed = [
  { id: 'processed', status: 'PROCESSED', sha256: 'h-processed' },
  { id: 'failed', status: 'FAILED', sha256: 'h-failed' },
  { id: 'deleted', status: 'DELETED', sha256: null },
];
const client = new ApolloClient({
  cache: new InMemoryCache(),
  link: new ApolloLink((operation) => {
    const page = operation.variables.after ? listed.slice(2) : listed.slice(0, 2);
    return of({
      data: {
        searchImages: {
          __typename: 'ImageConnection',
          items: page.map((image) => ({ __typename: 'Image', fileName: `${image.id}.jpg`, ...image })),
          pageInfo: { __typename: 'PageInfo', hasNextPage: !operation.variables.after, endCursor: operation.variables.after ? null : 'page-2' },
        },
      },
    });
  }),
});

describe('UploadedImages', () => {
  it('trusts its own record for images not indexed yet, the server for the others, and forgets what the server answers', async () => {
    const file = path.join(workdir, 'state', 'uploads.jsonl');
    const warnings: string[] = [];
    const record = fileUploadRecord('ada', { file, warn: (message) => warnings.push(message) });
    for (const id of ['processed', 'failed', 'deleted', 'processing']) record.add(`h-${id}`, id);
    fileUploadRecord('bob', { file, warn: unexpected }).add('h-bob', 'bobs');
    // A crash while appending leaves a line cut short.
    appendFileSync(file, '{"user":"ada","sha2');

    const uploaded = await UploadedImages.load(client, record);
    expect(['h-processed', 'h-failed', 'h-deleted', 'h-processing'].map((hash) => uploaded.find(hash))).toEqual(['processed', undefined, undefined, 'processing']);
    expect(warnings).toEqual([`skipped 1 unreadable line (line 6) of the upload record ${file}, cut short or edited; the files they named may be uploaded again.`]);
    expect(await record.entries()).toEqual([['h-processing', 'processing']]);
    expect(await fileUploadRecord('bob', { file, warn: unexpected }).entries()).toEqual([['h-bob', 'bobs']]);

    uploaded.add('h-new', 'new');
    expect(await record.entries()).toEqual([['h-processing', 'processing'], ['h-new', 'new']]);
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(3);
    expect([statSync(file).mode & 0o777, statSync(path.dirname(file)).mode & 0o777]).toEqual([0o600, 0o700]);
    expect(warnings).toHaveLength(1);
  });
});

describe('fileUploadRecord', () => {
  it('keeps the valid lines around corrupt ones, warns once naming the file, and drops them when it prunes', async () => {
    const file = path.join(workdir, 'corrupt', 'uploads.jsonl');
    const entry = (sha256: string) => `${JSON.stringify({ user: 'ada', sha256, imageId: `id-${sha256}` })}\n`;
    mkdirSync(path.dirname(file));
    writeFileSync(file, [entry('a'), 'not json\n', '\n', '{"user":"ada"}\n', entry('b'), '\0'.repeat(100), '\n', entry('c')].join(''));
    const warnings: string[] = [];
    const record = fileUploadRecord('ada', { file, warn: (message) => warnings.push(message) });
    expect(await record.entries()).toEqual([['a', 'id-a'], ['b', 'id-b'], ['c', 'id-c']]);
    expect(warnings).toEqual([
      `skipped 3 unreadable lines (lines 2, 4, 6) of the upload record ${file}, cut short or edited; the files they named may be uploaded again.`,
    ]);
    await record.keep(await record.entries());
    expect(readFileSync(file, 'utf8')).toBe(entry('a') + entry('b') + entry('c'));
  });

  it('never holds a line longer than an entry can be: a file past the longest string is read, its huge line skipped', async () => {
    const file = path.join(workdir, 'huge', 'uploads.jsonl');
    mkdirSync(path.dirname(file));
    // One line of 513 MiB of zero bytes (sparse: no disk used), then an entry. Read whole, as it
    // was, the file failed the upload: it is longer than V8's longest string (0x1fffffe8).
    const HUGE = 513 * 1024 * 1024;
    writeFileSync(file, '');
    truncateSync(file, HUGE);
    appendFileSync(file, `\n${JSON.stringify({ user: 'ada', sha256: 'after', imageId: 'kept' })}\n`);
    const warnings: string[] = [];
    const entries = await fileUploadRecord('ada', { file, warn: (message) => warnings.push(message) }).entries();
    expect(entries).toEqual([['after', 'kept']]);
    expect(warnings[0]).toContain('skipped 1 unreadable line (line 1)');
  }, 60_000);

  it('has no entries and no warning without a file', async () => {
    expect(await fileUploadRecord('ada', { file: path.join(workdir, 'none', 'uploads.jsonl'), warn: unexpected }).entries()).toEqual([]);
  });
});

function unexpected(message: string): never {
  throw new Error(`unexpected warning: ${message}`);
}
