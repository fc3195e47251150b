/**
 * The local AppSync under abuse, over real HTTP and real WebSockets: AppSync's query depth and
 * resolver count limits with its error types, one request's fair share of the process, parse
 * bounds, malformed operations, and subscriptions that can never be registered without the
 * server-set owner filter. After each attack the server still answers a normal request.
 */
import { getIntrospectionQuery, print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImageDocument, OnImageProcessedDocument, SearchImagesDocument } from '../../client/src/generated/graphql.ts';
import { DEFAULT_SETTINGS } from '../../infra/stack-props.ts';
import { listen } from '../http-server.ts';
import { MAX_CONCURRENT_DATA_SOURCE_CALLS, MAX_DOCUMENT_NESTING, PARSE_LIMITS } from './request-budget.ts';
import { ALICE, BOB, iamPost, imageDocument, mintToken, startTestCloud, userPost, type TestCloud } from './testing/fixtures.ts';
import { SearchProxy } from './testing/search-proxy.ts';
import { connectRealtime, type RealtimeSocket } from './testing/realtime-socket.ts';

/** Four renditions, as the processing function makes by default (160 px square in WebP and JPEG, 480, 1280). */
const THUMBNAILS = [
  { size: 160, width: 160, height: 160, format: 'WEBP', square: true },
  { size: 160, width: 160, height: 160, format: 'JPEG', square: true },
  { size: 480, width: 480, height: 360, format: 'WEBP', square: false },
  { size: 1280, width: 1280, height: 960, format: 'WEBP', square: false },
] as const;
const fullImage = (ownerSub: string, id: string) =>
  imageDocument(ownerSub, id, {
    thumbnails: THUMBNAILS.map((t) => ({ ...t, key: `thumbnails/${ownerSub}/${id}/${t.size}${t.square ? 's' : ''}.${t.format.toLowerCase()}` })),
    labels: [{ name: 'Dog', confidence: 97, parents: ['Animal'], categories: [], instances: [{ confidence: 90, boundingBox: { left: 0.1, top: 0.1, width: 0.5, height: 0.5 } }] }],
  });
/** A full search page: 100 of Alice's images. */
const ALICE_IMAGES = Array.from({ length: 100 }, (_, i) => fullImage(ALICE, `01JA11000000000000000000${String(i).padStart(2, '0')}`));

const IMAGE_STATS = { query: '{ imageStats { total } }' };
const aliases = (count: number, selection: string) => `{ ${Array.from({ length: count }, (_, i) => `a${i}: ${selection}`).join(' ')} }`;

/** Counts the requests the local AppSync sends to the search engine. */
const proxy = new SearchProxy();
let cloud: TestCloud;

beforeAll(async () => {
  const url = await listen(proxy.server, 0, '127.0.0.1');
  cloud = await startTestCloud([...ALICE_IMAGES, fullImage(BOB, '01JB1100000000000000000B01')], { searchEndpoint: url });
  proxy.target = cloud.searchUrl;
});
afterAll(async () => {
  await cloud?.close();
  proxy.server.close();
});

/** Alice's image count, from a plain request: the server still serves. */
async function stillServes(c: TestCloud = cloud): Promise<void> {
  const response = await userPost(c.appsync.url, IMAGE_STATS, mintToken());
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ data: { imageStats: { total: 100 } } });
}

describe('the deployed limits hold the app’s own operations', () => {
  it('serves a full search page (1 + 100 x 4 thumbnail URLs = 401 resolver runs) and an image with everything', async () => {
    const page = (await (await userPost(cloud.appsync.url, { query: print(SearchImagesDocument), variables: { first: 100 } }, mintToken())).json()) as {
      data: { searchImages: { items: { thumbnails: { url: string | null }[] }[] } };
      errors?: unknown;
    };
    expect(page.errors).toBeUndefined();
    expect(page.data.searchImages.items).toHaveLength(100);
    const urls = page.data.searchImages.items.flatMap((item) => item.thumbnails.map((t) => t.url));
    expect(urls).toEqual(Array(400).fill(expect.stringContaining('/thumbnails/')));
    const image = await (await userPost(cloud.appsync.url, { query: print(ImageDocument), variables: { id: '01JA1100000000000000000000' } }, mintToken())).json();
    expect(image.errors).toBeUndefined();
    expect(image.data.image.labels[0].instances[0].boundingBox.left).toBe(0.1);
    expect(image.data.image.originalUrl).toContain('/uploads/');
  });

  it('answers the standard introspection query that explorers send (graphql-js resolves it: not depth-counted here)', async () => {
    const body = await (await userPost(cloud.appsync.url, { query: getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true }) }, mintToken())).json();
    expect(body.errors).toBeUndefined();
    expect(body.data.__schema.queryType.name).toBe('Query');
  });
});

