/**
 * The web app's search paging through the local AppSync over real HTTP, with its own documents: a
 * first page (SearchImages) with its facets and total, then "Show more" pages (SearchImagesPage)
 * for which the resolver asks the search engine for neither the aggregations nor an exact count,
 * and which go on exactly where the page before ended.
 */
import { print, type DocumentNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SearchImagesDocument, SearchImagesPageDocument } from '../../client/src/generated/graphql.ts';
import { listen } from '../http-server.ts';
import { ALICE, imageDocument, mintToken, startTestCloud, userPost, type TestCloud } from './testing/fixtures.ts';
import { SearchProxy } from './testing/search-proxy.ts';

/** 30 of Alice's images, a minute apart. */
const IMAGES = Array.from({ length: 30 }, (_, i) =>
  imageDocument(ALICE, `01JA22000000000000000000${String(i).padStart(2, '0')}`, { uploadedAt: new Date(Date.UTC(2024, 4, 1, 10, i)).toISOString() }),
);

interface Connection {
  items: { id: string }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount?: number;
  facets?: { formats: { value: string; count: number }[] };
}

const proxy = new SearchProxy();
let cloud: TestCloud;

beforeAll(async () => {
  const url = await listen(proxy.server, 0, '127.0.0.1');
  cloud = await startTestCloud(IMAGES, { searchEndpoint: url });
  proxy.target = cloud.searchUrl;
});
afterAll(async () => {
  await cloud?.close();
  proxy.server.close();
});

/** The connection a document answers, and the body the resolver sent the search engine for it. */
async function search(document: DocumentNode, variables: Record<string, unknown>): Promise<{ connection: Connection; sent: Record<string, unknown> }> {
  const requests = proxy.bodies.length;
  const response = await userPost(cloud.appsync.url, { query: print(document), variables }, mintToken());
  expect(response.status).toBe(200);
  const body = (await response.json()) as { data?: { searchImages: Connection }; errors?: unknown };
  expect(body.errors).toBeUndefined();
  expect(proxy.bodies.length).toBe(requests + 1);
  return { connection: body.data?.searchImages as Connection, sent: JSON.parse(proxy.bodies.at(-1) ?? '{}') as Record<string, unknown> };
}

describe('the web app’s search pages through the local AppSync', () => {
  it('a first page with facets and total, then next pages without their aggregations, one after the other', async () => {
    const variables = { filter: { formats: ['JPEG'] }, first: 12 };
    const first = await search(SearchImagesDocument, variables);
    expect(first.sent).toMatchObject({ track_total_hits: true, aggs: expect.any(Object) });
    expect(first.connection.totalCount).toBe(30);
    expect(first.connection.facets?.formats).toEqual([{ value: 'JPEG', count: 30 }]);

    const ids = first.connection.items.map((item) => item.id);
    let pageInfo = first.connection.pageInfo;
    let pages = 1;
    while (pageInfo.hasNextPage) {
      const next = await search(SearchImagesPageDocument, { ...variables, after: pageInfo.endCursor });
      expect(next.sent).toMatchObject({ track_total_hits: false, search_after: expect.any(Array) });
      expect(next.sent).not.toHaveProperty('aggs');
      expect(next.connection).not.toHaveProperty('facets');
      expect(next.connection).not.toHaveProperty('totalCount');
      ids.push(...next.connection.items.map((item) => item.id));
      pageInfo = next.connection.pageInfo;
      pages += 1;
    }
    expect(pages).toBe(3);
    // The pages together are the whole result, in order, once each.
    const whole = await search(SearchImagesDocument, { ...variables, first: 30 });
    expect(ids).toEqual(whole.connection.items.map((item) => item.id));
    expect(ids).toEqual(IMAGES.map((image) => image.id).reverse());
  });
});
