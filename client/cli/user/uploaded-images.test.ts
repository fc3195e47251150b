import { ApolloClient, ApolloLink, InMemoryCache } from '@apollo/client';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
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
    const record = fileUploadRecord('ada', file);
    for (const id of ['processed', 'failed', 'deleted', 'processing']) record.add(`h-${id}`, id);
    fileUploadRecord('bob', file).add('h-bob', 'bobs');
    // A crash while appending leaves a line cut short.
    appendFileSync(file, '{"user":"ada","sha2');

    const uploaded = await UploadedImages.load(client, record);
    expect(['h-processed', 'h-failed', 'h-deleted', 'h-processing'].map((hash) => uploaded.find(hash))).toEqual(['processed', undefined, undefined, 'processing']);
    expect(record.entries()).toEqual([['h-processing', 'processing']]);
    expect(fileUploadRecord('bob', file).entries()).toEqual([['h-bob', 'bobs']]);

    uploaded.add('h-new', 'new');
    expect(record.entries()).toEqual([['h-processing', 'processing'], ['h-new', 'new']]);
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(3);
    expect([statSync(file).mode & 0o777, statSync(path.dirname(file)).mode & 0o777]).toEqual([0o600, 0o700]);
  });
});