describe('resolver count limit (ResolverExecutionLimitReached)', () => {
  it('runs the first resolvers of an alias bomb up to the limit and fails the others without running them', async () => {
    const limit = DEFAULT_SETTINGS.apiResolverCountLimit;
    const before = proxy.count;
    const response = await userPost(cloud.appsync.url, { query: aliases(limit + 200, 'image(id: "01JA1100000000000000000000") { id }') }, mintToken());
    expect(response.status).toBe(200);
    const body = await response.json();
    // Only the resolvers within the limit reached the search engine.
    expect(proxy.count - before).toBe(limit);
    expect(body.data.a0).toEqual({ id: '01JA1100000000000000000000' });
    expect(body.data[`a${limit - 1}`]).toEqual({ id: '01JA1100000000000000000000' });
    expect(body.data[`a${limit}`]).toBeNull();
    expect(body.data[`a${limit + 199}`]).toBeNull();
    expect(body.errors).toHaveLength(200);
    expect(body.errors[0]).toEqual({
      path: [`a${limit}`],
      data: null,
      errorType: 'ResolverExecutionLimitReached',
      errorInfo: null,
      locations: [{ line: 1, column: expect.any(Number), sourceName: null }],
      message: `Resolver count limit of ${limit} reached`,
    });
    await stillServes();
  });

  it('refuses the reported bomb of 5,000 imageStats at parse, and nulls the data of 2,000 (imageStats is non-null)', async () => {
    const limit = DEFAULT_SETTINGS.apiResolverCountLimit;
    const reported = await userPost(cloud.appsync.url, { query: aliases(5000, 'imageStats { total }') }, mintToken());
    expect(reported.status).toBe(400);
    expect((await reported.json()).errors[0].message).toContain(`more that ${PARSE_LIMITS.maxLexicalTokens} tokens`);
    const before = proxy.count;
    const body = await (await userPost(cloud.appsync.url, { query: aliases(2000, 'imageStats { total }') }, mintToken())).json();
    expect(body.data).toBeNull();
    expect(body.errors[0]).toMatchObject({ path: [`a${limit}`], errorType: 'ResolverExecutionLimitReached' });
    // Answered at once: only the search calls already in flight were made; the waiting ones never start.
    await new Promise((r) => setTimeout(r, 300));
    expect(proxy.count - before).toBeLessThanOrEqual(MAX_CONCURRENT_DATA_SOURCE_CALLS);
    await stillServes();
  });

  it('serves another user while an expensive request runs', async () => {
    const limit = DEFAULT_SETTINGS.apiResolverCountLimit;
    const before = proxy.count;
    const expensive = userPost(cloud.appsync.url, { query: aliases(limit, 'image(id: "01JA1100000000000000000000") { id }') }, mintToken()).then((r) => r.json());
    // Once the expensive request is under way, Bob asks for his own stats.
    while (proxy.count === before) await new Promise((r) => setTimeout(r, 5));
    const bob = await (await userPost(cloud.appsync.url, IMAGE_STATS, mintToken({ sub: BOB }))).json();
    const callsWhenBobWasAnswered = proxy.count - before;
    expect(bob).toEqual({ data: { imageStats: { total: 1 } } });
    const body = await expensive;
    expect(body.errors).toBeUndefined();
    expect(proxy.count - before).toBe(limit + 1);
    // Bob was not queued behind the expensive request: he was answered within its first tenth.
    expect(callsWhenBobWasAnswered).toBeLessThan(limit / 10);
  });
});

