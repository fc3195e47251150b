/**
 * The local AppSync end to end: real HTTP, real WebSockets, real AppSync clients (Apollo Client 4
 * with aws-appsync-auth-link and aws-appsync-subscription-link), the local search engine and the
 * API's Lambda handlers.
 */
import { gql, type ApolloClient } from '@apollo/client';
import { createImageGraphClient } from '../../client/src/api/apollo.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { FOREIGN_ORIGIN, REFUSAL_CASES, type RefusalCase, rawRequest, sendCall } from '../testing/sigv4-refusals.ts';
import { connectRealtime, upgradeStatus } from './testing/realtime-socket.ts';
import { ALICE, APPSYNC_REFUSALS, BOB, CLIENT_ID, IAM, REGION, USER_POOL_ID, iamHeaders, iamPost, imageDocument, mintToken, startTestCloud, userPost, type TestCloud } from './testing/fixtures.ts';

// aws-appsync-subscription-link opens its socket with the global WebSocket (Node 20 has none).
(globalThis as Record<string, unknown>).WebSocket ??= WebSocket;

let cloud: TestCloud;
const deleted: unknown[] = [];

beforeAll(async () => {
  cloud = await startTestCloud([imageDocument(ALICE, '01JD00000000000000000000A1'), imageDocument(BOB, '01JD00000000000000000000B1')], {
    lambdaOverrides: {
      // delete-image talks to S3; its event is what this test checks.
      'delete-image': (event) => {
        deleted.push(event);
        return Promise.resolve({ data: (event as { arguments: { id: string } }).arguments.id });
      },
    },
    limits: { keepAliveMs: 200 },
  });
});
afterAll(() => cloud?.close());

const PUBLISH = `mutation Publish($input: ImageEventInput!) { publishImageProcessed(input: $input) { imageId ownerSub status reason image { id fileName } } }`;
const event = (ownerSub: string, imageId: string, reason = 'corrupt') => ({ query: PUBLISH, variables: { input: { imageId, ownerSub, status: 'FAILED', reason } } });

/** The project's own client (web app and CLI): Apollo Client 4 with AWS's AppSync links. */
function apollo(token: string): ApolloClient {
  return createImageGraphClient({
    config: { graphqlUrl: cloud.appsync.url, realtimeUrl: cloud.appsync.realtimeUrl, region: REGION, userPoolId: USER_POOL_ID, userPoolClientId: CLIENT_ID },
    jwtToken: () => Promise.resolve(token),
    resubscribe: { initialDelayMs: 60_000 },
  });
}

describe('HTTP', () => {
  it('answers queries with the caller’s data only', async () => {
    const query = { query: '{ image(id: "01JD00000000000000000000A1") { id status thumbnails { size url } } }' };
    const alice = await (await userPost(cloud.appsync.url, query, mintToken())).json();
    expect(alice.data.image.id).toBe('01JD00000000000000000000A1');
    expect(alice.data.image.thumbnails[0].url).toContain('/thumbnails/');
    const bob = await (await userPost(cloud.appsync.url, query, mintToken({ sub: BOB }))).json();
    expect(bob).toEqual({ data: { image: null } });
  });

  it('accepts access tokens too', async () => {
    const body = await (await userPost(cloud.appsync.url, { query: '{ imageStats { total } }' }, mintToken({ use: 'access' }))).json();
    expect(body).toEqual({ data: { imageStats: { total: 1 } } });
  });

  it('sends Invoke payloads to the function and raises its typed failures with their errorType', async () => {
    const body = await (await userPost(cloud.appsync.url, { query: 'mutation { deleteImage(id: "01JD00000000000000000000A1") }' }, mintToken())).json();
    expect(body).toEqual({ data: { deleteImage: '01JD00000000000000000000A1' } });
    expect(deleted.at(-1)).toEqual({ identity: { sub: ALICE }, arguments: { id: '01JD00000000000000000000A1' } });
    const refused = await (await userPost(cloud.appsync.url, { query: 'mutation { requestUpload(input: { fileName: "a.svg", contentType: "image/svg+xml", bytes: 10 }) { imageId } }' }, mintToken())).json();
    expect(refused.data).toBeNull();
    expect(refused.errors[0]).toMatchObject({ path: ['requestUpload'], errorType: 'UnsupportedMediaType', data: null, errorInfo: null });
    expect(refused.errors[0].locations[0]).toEqual({ line: 1, column: 12, sourceName: null });
  });

  it('reports resolver errors with partial data', async () => {
    const body = await (await iamPost(cloud.appsync.url, { query: PUBLISH, variables: { input: { imageId: '01JD00000000000000000000XX', ownerSub: ALICE, status: 'PROCESSING' } } })).json();
    expect(body.data).toEqual({ publishImageProcessed: null });
    expect(body.errors[0]).toMatchObject({ errorType: 'BadRequest', message: expect.stringContaining('PROCESSING') });
  });

  it('refuses malformed JSON and invalid documents', async () => {
    const bad = await fetch(cloud.appsync.url, { method: 'POST', headers: { authorization: mintToken() }, body: '{nope' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ errors: [{ errorType: 'MalformedHttpRequestException', message: 'Invalid JSON payload in POST request.' }] });
    const invalid = await (await userPost(cloud.appsync.url, { query: '{ nope }' }, mintToken())).json();
    expect(invalid.errors[0].message).toContain('nope');
  });
});

