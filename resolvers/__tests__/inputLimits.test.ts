import type { Context } from '@aws-appsync/utils';
import { buildSchema, type GraphQLInputObjectType, type GraphQLObjectType } from 'graphql';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as deleteImage from '../Mutation.deleteImage.ts';
import * as publish from '../Mutation.publishImageProcessed.ts';
import * as requestUpload from '../Mutation.requestUpload.ts';
import * as image from '../Query.image.ts';
import * as searchImages from '../Query.searchImages.ts';
import * as similarImages from '../Query.similarImages.ts';
import * as subscription from '../Subscription.onImageProcessed.ts';
import { countWords } from '../lib/inputChecks.ts';
import { INPUT_LIMITS, imageIdProblem, userIdProblem } from '../lib/inputLimits.ts';
import { evaluate } from '../../local/appsync/runtime/evaluation.ts';
import { ALICE, IAM_IDENTITY, context, run } from './context.ts';

/** The request of the exact attack: a 200 KB search text that froze search for every user. */
const ATTACK = 'dog '.repeat(51200);
const IMAGE_ID = '01JD0000000000000000000000';

type Handler = (ctx: Context) => unknown;

function request(handler: Handler, args: Record<string, unknown>, identity?: unknown) {
  return run(handler, context({ args, ...(identity === undefined ? {} : { identity }) }));
}

/** A handler's refusal: a BadRequest with `message`, and nothing sent to any data source. */
function expectRefused(evaluation: { result: unknown; error: unknown }, message: string) {
  expect(evaluation.error).toEqual(expect.objectContaining({ errorType: 'BadRequest', message }));
  expect(evaluation.result).toBeUndefined();
}

function expectAccepted(evaluation: { result: unknown; error: unknown }) {
  expect(evaluation.error).toBeUndefined();
  expect(evaluation.result).toBeDefined();
}

const search = (args: Record<string, unknown>) => request(searchImages.request as Handler, args);
const words = (count: number) => Array.from({ length: count }, (_, i) => `word${i}`).join(' ');

describe('searchImages(query)', () => {
  it('refuses the 200 KB attack by its length, before OpenSearch sees it', () => {
    expectRefused(search({ query: ATTACK }), 'query is longer than 200 characters');
  });

  it('takes 200 characters and refuses 201', () => {
    expectAccepted(search({ query: 'a'.repeat(200) }));
    expectRefused(search({ query: 'a'.repeat(201) }), 'query is longer than 200 characters');
  });

  it('counts the length before trimming, so padding cannot hide a long text', () => {
    expectRefused(search({ query: ` ${'a'.repeat(200)}` }), 'query is longer than 200 characters');
  });

  it('takes 10 words and refuses 11', () => {
    expectAccepted(search({ query: words(10) }));
    expectRefused(search({ query: words(11) }), 'query has more than 10 words');
  });

  it('counts words as the index splits them, so punctuation cannot pack more terms into one', () => {
    expectRefused(search({ query: 'a-b-c-d-e-f-g-h-i-j-k' }), 'query has more than 10 words');
    expectRefused(search({ query: 'a.b,c;d/e\\f_g+h|i"j\'k' }), 'query has more than 10 words');
    expectAccepted(search({ query: 'a-b-c-d-e-f-g-h-i-j' }));
  });

  it('tolerates typos for up to 2 words, in content and file name alike, and matches longer queries exactly', () => {
    type Json = Record<string, unknown>;
    type Tiers = [{ constant_score: { filter: { multi_match: Json } } }, { multi_match: Json }, { constant_score: { filter: { match: { fileName: Json } } } }];
    /** The content tier's constant score, the scored content match and the file-name tier's match. */
    const textQueries = (query: string): Json[] => {
      const { body } = (search({ query }).result as { params: { body: { query: { bool: { must: [{ bool: { should: Tiers } }] } } } } }).params;
      const [floor, content, fileName] = body.query.bool.must[0].bool.should;
      return [floor.constant_score.filter.multi_match, content.multi_match, fileName.constant_score.filter.match.fileName];
    };
    for (const q of textQueries('golden retreiver')) expect(q).toEqual(expect.objectContaining({ query: 'golden retreiver', fuzziness: 'AUTO' }));
    for (const q of textQueries('golden retreiver beach')) {
      expect(q).toEqual(expect.objectContaining({ query: 'golden retreiver beach' }));
      expect(q).not.toHaveProperty('fuzziness');
    }
  });
});

