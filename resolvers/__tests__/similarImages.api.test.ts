/**
 * similarImages end to end: real HTTP against the local AppSync running the deployed resolver
 * bundle, on the local search engine with the images index's real mapping.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, BOB, imageDocument, mintToken, startTestCloud, userPost, type TestCloud } from '../../local/appsync/testing/fixtures.ts';
import { INPUT_LIMITS } from '../lib/inputLimits.ts';

const SHA = (c: string) => c.repeat(64);
const labels = (...names: string[]) => ({ labelNames: names, labels: names.map((name) => ({ name, confidence: 95, parents: [], categories: [], instances: [] })) });

const PHOTO = '01JD00000000000000000000A1';
const EXACT_COPY = '01JD00000000000000000000A2';
const REENCODED = '01JD00000000000000000000A3';
const SAME_SCENE = '01JD00000000000000000000A4';
const SAME_WORDS = '01JD00000000000000000000A5';
const UNRELATED = '01JD00000000000000000000A6';
const BOBS_COPY = '01JD00000000000000000000B1';
const BOBS_OTHER = '01JD00000000000000000000B2';

const documents = [
  imageDocument(ALICE, PHOTO, { ...labels('Dog', 'Beach', 'Sea'), detectedText: ['Plage des Catalans'], sha256: SHA('a'), perceptualHash: 'f0f0f0f0f0f0f0f0', uploadedAt: '2024-05-01T10:00:00.000Z' }),
  // Uploaded again later: the same bytes (the pipeline set duplicateOf).
  imageDocument(ALICE, EXACT_COPY, { ...labels('Dog', 'Beach', 'Sea'), detectedText: ['Plage des Catalans'], sha256: SHA('a'), perceptualHash: 'f0f0f0f0f0f0f0f0', duplicateOf: PHOTO, uploadedAt: '2024-05-02T10:00:00.000Z' }),
  // Sent through a messenger: other bytes, 3 bits of the hash changed, one label lost.
  imageDocument(ALICE, REENCODED, { ...labels('Dog', 'Beach'), sha256: SHA('b'), perceptualHash: 'f0f0f0f0f0f0f0f7', uploadedAt: '2024-05-03T10:00:00.000Z' }),
  // Another photo of the same scene: every label, but another picture.
  imageDocument(ALICE, SAME_SCENE, { ...labels('Dog', 'Beach', 'Sea'), sha256: SHA('c'), perceptualHash: '0f0f0f0f0f0f0f0f', uploadedAt: '2024-05-04T10:00:00.000Z' }),
  imageDocument(ALICE, SAME_WORDS, { ...labels('Poster'), detectedText: ['Catalans'], sha256: SHA('d'), perceptualHash: '00ff00ff00ff00ff', uploadedAt: '2024-05-05T10:00:00.000Z' }),
  imageDocument(ALICE, UNRELATED, { ...labels('Cat', 'Sofa'), sha256: SHA('e'), perceptualHash: 'ff00ff00ff00ff00', uploadedAt: '2024-05-06T10:00:00.000Z' }),
  // Bob has the very same photo, and one like it: neither may reach Alice.
  imageDocument(BOB, BOBS_COPY, { ...labels('Dog', 'Beach', 'Sea'), detectedText: ['Plage des Catalans'], sha256: SHA('a'), perceptualHash: 'f0f0f0f0f0f0f0f0', uploadedAt: '2024-05-07T10:00:00.000Z' }),
  imageDocument(BOB, BOBS_OTHER, { ...labels('Dog'), sha256: SHA('f'), perceptualHash: '1111111111111111', uploadedAt: '2024-05-08T10:00:00.000Z' }),
];

let cloud: TestCloud;
beforeAll(async () => {
  cloud = await startTestCloud(documents);
}, 120_000);
afterAll(() => cloud?.close());

interface GraphQLBody {
  data: Record<string, unknown> | null;
  errors?: { errorType: string; message: string }[];
}

const SIMILAR = 'query S($id: ID!, $first: Int) { similarImages(id: $id, first: $first) { totalCount items { id } pageInfo { hasNextPage } } }';
const IMAGE = 'query I($id: ID!) { image(id: $id) { id } }';

async function gql(query: string, variables: Record<string, unknown>, sub = ALICE): Promise<GraphQLBody> {
  const response = await userPost(cloud.appsync.url, { query, variables }, mintToken({ sub }));
  expect(response.status).toBe(200);
  return (await response.json()) as GraphQLBody;
}

async function similarIds(id: string, sub = ALICE, first?: number): Promise<string[]> {
  const body = await gql(SIMILAR, { id, first }, sub);
  expect(body.errors).toBeUndefined();
  return (body.data?.similarImages as { items: { id: string }[] }).items.map((item) => item.id);
}

describe('similarImages through the deployed resolver bundle', () => {
  it('the exact copy first, then the re-encoded copy, then photos sharing labels and words; never the photo itself', async () => {
    expect(await similarIds(PHOTO)).toEqual([EXACT_COPY, REENCODED, SAME_SCENE, SAME_WORDS]);
  });

  it('another owner’s images never appear, even identical ones', async () => {
    expect(await similarIds(BOBS_COPY, BOB)).toEqual([BOBS_OTHER]);
    const everything = await Promise.all(documents.filter((doc) => doc.ownerSub === ALICE).map((doc) => similarIds(doc.id)));
    expect(everything.flat()).not.toContain(BOBS_COPY);
    expect(everything.flat()).not.toContain(BOBS_OTHER);
  });

  it('first cuts the list', async () => {
    expect(await similarIds(PHOTO, ALICE, 2)).toEqual([EXACT_COPY, REENCODED]);
  });

  it('someone else’s id and an unknown id get the same NotFound, as image() gives both the same null', async () => {
    const unknown = '01JD00000000000000000000Z9';
    for (const id of [BOBS_COPY, unknown]) {
      const body = await gql(SIMILAR, { id });
      expect(body.data).toBeNull();
      expect(body.errors).toEqual([expect.objectContaining({ errorType: 'NotFound', message: `No image ${id}` })]);
      expect((await gql(IMAGE, { id })).data).toEqual({ image: null });
    }
  });

  it(`refuses first outside 1..${INPUT_LIMITS.similarFirst.max} and ids that are not ids, with BadRequest`, async () => {
    const { max } = INPUT_LIMITS.similarFirst;
    expect(await similarIds(PHOTO, ALICE, max)).toHaveLength(4);
    for (const [variables, message] of [
      [{ id: PHOTO, first: max + 1 }, `first must be between 1 and ${max}, got ${max + 1}`],
      [{ id: PHOTO, first: 0 }, 'first must be between 1 and 50, got 0'],
      [{ id: 'not-an-id' }, 'id is not an image id: 26 characters, as requestUpload returns it'],
    ] as const) {
      const body = await gql(SIMILAR, variables);
      expect(body.errors).toEqual([expect.objectContaining({ errorType: 'BadRequest', message })]);
    }
  });
});