describe('auth matrix', () => {
  const OPERATIONS: Record<string, { body: unknown; iamAllowed: boolean; userAllowed: boolean }> = {
    searchImages: { body: { query: '{ searchImages { totalCount } }' }, iamAllowed: false, userAllowed: true },
    image: { body: { query: '{ image(id: "01JD00000000000000000000A1") { id } }' }, iamAllowed: false, userAllowed: true },
    imageStats: { body: { query: '{ imageStats { total } }' }, iamAllowed: false, userAllowed: true },
    requestUpload: { body: { query: 'mutation { requestUpload(input: { fileName: "a.jpg", contentType: "image/jpeg", bytes: 10 }) { imageId } }' }, iamAllowed: false, userAllowed: true },
    deleteImage: { body: { query: 'mutation { deleteImage(id: "01JD00000000000000000000A1") }' }, iamAllowed: false, userAllowed: true },
    publishImageProcessed: { body: event(ALICE, '01JD00000000000000000000A1'), iamAllowed: true, userAllowed: false },
  };
  const refusedTokens: Record<string, [string | undefined, number, string]> = {
    'no token': [undefined, 401, 'You are not authorized to make this call.'],
    expired: [mintToken({ expiresInSeconds: -60 }), 401, 'Token has expired.'],
    'wrong client': [mintToken({ clientId: 'someotherclient' }), 401, 'Valid authorization header not provided.'],
    'forged signature': [mintToken({ forged: true }), 401, 'Valid authorization header not provided.'],
  };

  for (const [name, op] of Object.entries(OPERATIONS)) {
    for (const [label, [token, status, message]] of Object.entries(refusedTokens)) {
      it(`${name}: ${label} is refused`, async () => {
        const response = await userPost(cloud.appsync.url, op.body, token);
        expect(response.status).toBe(status);
        expect(await response.json()).toEqual({ errors: [{ errorType: 'UnauthorizedException', message }] });
      });
    }
    it(`${name}: a user token is ${op.userAllowed ? 'allowed' : 'Unauthorized'}`, async () => {
      const body = await (await userPost(cloud.appsync.url, op.body, mintToken({ sub: BOB }))).json();
      if (op.userAllowed) expect(body.errors).toBeUndefined();
      else expect(body.errors[0]).toMatchObject({ errorType: 'Unauthorized', message: `Not Authorized to access ${name} on type Mutation` });
    });
    it(`${name}: IAM is ${op.iamAllowed ? 'allowed' : 'Unauthorized'}`, async () => {
      const body = await (await iamPost(cloud.appsync.url, op.body)).json();
      if (op.iamAllowed) expect(body.errors).toBeUndefined();
      else expect(body.errors[0]).toMatchObject({ errorType: 'Unauthorized', path: [name] });
    });
  }

  it('IAM with the wrong secret is refused with InvalidSignatureException', async () => {
    const response = await iamPost(cloud.appsync.url, event(ALICE, '01JD00000000000000000000A1'), { ...IAM, secretAccessKey: 'wrong' });
    expect(response.status).toBe(403);
    expect((await response.json()).errors[0].errorType).toBe('InvalidSignatureException');
  });

  it('IAM with an unknown key is refused', async () => {
    const response = await iamPost(cloud.appsync.url, event(ALICE, '01JD00000000000000000000A1'), { ...IAM, accessKeyId: 'AKIAUNKNOWN000000000' });
    expect(response.status).toBe(403);
    expect((await response.json()).errors[0].errorType).toBe('UnrecognizedClientException');
  });

  it('the other user never sees another user’s image', async () => {
    const body = await (await userPost(cloud.appsync.url, { query: '{ searchImages { totalCount items { id } } }' }, mintToken({ sub: BOB }))).json();
    expect((body.data.searchImages.items as { id: string }[]).map((i) => i.id)).toEqual(['01JD00000000000000000000B1']);
  });
});