describe('fields without resolvers', () => {
  it('serves another user while aliases multiply a search page’s lists (lists past a turn’s share wait)', async () => {
    // 100 images x 2,000 aliased label lists: about 400,000 fields completed without a resolver.
    const query = `{ searchImages(first: 100) { items { ${Array.from({ length: 2000 }, (_, i) => `l${i}: labels { name }`).join(' ')} } } }`;
    const order: string[] = [];
    const before = proxy.count;
    const expensive = userPost(cloud.appsync.url, { query }, mintToken()).then((response) => {
      // Its response headers come when its execution has ended.
      order.push('expensive');
      return response.json() as Promise<{ data: { searchImages: { items: Record<string, { name: string }[]>[] } } }>;
    });
    while (proxy.count === before) await new Promise((r) => setTimeout(r, 5));
    const bob = await (await userPost(cloud.appsync.url, IMAGE_STATS, mintToken({ sub: BOB }))).json();
    order.push('bob');
    expect(bob).toEqual({ data: { imageStats: { total: 1 } } });
    const body = await expensive;
    expect(body.data.searchImages.items).toHaveLength(100);
    expect(body.data.searchImages.items[99]!.l1999).toEqual([{ name: 'Dog' }]);
    expect(order).toEqual(['bob', 'expensive']);
  });

  it('refuses introspection over graphql-java’s good-faith limit of 500 fields', async () => {
    const response = await userPost(cloud.appsync.url, { query: `{ __schema { types { ${Array.from({ length: 500 }, (_, i) => `f${i}: name`).join(' ')} } } }` }, mintToken());
    expect(response.status).toBe(400);
    expect((await response.json()).errors[0]).toMatchObject({ errorType: 'ValidationError', message: 'An introspection query may select at most 500 fields' });
    await stillServes();
  });
});

describe('parse bounds and malformed requests: 400 with GraphQL errors, never 500', () => {
  const post = (body: unknown) => fetch(cloud.appsync.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: mintToken() }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const CASES: [string, unknown, string | RegExp][] = [
    ['variables that are not an object', { query: '{ imageStats { total } }', variables: 'abc' }, 'variables must be a JSON object'],
    ['variables that are a list', { query: '{ imageStats { total } }', variables: [1] }, 'variables must be a JSON object'],
    ['a body that is not an object', '[]', 'The request has no query'],
    ['a null body', 'null', 'The request has no query'],
    ['a query that is not a string', { query: 5 }, 'The request has no query'],
    ['an operationName that is not a string', { query: '{ imageStats { total } }', operationName: 5 }, 'operationName must be a string'],
    ['a missing required variable', { query: 'query($id: ID!) { image(id: $id) { id } }' }, 'Variable "$id" of required type "ID!" was not provided.'],
    ['a variable of the wrong type', { query: 'query($first: Int) { searchImages(first: $first) { totalCount } }', variables: { first: 'many' } }, /Variable "\$first" got invalid value "many"/],
    ['a conditional field without its variable', { query: 'query($s: Boolean!) { imageStats @include(if: $s) { total } }' }, 'Variable "$s" of required type "Boolean!" was not provided.'],
    ['a subscription with a conditional root, without its variable', { query: 'subscription($s: Boolean!) { onImageProcessed @include(if: $s) { imageId } }' }, 'Anonymous Subscription must not use `@skip` or `@include` directives in the top level selection.'],
    ['more tokens than graphql-java parses', { query: aliases(PARSE_LIMITS.maxLexicalTokens / 5, 'imageStats { total }') }, `Syntax Error: Document contains more that ${PARSE_LIMITS.maxLexicalTokens} tokens. Parsing aborted.`],
    ['a query text over 1 MiB', { query: `{ imageStats { total } }${' '.repeat(PARSE_LIMITS.maxSourceLength)}` }, `Syntax Error: Source contains more than ${PARSE_LIMITS.maxSourceLength} UTF-16 code units. Parsing aborted.`],
    // Deep enough to overflow a recursive parser's stack.
    ['selections nested 5,000 deep', { query: `{${' a {'.repeat(5000)} b${' }'.repeat(5000)} }` }, `The document nests deeper than ${MAX_DOCUMENT_NESTING} levels`],
    ['an argument nested 7,000 lists deep', { query: `{ searchImages(filter: { labels: ${'['.repeat(7000)}${']'.repeat(7000)} }) { totalCount } }` }, `The document nests deeper than ${MAX_DOCUMENT_NESTING} levels`],
    ['a lexical error', { query: '{ imageStats { total } ~ }' }, 'Syntax Error: Unexpected character: "~".'],
  ];
  for (const [name, body, message] of CASES) {
    it(`refuses ${name}`, async () => {
      const response = await post(body);
      expect(response.status).toBe(400);
      const errors = (await response.json()).errors as { errorType: string; message: string }[];
      expect(errors[0]).toMatchObject({ errorType: 'ValidationError', message });
      await stillServes();
    });
  }

  it('answers a 4 MB variable value as any other', async () => {
    const response = await userPost(cloud.appsync.url, { query: 'query($id: ID!) { image(id: $id) { id } }', variables: { id: 'x'.repeat(4_000_000) } }, mintToken());
    expect(response.status).toBe(200);
    expect((await response.json()).data).toEqual({ image: null });
    await stillServes();
  });

  it('refuses a variable nested 100,000 lists deep with a coercion error', async () => {
    const query = 'query($f: ImageFilter) { searchImages(filter: $f) { totalCount } }';
    const body = `{"query":${JSON.stringify(query)},"variables":{"f":{"labels":${'['.repeat(100_000)}${']'.repeat(100_000)}}}}`;
    const response = await post(body);
    expect(response.status).toBe(400);
    expect((await response.json()).errors[0]).toMatchObject({ errorType: 'ValidationError', message: expect.stringContaining('Variable "$f" got invalid value') });
    await stillServes();
  });
});