describe('countWords, under the APPSYNC_JS runtime', () => {
  it.each([
    ['', 0],
    ['   ', 0],
    ['dog', 1],
    ['red car', 2],
    ['  beach   2019 ', 2],
    ['state-of-the-art', 4],
    ['IMG_2024.jpg', 3],
    ["don't", 2],
    ['Café crème', 2],
    ['Cafe\u0301s', 2],
    ['Москва 2019', 2],
    ['東京タワー', 3],
    ['日本の写真', 5],
    ['🐶 dog', 2],
    ['🐶🐱', 2],
    ['©®', 2],
    ['𝐀𝐁', 2],
    [ATTACK.slice(0, 200), 50],
  ])('%j has %i words', (text, expected) => {
    expect(evaluate(() => countWords(text)).result).toBe(expected);
  });
});

describe('searchImages(filter)', () => {
  const labels = (count: number, length = 5) => Array.from({ length: count }, (_, i) => `${i}`.padEnd(length, 'x'));

  it('takes 10 labels and refuses 11', () => {
    expectAccepted(search({ filter: { labels: labels(10) } }));
    expectRefused(search({ filter: { labels: labels(11) } }), 'filter.labels has more than 10 entries');
  });

  it('takes labels of 100 characters and refuses 101, naming the label', () => {
    expectAccepted(search({ filter: { labels: labels(10, 100) } }));
    expectRefused(search({ filter: { labels: ['Dog', 'x'.repeat(101)] } }), 'filter.labels[1] is longer than 100 characters');
  });

  it('refuses a huge label list by its count before reading any label', () => {
    expectRefused(search({ filter: { labels: Array.from({ length: 100_000 }, () => ATTACK) } }), 'filter.labels has more than 10 entries');
  });

  it('takes as many formats and statuses as there are, and no more', () => {
    const formats = ['JPEG', 'PNG', 'WEBP', 'GIF', 'AVIF', 'TIFF', 'HEIC', 'HEIF'];
    const statuses = ['PROCESSING', 'PROCESSED', 'FAILED', 'DELETED'];
    expect(INPUT_LIMITS.formats.maxCount).toBe(formats.length);
    expect(INPUT_LIMITS.statuses.maxCount).toBe(statuses.length);
    expectAccepted(search({ filter: { formats, statuses } }));
    expectRefused(search({ filter: { formats: [...formats, 'JPEG'] } }), 'filter.formats has more than 8 entries');
    expectRefused(search({ filter: { statuses: [...statuses, 'FAILED'] } }), 'filter.statuses has more than 4 entries');
  });

  it('takes a camera of 256 characters and refuses 257', () => {
    expectAccepted(search({ filter: { camera: 'c'.repeat(256) } }));
    expectRefused(search({ filter: { camera: 'c'.repeat(257) } }), 'filter.camera is longer than 256 characters');
  });
});

describe('searchImages(after): forged cursors are BadRequests, never OpenSearch errors', () => {
  const cursor = (text: string) => Buffer.from(text).toString('base64');
  const INVALID = 'Invalid cursor: pass pageInfo.endCursor of the previous page unchanged, with the same sort';

  it('takes the longest cursor the server hands out and refuses one over 200 characters', () => {
    const longest = cursor(`RELEVANCE|${'9'.repeat(10)}.${'9'.repeat(20)}e-999|-${'9'.repeat(15)}|7ZZZZZZZZZZZZZZZZZZZZZZZZZ`);
    expect(longest.length).toBeLessThan(130);
    const page = search({ query: 'dog', after: longest });
    expect(page.error).toBeUndefined();
    expect((page.result as { params: { body: { search_after: unknown[] } } }).params.body.search_after).toEqual([
      9999999999.99999999999999999999e-999,
      -999999999999999,
      '7ZZZZZZZZZZZZZZZZZZZZZZZZZ',
    ]);
    expectRefused(search({ after: 'A'.repeat(201) }), 'after is longer than 200 characters');
    expectRefused(search({ after: ATTACK }), 'after is longer than 200 characters');
  });

  it.each([
    ['a number too large for JSON (it would reach OpenSearch as null)', 'NEWEST|1e999|01JD0000000000000000000000'],
    ['a fractional date', 'NEWEST|1.5|01JD0000000000000000000000'],
    ['a date beyond 15 digits', `NEWEST|${'1'.repeat(16)}|01JD0000000000000000000000`],
    ['a negative score', 'RELEVANCE|-1|0|01JD0000000000000000000000'],
    ['a score with a positive exponent', 'RELEVANCE|1e99|0|01JD0000000000000000000000'],
    ['an id that is not an image id', 'NEWEST|0|B'],
    ['an id with a quote', 'NEWEST|0|01JD000000000000000000000"'],
    ['a lower-case id', 'NEWEST|0|01jd0000000000000000000000'],
    ['an empty value', 'NEWEST||01JD0000000000000000000000'],
    ['too many values', 'NEWEST|0|01JD0000000000000000000000|x'],
  ])('refuses %s', (_case, text) => {
    expectRefused(search({ after: cursor(text) }), INVALID);
  });
});