describe('the project client (Apollo Client 4 + aws-appsync-auth-link + aws-appsync-subscription-link)', () => {
  const SUBSCRIBE = gql`
    subscription OnImageProcessed($imageId: ID) {
      onImageProcessed(imageId: $imageId) { imageId ownerSub status reason image { id } }
    }
  `;

  function collect(client: ApolloClient, variables: Record<string, unknown> = {}) {
    const received: unknown[] = [];
    const errors: unknown[] = [];
    // Live once AppSync acknowledges the start (its start_ack, which the project client reports),
    // however long a busy machine takes; or failed.
    let settled: () => void = () => undefined;
    const started = new Promise<void>((resolve) => (settled = resolve));
    const subscription = client.subscribe({ query: SUBSCRIBE, variables, context: { onSubscriptionAcknowledged: () => settled() } }).subscribe({
      next: (value) => {
        const result = value as { data?: unknown };
        if (result.data) received.push(result.data);
      },
      error: (error) => {
        errors.push(error);
        settled();
      },
    });
    return { received, errors, started, stop: () => subscription.unsubscribe() };
  }

  const until = (check: () => boolean) => expect.poll(check).toBe(true);

  it('delivers a published event to its owner only, with the subscription’s selection', async () => {
    const alice = collect(apollo(mintToken()));
    const aliceOne = collect(apollo(mintToken()), { imageId: '01JD00000000000000000000A2' });
    const bob = collect(apollo(mintToken({ sub: BOB })));
    await Promise.all([alice.started, aliceOne.started, bob.started]);
    expect([alice.errors, aliceOne.errors, bob.errors]).toEqual([[], [], []]);

    // The publisher selects no `image` and no `reason`: subscribers get null for those.
    const published = await (await iamPost(cloud.appsync.url, { query: 'mutation P($input: ImageEventInput!) { publishImageProcessed(input: $input) { imageId ownerSub status } }', variables: { input: { imageId: '01JD00000000000000000000A1', ownerSub: ALICE, status: 'FAILED', reason: 'corrupt' } } })).json();
    expect(published.errors).toBeUndefined();
    await (await iamPost(cloud.appsync.url, event(ALICE, '01JD00000000000000000000A2', 'too large'))).json();
    await until(() => alice.received.length === 2 && aliceOne.received.length === 1);
    await new Promise((r) => setTimeout(r, 100));
    expect(alice.received[0]).toEqual({ onImageProcessed: { imageId: '01JD00000000000000000000A1', ownerSub: ALICE, status: 'FAILED', reason: null, image: null, __typename: 'ImageEvent' } });
    expect(aliceOne.received).toEqual([{ onImageProcessed: expect.objectContaining({ imageId: '01JD00000000000000000000A2', reason: 'too large' }) }]);
    expect(bob.received).toEqual([]);
    alice.stop();
    aliceOne.stop();
    bob.stop();
  });

});

