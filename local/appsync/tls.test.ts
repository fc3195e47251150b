/**
 * The local AppSync over TLS: https and wss on the same port as plain http and ws, with the local
 * CA's certificate; the Host guard and SigV4 checks hold on TLS connections as on plain ones.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureLocalTls } from '../tls/certificates.ts';
import { REFUSAL_CASES, type RefusalCase, rawRequest, sendCall } from '../testing/sigv4-refusals.ts';
import { connectRealtime, upgradeStatus } from './testing/realtime-socket.ts';
import { ALICE, IAM, REGION, APPSYNC_REFUSALS, iamHeaders, imageDocument, mintToken, startTestCloud, type TestCloud } from './testing/fixtures.ts';

let cloud: TestCloud;
let dir: string;
let ca: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'appsync-tls-'));
  const tls = await ensureLocalTls(dir);
  ca = await readFile(tls.caFile, 'utf8');
  cloud = await startTestCloud([imageDocument(ALICE, '01JD00000000000000000000A1')], { tls });
});
afterAll(async () => {
  await cloud?.close();
  await rm(dir, { recursive: true, force: true });
});

const STATS = JSON.stringify({ query: '{ imageStats { total } }' });
const userCall = (url: string, token: string) => rawRequest(new URL(url), { method: 'POST', headers: { 'content-type': 'application/json', authorization: token }, body: STATS, ca });

describe('one port, two schemes', () => {
  it('lists the TLS endpoints on the plain endpoints’ port', () => {
    const plain = new URL(cloud.appsync.url);
    expect(cloud.appsync.tlsUrl).toBe(`https://${plain.host}/graphql`);
    expect(cloud.appsync.tlsRealtimeUrl).toBe(`wss://${plain.host}/graphql/realtime`);
  });

  it('answers the same query over https and over http', async () => {
    const token = mintToken();
    for (const url of [cloud.appsync.tlsUrl!, cloud.appsync.url]) {
      const reply = await userCall(url, token);
      expect(reply.status, url).toBe(200);
      expect(JSON.parse(reply.body)).toEqual({ data: { imageStats: { total: 1 } } });
    }
  });

  it('fails the handshake of a client that does not trust the local CA, and serves the next one', async () => {
    const untrusting = rawRequest(new URL(cloud.appsync.tlsUrl!), { method: 'POST', headers: { authorization: mintToken() }, body: STATS });
    await expect(untrusting).rejects.toMatchObject({ code: 'SELF_SIGNED_CERT_IN_CHAIN' });
    expect((await userCall(cloud.appsync.tlsUrl!, mintToken())).status).toBe(200);
  });

  it('serves others while a connection sends nothing (closing the server drops it)', async () => {
    const { port } = new URL(cloud.appsync.url);
    const silent = connect(Number(port), '127.0.0.1');
    await new Promise((resolve) => silent.once('connect', resolve));
    expect((await userCall(cloud.appsync.tlsUrl!, mintToken())).status).toBe(200);
    expect((await userCall(cloud.appsync.url, mintToken())).status).toBe(200);
    // Left open: afterAll's close() must not wait for it.
  });

  it('serves the explorer over TLS configured for https and wss', async () => {
    const page = await rawRequest(new URL('/', cloud.appsync.tlsUrl), { method: 'GET', headers: {}, body: '', ca });
    const config = JSON.parse(/EXPLORER_CONFIG=(\{.*?\})<\/script>/.exec(page.body)?.[1] ?? '{}') as Record<string, string>;
    expect(config).toMatchObject({ graphqlUrl: cloud.appsync.tlsUrl, realtimeUrl: cloud.appsync.tlsRealtimeUrl });
  });
});

describe('the same checks over TLS', () => {
  const publish = () => ({
    url: cloud.appsync.tlsUrl!,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: `mutation { publishImageProcessed(input: { imageId: "01JD00000000000000000000X1", ownerSub: "${ALICE}", status: FAILED, reason: "x" }) { imageId } }` }),
    service: 'appsync',
    region: REGION,
    credentials: IAM,
    ca,
  });

  it('accepts an IAM caller signed for the https endpoint', async () => {
    const reply = await sendCall(publish());
    expect(reply.status, reply.body).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({ data: { publishImageProcessed: { imageId: '01JD00000000000000000000X1' } } });
  });

  it.each(REFUSAL_CASES.filter((wrong): wrong is Exclude<RefusalCase, 'foreign Origin'> => wrong !== 'foreign Origin'))('refuses publishImageProcessed with %s', async (wrong) => {
    const [status, errorType] = APPSYNC_REFUSALS[wrong];
    const reply = await sendCall(publish(), wrong);
    expect(reply.status, reply.body).toBe(status);
    expect(JSON.parse(reply.body)).toMatchObject({ errors: [{ errorType }] });
  });

  it('refuses a wss upgrade under a foreign Host (DNS rebinding)', async () => {
    const { port } = new URL(cloud.appsync.tlsUrl!);
    expect(await upgradeStatus(cloud.appsync.tlsRealtimeUrl!, { headers: { host: `attacker.example:${port}` }, ca })).toBe(403);
    expect(await upgradeStatus(cloud.appsync.tlsRealtimeUrl!, { headers: { host: `localhost:${port}` }, ca })).toBe(101);
  });
});

describe('real-time over wss', () => {
  it('acknowledges a user’s connection, starts a subscription and delivers an IAM-published event to it', async () => {
    const { host } = new URL(cloud.appsync.tlsUrl!);
    const socket = connectRealtime(cloud.appsync.tlsRealtimeUrl!, { host, Authorization: mintToken() }, 'query', { ca });
    try {
      expect(await socket.init()).toMatchObject({ type: 'connection_ack' });
      socket.start('s1', { query: 'subscription { onImageProcessed { imageId status reason } }' }, { host, Authorization: mintToken() });
      await socket.next('start_ack');
      const body = JSON.stringify({ query: 'mutation { publishImageProcessed(input: { imageId: "01JD00000000000000000000X9", ownerSub: "' + ALICE + '", status: FAILED, reason: "corrupt" }) { imageId ownerSub status reason } }' });
      const published = await rawRequest(new URL(cloud.appsync.tlsUrl!), { method: 'POST', headers: await iamHeaders(cloud.appsync.tlsUrl!, body), body, ca });
      expect(published.status, published.body).toBe(200);
      expect(await socket.next('data')).toMatchObject({ id: 's1', payload: { data: { onImageProcessed: { imageId: '01JD00000000000000000000X9', status: 'FAILED', reason: 'corrupt' } } } });
    } finally {
      socket.ws.close();
    }
  });
});
