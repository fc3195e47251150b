/**
 * The input limits end to end: real HTTP against the local AppSync, which runs the resolver
 * bundles CDK deploys in its APPSYNC_JS sandbox, on the local search engine, with the API's
 * Lambda handlers (the two that write are replaced by recorders: what matters is whether they
 * were invoked at all).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, BOB, IAM, iamPost, imageDocument, mintToken, startTestCloud, userPost, type TestCloud } from '../../local/appsync/testing/fixtures.ts';

const ATTACK = 'dog '.repeat(51200);
const ALICE_IMAGES = ['01JD00000000000000000000A1', '01JD00000000000000000000A2', '01JD00000000000000000000A3'];
const BOB_IMAGES = ['01JD00000000000000000000B1', '01JD00000000000000000000B2'];
const uploadedAt = (i: number) => `2024-05-0${i + 1}T10:00:00.000Z`;

let cloud: TestCloud;
const invoked: { function: string; event: unknown }[] = [];

beforeAll(async () => {
  cloud = await startTestCloud(
    [
      ...ALICE_IMAGES.map((id, i) => imageDocument(ALICE, id, { uploadedAt: uploadedAt(i) })),
      ...BOB_IMAGES.map((id, i) => imageDocument(BOB, id, { uploadedAt: uploadedAt(i) })),
    ],
    {
      lambdaOverrides: {
        'request-upload': (event) => {
          invoked.push({ function: 'request-upload', event });
          return Promise.resolve({ error: { type: 'BadRequest', message: 'recorded' } });
        },
        'delete-image': (event) => {
          invoked.push({ function: 'delete-image', event });
          return Promise.resolve({ data: (event as { arguments: { id: string } }).arguments.id });
        },
      },
    },
  );
}, 120_000);
afterAll(() => cloud?.close());

interface GraphQLBody {
  data: Record<string, unknown> | null;
  errors?: { errorType: string; message: string }[];
}

async function gql(query: string, variables: Record<string, unknown>, sub = ALICE): Promise<GraphQLBody> {
  const response = await userPost(cloud.appsync.url, { query, variables }, mintToken({ sub }));
  expect(response.status).toBe(200);
  return (await response.json()) as GraphQLBody;
}

const SEARCH = 'query S($q: String, $after: String, $filter: ImageFilter) { searchImages(query: $q, after: $after, filter: $filter, first: 2) { totalCount items { id } pageInfo { endCursor } } }';

interface Page {
  totalCount: number;
  items: { id: string }[];
  pageInfo: { endCursor: string | null };
}

async function search(variables: Record<string, unknown>, sub = ALICE): Promise<Page> {
  const body = await gql(SEARCH, variables, sub);
  expect(body.errors).toBeUndefined();
  return body.data?.searchImages as Page;
}

function expectBadRequest(body: GraphQLBody, message: string) {
  expect(body.errors).toEqual([expect.objectContaining({ errorType: 'BadRequest', message })]);
}

describe('searchImages through the deployed resolver bundle', () => {
  it('refuses the 200 KB attack with a BadRequest naming the limit, while search keeps answering', async () => {
    const attacks = Array.from({ length: 20 }, () => gql(SEARCH, { q: ATTACK }));
    const bob = search({}, BOB);
    for (const body of await Promise.all(attacks)) {
      expectBadRequest(body, 'query is longer than 200 characters');
      expect(body.data).toBeNull();
    }
    expect((await bob).items.map((item) => item.id).sort()).toEqual([...BOB_IMAGES].sort());
  });

  it('runs a 10-word query on the engine and refuses 11 words', async () => {
    const words = (count: number) => ['dog', ...Array.from({ length: count - 1 }, (_, i) => `w${i}`)].join(' ');
    expect((await search({ q: words(10) })).totalCount).toBe(3);
    expectBadRequest(await gql(SEARCH, { q: words(11) }), 'query has more than 10 words');
  });

  it('tolerates a typo in a short query and matches a long one exactly', async () => {
    expect((await search({ q: 'dgo' })).totalCount).toBe(3);
    expect((await search({ q: 'dgo in the park' })).totalCount).toBe(0);
    expect((await search({ q: 'dog in the park' })).totalCount).toBe(3);
  });

  it('refuses over-long filter values before the engine sees them', async () => {
    expectBadRequest(await gql(SEARCH, { filter: { labels: Array.from({ length: 11 }, () => 'Dog') } }), 'filter.labels has more than 10 entries');
    expectBadRequest(await gql(SEARCH, { filter: { camera: ATTACK } }), 'filter.camera is longer than 256 characters');
    expect((await search({ filter: { labels: Array.from({ length: 10 }, () => 'Dog') } })).totalCount).toBe(3);
  });
});

describe('cursors', () => {
  const cursor = (text: string) => Buffer.from(text).toString('base64');

  it('pages with the cursors the server hands out', async () => {
    const first = await search({});
    expect(first.items.map((item) => item.id)).toEqual([ALICE_IMAGES[2], ALICE_IMAGES[1]]);
    const second = await search({ after: first.pageInfo.endCursor });
    expect(second.items.map((item) => item.id)).toEqual([ALICE_IMAGES[0]]);
  });

  it.each([
    ['oversized', 'A'.repeat(201), 'after is longer than 200 characters'],
    ['a number JSON cannot carry', cursor(`NEWEST|1e999|${ALICE_IMAGES[0]}`), expect.stringMatching(/^Invalid cursor/)],
    ['a fractional date', cursor(`NEWEST|1.5|${ALICE_IMAGES[0]}`), expect.stringMatching(/^Invalid cursor/)],
    ['not base64', '!!!', expect.stringMatching(/^Invalid cursor/)],
  ])('answers a forged cursor (%s) with a BadRequest, never an engine error', async (_case, after, message) => {
    const body = await gql(SEARCH, { after });
    expect(body.errors).toEqual([expect.objectContaining({ errorType: 'BadRequest', message })]);
  });

  it("positions a well-formed forged cursor within the caller's own images only", async () => {
    // Bob's newest image's sort values, as if Alice had forged them.
    const forged = cursor(`NEWEST|${Date.parse(uploadedAt(1))}|${BOB_IMAGES[1]}`);
    const page = await search({ after: forged });
    // After (2024-05-02, B2) in NEWEST order: A2 shares the instant but sorts before B2 by id.
    expect(page.items.map((item) => item.id)).toEqual([ALICE_IMAGES[0]]);
  });
});

describe('ids and upload input', () => {
  it('refuses malformed ids before any data source is asked', async () => {
    const image = await gql('query I($id: ID!) { image(id: $id) { id } }', { id: ATTACK });
    expectBadRequest(image, 'id is not an image id: 26 characters, as requestUpload returns it');
    const deleted = await gql('mutation D($id: ID!) { deleteImage(id: $id) }', { id: 'img-1' });
    expectBadRequest(deleted, 'id is not an image id: 26 characters, as requestUpload returns it');
    expect(invoked.filter((call) => call.function === 'delete-image')).toEqual([]);
    const found = await gql('query I($id: ID!) { image(id: $id) { id } }', { id: ALICE_IMAGES[0] });
    expect(found).toEqual({ data: { image: { id: ALICE_IMAGES[0] } } });
  });

  it('refuses a file name over 255 characters without invoking request-upload, and passes 255 on', async () => {
    const upload = 'mutation U($input: RequestUploadInput!) { requestUpload(input: $input) { imageId } }';
    const input = (fileName: string) => ({ input: { fileName, contentType: 'image/jpeg', bytes: 10 } });
    expectBadRequest(await gql(upload, input(ATTACK)), 'input.fileName is longer than 255 characters');
    expect(invoked.filter((call) => call.function === 'request-upload')).toEqual([]);
    expectBadRequest(await gql(upload, input('f'.repeat(255))), 'recorded');
    expect(invoked.filter((call) => call.function === 'request-upload')).toHaveLength(1);
  });

  it('refuses a publishImageProcessed event that is not shaped like the pipeline’s', async () => {
    const publish = 'mutation P($input: ImageEventInput!) { publishImageProcessed(input: $input) { imageId } }';
    const event = (imageId: string, ownerSub: string) => ({ query: publish, variables: { input: { imageId, ownerSub, status: 'FAILED', reason: 'corrupt' } } });
    const refused = (await (await iamPost(cloud.appsync.url, event('img-1', ALICE), IAM)).json()) as GraphQLBody;
    expectBadRequest(refused, 'input.imageId is not an image id: 26 characters, as requestUpload returns it');
    const accepted = (await (await iamPost(cloud.appsync.url, event(ALICE_IMAGES[0] ?? '', ALICE), IAM)).json()) as GraphQLBody;
    expect(accepted).toEqual({ data: { publishImageProcessed: { imageId: ALICE_IMAGES[0] } } });
  });
});