describe('real-time protocol, raw', () => {
  const connect = (header: Record<string, string>, via: 'query' | 'subprotocol' = 'query') => connectRealtime(cloud.appsync.realtimeUrl, header, via);
  const host = () => new URL(cloud.appsync.url).host;

  it('acknowledges with connectionTimeoutMs, keeps alive, starts, stops and completes (query-string header)', async () => {
    const token = mintToken();
    const c = connect({ host: host(), Authorization: token });
    await c.opened;
    expect(c.ws.protocol).toBe('graphql-ws');
    c.ws.send(JSON.stringify({ type: 'connection_init' }));
    expect(await c.next('connection_ack')).toEqual({ type: 'connection_ack', payload: { connectionTimeoutMs: 300000 } });
    expect(await c.next('ka')).toEqual({ type: 'ka' });
    const data = JSON.stringify({ query: 'subscription { onImageProcessed { imageId } }', variables: {} });
    c.ws.send(JSON.stringify({ id: 's1', type: 'start', payload: { data, extensions: { authorization: { host: host(), Authorization: token } } } }));
    expect(await c.next('start_ack')).toEqual({ type: 'start_ack', id: 's1' });
    await iamPost(cloud.appsync.url, event(ALICE, '01JD0000000000000000000RAW'));
    expect(await c.next('data')).toEqual({ type: 'data', id: 's1', payload: { data: { onImageProcessed: { imageId: '01JD0000000000000000000RAW' } } } });
    c.ws.send(JSON.stringify({ id: 's1', type: 'stop' }));
    expect(await c.next('complete')).toEqual({ type: 'complete', id: 's1' });
    c.ws.close();
  });

  it('answers malformed and unknown frames with errors and keeps serving', async () => {
    const token = mintToken();
    const c = connect({ host: host(), Authorization: token }, 'subprotocol');
    await c.opened;
    c.ws.send(JSON.stringify({ type: 'connection_init' }));
    await c.next('connection_ack');
    c.ws.send('{not json');
    expect(await c.next('error')).toMatchObject({ payload: { errors: [{ errorType: 'MalformedMessage' }] } });
    c.ws.send(JSON.stringify({ type: 'bogus', id: 'x' }));
    expect(await c.next('error')).toEqual({ type: 'error', id: 'x', payload: { errors: [{ errorType: 'UnsupportedOperation', message: 'bogus not supported through the realtime channel' }] } });
    c.ws.send(JSON.stringify({ type: 'start', id: 'q', payload: { data: JSON.stringify({ query: '{ imageStats { total } }' }), extensions: { authorization: { host: host(), Authorization: token } } } }));
    expect(await c.next('error')).toMatchObject({ id: 'q', payload: { errors: [{ errorType: 'UnsupportedOperation' }] } });
    c.ws.send(JSON.stringify({ type: 'start', id: 'big', payload: { data: 'x'.repeat(300 * 1024) } }));
    expect(await c.next('error')).toMatchObject({ payload: { errors: [{ errorType: 'LimitExceededError' }] } });
    // Still serving.
    c.ws.send(JSON.stringify({ type: 'start', id: 'ok', payload: { data: JSON.stringify({ query: 'subscription { onImageProcessed { imageId } }' }), extensions: { authorization: { host: host(), Authorization: token } } } }));
    expect(await c.next('start_ack')).toEqual({ type: 'start_ack', id: 'ok' });
    c.ws.close();
  });

  it('closes a socket sending a frame far over the limit, and the server stays up', async () => {
    const c = connect({ host: host(), Authorization: mintToken() });
    await c.opened;
    const closed = new Promise<number>((resolve) => c.ws.once('close', (code) => resolve(code)));
    c.ws.send('x'.repeat(2 * 1024 * 1024));
    expect(await closed).toBe(1009);
    const body = await (await userPost(cloud.appsync.url, { query: '{ imageStats { total } }' }, mintToken())).json();
    expect(body.data.imageStats.total).toBeGreaterThan(0);
  });

  it('authorizes IAM connections and starts by their signatures, and applies the directive rules to them', async () => {
    const c = connect(await iamHeaders(`${cloud.appsync.url}/connect`, '{}'), 'subprotocol');
    await c.opened;
    c.ws.send(JSON.stringify({ type: 'connection_init' }));
    await c.next('connection_ack');
    const data = JSON.stringify({ query: 'subscription { onImageProcessed { imageId } }', variables: {} });
    c.ws.send(JSON.stringify({ id: 'iam', type: 'start', payload: { data, extensions: { authorization: await iamHeaders(cloud.appsync.url, data) } } }));
    expect(await c.next('error')).toMatchObject({ id: 'iam', payload: { errors: [{ errorType: 'Unauthorized', message: 'Not Authorized to access onImageProcessed on type Subscription' }] } });
    // A signature over other data than the start's does not pass.
    c.ws.send(JSON.stringify({ id: 'forged', type: 'start', payload: { data, extensions: { authorization: await iamHeaders(cloud.appsync.url, '{}') } } }));
    expect(await c.next('error')).toMatchObject({ id: 'forged', payload: { errors: [{ errorType: 'InvalidSignatureException' }] } });
    c.ws.close();
  });

  it('refuses a start with another user’s expired token, on a valid connection', async () => {
    const c = connect({ host: host(), Authorization: mintToken() });
    await c.opened;
    c.ws.send(JSON.stringify({ type: 'connection_init' }));
    await c.next('connection_ack');
    const data = JSON.stringify({ query: 'subscription { onImageProcessed { imageId } }' });
    c.ws.send(JSON.stringify({ id: 'e', type: 'start', payload: { data, extensions: { authorization: { host: host(), Authorization: mintToken({ sub: BOB, expiresInSeconds: -5 }) } } } }));
    expect(await c.next('error')).toEqual({ type: 'error', id: 'e', payload: { errors: [{ errorType: 'UnauthorizedException', message: 'Token has expired.' }] } });
    c.ws.close();
  });

  it('refuses a connection without a valid header with connection_error', async () => {
    const c = connect({ host: host(), Authorization: mintToken({ clientId: CLIENT_ID + 'x' }) });
    await c.opened;
    c.ws.send(JSON.stringify({ type: 'connection_init' }));
    expect(await c.next('connection_error')).toMatchObject({ payload: { errors: [{ errorType: 'UnauthorizedException', errorCode: 401 }] } });
  });
});