describe('similarImages(first)', () => {
  const { default: byDefault, max } = INPUT_LIMITS.similarFirst;
  const similar = (first?: number) => request(similarImages.request as Handler, { id: IMAGE_ID, ...(first === undefined ? {} : { first }) });

  it(`takes ${max} and refuses ${max + 1}, 0 and negatives`, () => {
    expectAccepted(similar(max));
    for (const first of [max + 1, 0, -1]) expectRefused(similar(first), `first must be between 1 and ${max}, got ${first}`);
  });

  it(`ranks a pool of ${max} candidates (plus the image itself) whatever first is, ${byDefault} by default`, () => {
    for (const first of [undefined, 1, max]) {
      const body = (similar(first).result as { params: { body: { size: number } } }).params.body;
      expect(body.size).toBe(max + 1);
    }
  });
});

describe('ids', () => {
  const NOT_AN_ID = (field: string) => `${field} is not an image id: 26 characters, as requestUpload returns it`;
  const badIds = [
    ['25 characters', IMAGE_ID.slice(1)],
    ['27 characters', `${IMAGE_ID}0`],
    ['lower case', IMAGE_ID.toLowerCase()],
    ['a letter outside Crockford base32', `${IMAGE_ID.slice(0, 25)}U`],
    ['past the largest time', `8${IMAGE_ID.slice(1)}`],
    ['200 KB', ATTACK],
  ] as const;

  it.each(badIds)('image(id) refuses an id that is %s', (_case, id) => {
    expectRefused(request(image.request, { id }), NOT_AN_ID('id'));
  });

  it.each(badIds)('similarImages(id) refuses an id that is %s', (_case, id) => {
    expectRefused(request(similarImages.request as Handler, { id }), NOT_AN_ID('id'));
  });

  it.each(badIds)('deleteImage(id) refuses an id that is %s without invoking the function', (_case, id) => {
    expectRefused(request(deleteImage.request, { id }), NOT_AN_ID('id'));
  });

  it.each(badIds)('onImageProcessed(imageId) refuses an id that is %s', (_case, imageId) => {
    expectRefused(request(subscription.request, { imageId }), NOT_AN_ID('imageId'));
  });

  it('accepts ids as requestUpload makes them', () => {
    expectAccepted(request(image.request, { id: IMAGE_ID }));
    expectAccepted(request(deleteImage.request, { id: '7ZZZZZZZZZZZZZZZZZZZZZZZZZ' }));
    expectAccepted(request(subscription.request, { imageId: IMAGE_ID }));
    expectAccepted(request(subscription.request, {}));
  });
});

describe('requestUpload(input)', () => {
  const upload = (input: Record<string, unknown>) =>
    request(requestUpload.request, { input: { fileName: 'a.jpg', contentType: 'image/jpeg', bytes: 1, ...input } });

  it('passes a 255-character file name on and refuses 256 without invoking the function', () => {
    expect(upload({ fileName: 'f'.repeat(255) }).result).toEqual(expect.objectContaining({ operation: 'Invoke' }));
    expectRefused(upload({ fileName: 'f'.repeat(256) }), 'input.fileName is longer than 255 characters');
    expectRefused(upload({ fileName: ATTACK }), 'input.fileName is longer than 255 characters');
  });

  it('passes a 255-character content type on (the function judges its value) and refuses 256', () => {
    expect(upload({ contentType: 't'.repeat(255) }).result).toEqual(expect.objectContaining({ operation: 'Invoke' }));
    expectRefused(upload({ contentType: 't'.repeat(256) }), 'input.contentType is longer than 255 characters');
  });
});