describe('query depth limit (QueryDepthLimitReached)', () => {
  let shallow: TestCloud;
  beforeAll(async () => {
    shallow = await startTestCloud(ALICE_IMAGES.slice(0, 2), { queryLimits: { apiQueryDepthLimit: 4, apiResolverCountLimit: 2 } });
  });
  afterAll(() => shallow?.close());

  it('fails fields deeper than the limit (leaves count) and moves the error up to the first nullable parent', async () => {
    const ok = await (await userPost(shallow.appsync.url, { query: '{ image(id: "01JA1100000000000000000000") { labels { instances { confidence } } } }' }, mintToken())).json();
    expect(ok).toEqual({ data: { image: { labels: [{ instances: [{ confidence: 90 }] }] } } });
    const query = '{ image(id: "01JA1100000000000000000000") { id labels { instances { boundingBox { left } } } } imageStats { total } }';
    const deep = await (await userPost(shallow.appsync.url, { query }, mintToken())).json();
    // left, boundingBox, instances and labels are non-null: the error nulls `image`, the first nullable parent.
    expect(deep.data).toEqual({ image: null, imageStats: { total: 2 } });
    expect(deep.errors).toEqual([
      {
        path: ['image', 'labels', 0, 'instances', 0, 'boundingBox', 'left'],
        data: null,
        errorType: 'QueryDepthLimitReached',
        errorInfo: null,
        locations: [{ line: 1, column: query.indexOf('left') + 1, sourceName: null }],
        message: 'Query depth limit of 4 reached',
      },
    ]);
  });

  it('counts resolvers as AppSync’s example does: with a limit of 2 the third does not run', async () => {
    const body = await (await userPost(shallow.appsync.url, { query: aliases(3, 'image(id: "01JA1100000000000000000000") { id }') }, mintToken())).json();
    expect(body.data).toEqual({ a0: { id: '01JA1100000000000000000000' }, a1: { id: '01JA1100000000000000000000' }, a2: null });
    expect(body.errors).toMatchObject([{ path: ['a2'], errorType: 'ResolverExecutionLimitReached' }]);
  });

  it('counts each Thumbnail.url of a batched field: 1 + 2 x 4 = 9 resolver runs for two images', async () => {
    const body = (await (await userPost(shallow.appsync.url, { query: '{ searchImages { items { id thumbnails { url } } } }' }, mintToken())).json()) as {
      data: { searchImages: { items: { thumbnails: { url: string | null }[] }[] } };
      errors: { errorType: string; path: unknown[] }[];
    };
    const urls = body.data.searchImages.items.flatMap((item) => item.thumbnails.map((t) => t.url));
    // Thumbnail.url is nullable: the runs past the limit are null, each with its own error.
    expect(urls).toEqual([expect.stringContaining('/thumbnails/'), ...Array.from({ length: 7 }, () => null)]);
    expect(body.errors.map((e) => e.errorType)).toEqual(Array.from({ length: 7 }, () => 'ResolverExecutionLimitReached'));
    expect(body.errors[0]!.path).toEqual(['searchImages', 'items', 0, 'thumbnails', 1, 'url']);
  });
});