describe('who may call: signatures, Host and Origin', () => {
  const publish = () => ({
    url: cloud.appsync.url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(event(ALICE, 'img-a1', 'forged')),
    service: 'appsync',
    region: REGION,
    credentials: IAM,
  });

  it.each(REFUSAL_CASES.filter((wrong): wrong is Exclude<RefusalCase, 'foreign Origin'> => wrong !== 'foreign Origin'))('refuses publishImageProcessed with %s', async (wrong) => {
    const [status, errorType] = APPSYNC_REFUSALS[wrong];
    const reply = await sendCall(publish(), wrong);
    expect(reply.status, reply.body).toBe(status);
    expect(JSON.parse(reply.body)).toMatchObject({ errors: [{ errorType }] });
  });

  it('serves any browser origin, as AppSync does (callers need a token or a signature a page cannot make)', async () => {
    const reply = await sendCall({ ...publish(), headers: { ...publish().headers, origin: FOREIGN_ORIGIN } });
    expect(reply.status, reply.body).toBe(200);
    expect(reply.headers['access-control-allow-origin']).toBe('*');
  });

  it('refuses the explorer and the real-time endpoint under a foreign Host (DNS rebinding)', async () => {
    const url = new URL('/', cloud.appsync.url);
    const page = await rawRequest(url, { method: 'GET', headers: { host: `attacker.example:${url.port}` }, body: '' });
    expect(page.status).toBe(403);
    expect(page.body).not.toContain('EXPLORER_CONFIG');
    expect((await rawRequest(url, { method: 'GET', headers: { host: `localhost:${url.port}` }, body: '' })).status).toBe(200);
    expect(await upgradeStatus(cloud.appsync.realtimeUrl, { headers: { host: `attacker.example:${url.port}` } })).toBe(403);
  });
});

describe('explorer', () => {
  it('serves GraphiQL built from npm, configured for this endpoint and user pool sign-in', async () => {
    const page = await (await fetch(new URL('/', cloud.appsync.url))).text();
    expect(page).toContain('<div id="root">');
    const config = JSON.parse(/EXPLORER_CONFIG=(\{.*?\})<\/script>/.exec(page)?.[1] ?? '{}') as Record<string, string>;
    expect(config).toEqual({
      graphqlUrl: cloud.appsync.url,
      realtimeUrl: cloud.appsync.realtimeUrl,
      cognitoEndpoint: `https://cognito-idp.${REGION}.amazonaws.com/`,
      userPoolId: USER_POOL_ID,
      userPoolClientId: CLIENT_ID,
    });
    const app = await fetch(new URL('/explorer/app.js', cloud.appsync.url));
    expect(app.headers.get('content-type')).toBe('text/javascript');
    expect(await app.text()).toContain('graphiql');
    for (const file of ['app.css', 'editor.worker.js', 'json.worker.js', 'graphql.worker.js', 'codicon.ttf']) {
      expect((await fetch(new URL(`/explorer/${file}`, cloud.appsync.url))).status, file).toBe(200);
    }
    expect((await fetch(new URL('/explorer/nope.js', cloud.appsync.url))).status).toBe(404);
  });
});
