import { describe, expect, it } from 'vitest';
import { openSearchDataSource } from './opensearch.ts';

const KEY = { accessKeyId: 'AKIA', secretAccessKey: 's' };

function recordingFetch(status = 200, body = '{"hits":{"hits":[]}}') {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetch: typeof globalThis.fetch = (url, init) => {
    calls.push({ url: url instanceof Request ? url.url : url.toString(), init: init ?? {} });
    return Promise.resolve(new Response(body, { status }));
  };
  return { calls, fetch };
}

describe('OPENSEARCH data source', () => {
  it('sends the request object as one HTTP request and returns the parsed body', async () => {
    const { calls, fetch } = recordingFetch();
    const source = openSearchDataSource({ endpoint: 'http://127.0.0.1:9200', region: 'us-east-1', fetch, credentials: KEY });
    const outcome = await source({ operation: 'POST', path: '/images/_search', params: { queryString: { size: '1' }, body: { query: { match_all: {} } } } });
    expect(outcome).toEqual({ result: { hits: { hits: [] } } });
    expect(calls[0]?.url).toBe('http://127.0.0.1:9200/images/_search?size=1');
    expect(calls[0]?.init.method).toBe('POST');
    expect(calls[0]?.init.body).toBe('{"query":{"match_all":{}}}');
    // The local engine, like a domain with IAM access, takes only signed requests.
    expect((calls[0]?.init.headers as Record<string, string>).authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIA\/\d{8}\/us-east-1\/es\/aws4_request/);
  });

  it('signs requests to https domains with SigV4 for service es', async () => {
    const { calls, fetch } = recordingFetch();
    const source = openSearchDataSource({ endpoint: 'https://search-x.us-east-1.es.amazonaws.com', region: 'us-east-1', fetch, credentials: KEY });
    await source({ operation: 'GET', path: '/images/_doc/1' });
    expect((calls[0]?.init.headers as Record<string, string>).authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIA\/\d{8}\/us-east-1\/es\/aws4_request/);
  });

  it('gives the response handler ctx.error for failures', async () => {
    const { fetch } = recordingFetch(400, '{"error":{"type":"parsing_exception"}}');
    const source = openSearchDataSource({ endpoint: 'http://127.0.0.1:9200', region: 'us-east-1', fetch, credentials: KEY });
    expect(await source({ operation: 'POST', path: '/images/_search' })).toEqual({ error: { type: 'OpenSearch:400', message: '{"error":{"type":"parsing_exception"}}' } });
    expect(await source({ operation: 'PATCH', path: '/x' })).toMatchObject({ error: { type: 'BadRequest' } });
  });
});