describe('subscriptions never run without the server-set owner filter', () => {
  const host = () => new URL(cloud.appsync.url).host;
  const auth = (token = mintToken()) => ({ host: host(), Authorization: token });
  const publish = (ownerSub: string, imageId: string) =>
    iamPost(cloud.appsync.url, {
      query: 'mutation P($input: ImageEventInput!) { publishImageProcessed(input: $input) { imageId ownerSub status } }',
      variables: { input: { imageId, ownerSub, status: 'FAILED', reason: 'corrupt' } },
    });
  async function aliceSocket(): Promise<RealtimeSocket> {
    const socket = connectRealtime(cloud.appsync.realtimeUrl, auth());
    await socket.init();
    return socket;
  }
  /** Publishes an event for Bob and one for Alice; the socket must get Alice's only. */
  async function expectOnlyAlicesEvents(socket: RealtimeSocket, id: string): Promise<void> {
    await publish(BOB, '01JB0B00000000000000000B0B');
    await publish(ALICE, '01JA11CE000000000000000A1C');
    expect(await socket.next('data')).toEqual({ type: 'data', id, payload: { data: { onImageProcessed: { imageId: '01JA11CE000000000000000A1C' } } } });
    await new Promise((r) => setTimeout(r, 100));
    expect(socket.messages.filter((m) => m.type === 'data')).toEqual([]);
  }

  const REFUSED: [string, unknown, string | RegExp][] = [
    ['@include(if: false) on the root field', { query: 'subscription { onImageProcessed @include(if: false) { imageId } }' }, 'Anonymous Subscription must not use `@skip` or `@include` directives in the top level selection.'],
    ['@skip on the root field, by a variable', { query: 'subscription S($s: Boolean!) { onImageProcessed @skip(if: $s) { imageId } }', variables: { s: true } }, 'Subscription "S" must not use `@skip` or `@include` directives in the top level selection.'],
    ['@include on a root fragment', { query: 'subscription { ...F @include(if: true) } fragment F on Subscription { onImageProcessed { imageId } }' }, /must not use `@skip` or `@include`/],
    ['@skip inside a root inline fragment', { query: 'subscription { ... on Subscription { onImageProcessed @skip(if: false) { imageId } } }' }, /must not use `@skip` or `@include`/],
    ['a conditional root field without its variable', { query: 'subscription($s: Boolean!) { onImageProcessed @include(if: $s) { imageId } }' }, /must not use `@skip` or `@include`/],
    ['a missing variable of the root field', { query: 'subscription($id: ID!) { onImageProcessed(imageId: $id) { imageId } }' }, 'Variable "$id" of required type "ID!" was not provided.'],
    ['variables that are not an object', { query: 'subscription { onImageProcessed { imageId } }', variables: 'abc' }, 'variables must be a JSON object'],
    ['two root fields', { query: 'subscription { a: onImageProcessed { imageId } b: onImageProcessed(imageId: "x") { imageId } }' }, 'Anonymous Subscription must select only one top level field.'],
    ['an introspection root field next to it', { query: 'subscription { onImageProcessed { imageId } __typename }' }, /must select only one top level field/],
    ['a document that is not JSON', 'abc', 'payload.data is not valid JSON'],
    ['a document that is a JSON string', '"subscription { onImageProcessed { imageId } }"', 'The request has no query'],
  ];
  for (const [name, body, message] of REFUSED) {
    it(`refuses ${name} with an error, registers nothing, and keeps the socket`, async () => {
      const socket = await aliceSocket();
      socket.start('bad', body, auth());
      const refused = await socket.next('error');
      expect(refused.id).toBe('bad');
      expect((refused.payload as { errors: unknown[] }).errors[0]).toMatchObject({ message });
      // Nothing was registered: no event reaches this socket.
      await publish(BOB, '01JB0B00000000000000000B0B');
      await publish(ALICE, '01JA11CE000000000000000A1C');
      // The socket still serves: a proper start is acknowledged and filtered.
      socket.start('ok', { query: 'subscription { onImageProcessed { imageId } }' }, auth());
      expect(await socket.next('start_ack')).toEqual({ type: 'start_ack', id: 'ok' });
      expect(socket.messages.filter((m) => m.type === 'data' || m.type === 'start_ack')).toEqual([]);
      await expectOnlyAlicesEvents(socket, 'ok');
      socket.ws.close();
    });
  }

  const FRAGMENTED: [string, string][] = [
    ['a root inline fragment', 'subscription { ... on Subscription { onImageProcessed { imageId } } }'],
    ['a root inline fragment without a type condition', 'subscription { ... { onImageProcessed { imageId } } }'],
    ['a named root fragment', 'subscription { ...F } fragment F on Subscription { onImageProcessed { imageId } }'],
    ['fragments within fragments', 'subscription { ...F } fragment F on Subscription { ...G } fragment G on Subscription { ... on Subscription { onImageProcessed { imageId } } }'],
  ];
  for (const [name, query] of FRAGMENTED) {
    it(`runs the resolver of ${name} and delivers the owner’s events only`, async () => {
      const socket = await aliceSocket();
      socket.start('f', { query }, auth());
      expect(await socket.next('start_ack')).toEqual({ type: 'start_ack', id: 'f' });
      await expectOnlyAlicesEvents(socket, 'f');
      socket.ws.close();
    });
  }

  it('applies variables to the root field’s arguments (basic filtering on top of the owner filter)', async () => {
    const socket = await aliceSocket();
    socket.start('v', { query: print(OnImageProcessedDocument), variables: { imageId: '01JA11CE000000000000000A1C' } }, auth());
    expect(await socket.next('start_ack')).toEqual({ type: 'start_ack', id: 'v' });
    await publish(ALICE, '01J0THER000000000000000000');
    await publish(BOB, '01JA11CE000000000000000A1C');
    await publish(ALICE, '01JA11CE000000000000000A1C');
    expect(await socket.next('data')).toMatchObject({ id: 'v', payload: { data: { onImageProcessed: { imageId: '01JA11CE000000000000000A1C', ownerSub: ALICE } } } });
    await new Promise((r) => setTimeout(r, 100));
    expect(socket.messages.filter((m) => m.type === 'data')).toEqual([]);
    socket.ws.close();
  });

  it('serves another user while one connection floods costly starts (frames are handled one per turn)', async () => {
    const socket = await aliceSocket();
    // About 14,000 tokens each: within the parse limits, but each takes a while to validate.
    const costly = `subscription { onImageProcessed { ${Array.from({ length: 4600 }, (_, i) => `f${i}: imageId`).join(' ')} } }`;
    const FLOOD = 60;
    for (let i = 0; i < FLOOD; i++) socket.start(`c${i}`, { query: costly }, auth());
    await socket.next('start_ack');
    const bob = await (await userPost(cloud.appsync.url, IMAGE_STATS, mintToken({ sub: BOB }))).json();
    const acksWhenBobWasAnswered = 1 + socket.messages.filter((m) => m.type === 'start_ack').length;
    expect(bob).toEqual({ data: { imageStats: { total: 1 } } });
    for (let i = 1; i < FLOOD; i++) await socket.next('start_ack');
    expect(acksWhenBobWasAnswered).toBeLessThan(FLOOD / 2);
    socket.ws.close();
  });

  it('refuses frames past what may wait on one connection with LimitExceededError, answering every frame', async () => {
    const socket = await aliceSocket();
    const FRAMES = 6000;
    for (let i = 0; i < FRAMES; i++) socket.ws.send(JSON.stringify({ type: 'bogus', id: `b${i}` }));
    const replies = await Promise.all(Array.from({ length: FRAMES }, () => socket.next('error')));
    const types = replies.map((m) => (m.payload as { errors: { errorType: string }[] }).errors[0]!.errorType);
    expect(types.filter((t) => t === 'LimitExceededError').length).toBeGreaterThan(0);
    expect(new Set(types)).toEqual(new Set(['UnsupportedOperation', 'LimitExceededError']));
    await stillServes();
    socket.ws.close();
  });

  it('answers a flood of starts with MaxSubscriptionsReachedError past 100, and everyone is still served', async () => {
    const socket = await aliceSocket();
    for (let i = 0; i < 150; i++) socket.start(`s${i}`, { query: 'subscription { onImageProcessed { imageId } }' }, auth());
    for (let i = 0; i < 100; i++) await socket.next('start_ack');
    const refused = await Promise.all(Array.from({ length: 50 }, () => socket.next('error')));
    expect(new Set(refused.map((m) => (m.payload as { errors: { errorType: string }[] }).errors[0]!.errorType))).toEqual(new Set(['MaxSubscriptionsReachedError']));
    await stillServes();
    const other = await aliceSocket();
    other.start('o', { query: 'subscription { onImageProcessed { imageId } }' }, auth());
    expect(await other.next('start_ack')).toEqual({ type: 'start_ack', id: 'o' });
    socket.ws.close();
    other.ws.close();
  });
});