describe('publishImageProcessed(input), bounded to what the processing function sends', () => {
  const OWNER = ALICE;
  const publishRequest = (input: Record<string, unknown>) =>
    request(publish.request, { input: { imageId: IMAGE_ID, ownerSub: OWNER, status: 'FAILED', reason: 'corrupt', ...input } }, IAM_IDENTITY);

  /** A processed image as large as Rekognition's answers make one: 50 labels, 100 faces, 100 lines. */
  function busiestImage() {
    const box = { left: 0.123456789, top: 0.234567891, width: 0.345678912, height: 0.456789123 };
    return {
      id: IMAGE_ID,
      ownerSub: OWNER,
      status: 'PROCESSED',
      fileName: 'f'.repeat(128),
      originalKey: `uploads/${OWNER}/${IMAGE_ID}/${'f'.repeat(128)}`,
      location: { lat: 45.764043, lon: 4.835659 },
      altitude: 170.5,
      labels: Array.from({ length: 50 }, (_, i) => ({
        name: `Label name number ${i}`,
        confidence: 99.12345678901234,
        parents: ['Parent label one', 'Parent label two', 'Parent label three'],
        categories: ['Category of labels'],
        instances: Array.from({ length: i < 2 ? 100 : 0 }, () => ({ boundingBox: box, confidence: 98.7654321098765 })),
      })),
      faces: {
        count: 100,
        details: Array.from({ length: 100 }, () => ({
          boundingBox: box,
          confidence: 99.99987792968751,
          emotions: ['CALM', 'HAPPY', 'SURPRISED', 'FEAR', 'SAD', 'CONFUSED', 'DISGUSTED', 'ANGRY'].map((type) => ({ type, confidence: 12.345678901234567 })),
        })),
      },
      detectedText: Array.from({ length: 100 }, (_, i) => `A line of text read from the photo, number ${i}`),
      thumbnails: [160, 480, 1280].map((size) => ({ size, width: size, height: size, format: 'WEBP', square: false, key: `thumbnails/${OWNER}/${IMAGE_ID}/${size}.webp` })),
    };
  }

  it('accepts the busiest image the pipeline publishes, with room to spare', () => {
    const busiest = busiestImage();
    expect(JSON.stringify(busiest).length).toBeLessThan(INPUT_LIMITS.imageJson.maxLength * 0.75);
    expectAccepted(publishRequest({ status: 'PROCESSED', reason: null, image: busiest }));
  });

  it('takes an image of 200,000 characters as JSON and refuses 200,001, parsed or as a string', () => {
    const padded = (length: number) => {
      const base = { id: IMAGE_ID, ownerSub: OWNER, status: 'PROCESSED', location: null, fileName: '' };
      return { ...base, fileName: 'f'.repeat(length - JSON.stringify(base).length) };
    };
    expect(JSON.stringify(padded(200_000)).length).toBe(200_000);
    expectAccepted(publishRequest({ status: 'PROCESSED', reason: null, image: padded(200_000) }));
    expectRefused(publishRequest({ status: 'PROCESSED', reason: null, image: padded(200_001) }), 'input.image is longer than 200000 characters');
    expectRefused(
      publishRequest({ status: 'PROCESSED', reason: null, image: JSON.stringify(padded(200_001)) }),
      'input.image is longer than 200000 characters',
    );
  });

  it('takes a reason of 1000 characters and refuses 1001', () => {
    expectAccepted(publishRequest({ reason: 'r'.repeat(1000) }));
    expectRefused(publishRequest({ reason: 'r'.repeat(1001) }), 'input.reason is longer than 1000 characters');
  });

  it.each([
    ['imageId', { imageId: 'img-1' }, 'input.imageId is not an image id: 26 characters, as requestUpload returns it'],
    ['imageId', { imageId: ATTACK }, 'input.imageId is not an image id: 26 characters, as requestUpload returns it'],
    ['ownerSub', { ownerSub: 'owner-1' }, 'input.ownerSub is not a user id: a 36-character Cognito sub'],
    ['ownerSub', { ownerSub: ALICE.toUpperCase() }, 'input.ownerSub is not a user id: a 36-character Cognito sub'],
    ['ownerSub', { ownerSub: `${ALICE}0` }, 'input.ownerSub is not a user id: a 36-character Cognito sub'],
  ])('refuses a malformed %s', (_field, fields, message) => {
    expectRefused(publishRequest(fields), message);
  });
});

describe('id shapes, as the server makes them', () => {
  it('takes every ULID newImageId can issue, and only those', () => {
    expect(imageIdProblem('id', '00000000000000000000000000')).toBeNull();
    expect(imageIdProblem('id', '7ZZZZZZZZZZZZZZZZZZZZZZZZZ')).toBeNull();
    expect(imageIdProblem('id', '01HZX3V6Q8K2M4N5P6R7S8T9VW')).toBeNull();
    for (const letter of ['I', 'L', 'O', 'U', 'i', '-', '/', ' ', '\u0130']) {
      expect(imageIdProblem('id', `01HZX3V6Q8K2M4N5P6R7S8T9V${letter}`), letter).not.toBeNull();
    }
  });

  it('takes Cognito subs (lower-case UUIDs), and only those', () => {
    expect(userIdProblem('sub', ALICE)).toBeNull();
    expect(userIdProblem('sub', '00000000-0000-0000-0000-000000000000')).toBeNull();
    for (const sub of ['0a1b2c3d11114111-8111-aaaaaaaaaaaa-', '0a1b2c3d-1111-4111-8111-aaaaaaaaaaag', '0a1b2c3d-1111-4111-8111_aaaaaaaaaaaa', '']) {
      expect(userIdProblem('sub', sub), sub).not.toBeNull();
    }
  });
});

describe('the schema states each limit where clients read it', () => {
  const read = (file: string) => readFileSync(new URL(`../../schema/${file}`, import.meta.url), 'utf8');
  const schema = buildSchema(`${read('appsync-directives.graphql')}\n${read('schema.graphql')}`);
  const argument = (type: GraphQLObjectType | null | undefined, field: string, name: string) =>
    type?.getFields()[field]?.args.find((arg) => arg.name === name)?.description ?? '';
  const inputField = (type: string, field: string) =>
    (schema.getType(type) as GraphQLInputObjectType | undefined)?.getFields()[field]?.description ?? '';
  const { query, cursor, labels, formats, statuses, camera, fileName, contentType, reason } = INPUT_LIMITS;
  const thousands = (n: number) => n.toLocaleString('en-US');

  it.each([
    ['searchImages(query)', () => argument(schema.getQueryType(), 'searchImages', 'query'), [`${query.maxLength} characters`, `${query.maxWords} words`, `up to ${query.maxFuzzyWords} words`]],
    ['searchImages(after)', () => argument(schema.getQueryType(), 'searchImages', 'after'), [`${cursor.maxLength} characters`]],
    ['image(id)', () => argument(schema.getQueryType(), 'image', 'id'), ['26 characters']],
    ['similarImages(id)', () => argument(schema.getQueryType(), 'similarImages', 'id'), ['26 characters']],
    ['similarImages(first)', () => argument(schema.getQueryType(), 'similarImages', 'first'), [`1 to ${INPUT_LIMITS.similarFirst.max}`, `${INPUT_LIMITS.similarFirst.default} when omitted`]],
    ['searchImages(first)', () => argument(schema.getQueryType(), 'searchImages', 'first'), [`1 to ${INPUT_LIMITS.first.max}`, `${INPUT_LIMITS.first.default} when omitted`]],
    ['deleteImage(id)', () => argument(schema.getMutationType(), 'deleteImage', 'id'), ['26 characters']],
    ['onImageProcessed(imageId)', () => argument(schema.getSubscriptionType(), 'onImageProcessed', 'imageId'), ['26 characters']],
    ['ImageFilter.labels', () => inputField('ImageFilter', 'labels'), [`${labels.maxCount} labels`, `${labels.maxLength} characters`]],
    ['ImageFilter.formats', () => inputField('ImageFilter', 'formats'), [`${formats.maxCount} entries`]],
    ['ImageFilter.statuses', () => inputField('ImageFilter', 'statuses'), [`${statuses.maxCount} entries`]],
    ['ImageFilter.camera', () => inputField('ImageFilter', 'camera'), [`${camera.maxLength} characters`]],
    ['RequestUploadInput.fileName', () => inputField('RequestUploadInput', 'fileName'), [`${fileName.maxLength} characters`]],
    ['RequestUploadInput.contentType', () => inputField('RequestUploadInput', 'contentType'), [`${contentType.maxLength} characters`]],
    ['ImageEventInput.image', () => inputField('ImageEventInput', 'image'), [`${thousands(INPUT_LIMITS.imageJson.maxLength)} characters`]],
    ['ImageEventInput.reason', () => inputField('ImageEventInput', 'reason'), [`${thousands(reason.maxLength)} characters`]],
  ])('%s', (_name, description, phrases) => {
    for (const phrase of phrases) expect(description()).toContain(phrase);
  });
});
