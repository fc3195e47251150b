/**
 * Issue 12's attacks replayed against `npm start` as a real process, by a signed-up attacker
 * (bob) while another user (alice) uses the product: each is refused with a clear error, nothing
 * leaks across users, no local service answers an unsigned or foreign caller, and afterwards the
 * cloud still processes a normal upload.
 */
import { readdirSync, readFileSync, readlinkSync, mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_OUTPUT_KEYS, OUTPUT_KEYS } from '../../infra/stack-outputs.ts';
import { IMAGES_INDEX } from '../../resolvers/lib/imageDocument.ts';
import { LOCAL_REGION } from '../config.ts';
import { aliasBomb, deepQuery, LONG_SEARCH_TEXT, openRealtime, postGraphQL, SEARCH, SUBSCRIPTION_ATTACKS } from './attacks.ts';
import { type CloudProcess, startCloudProcess } from './cloud-process.ts';
import { ownerDocumentCount, readProcessIds } from './probes.ts';
import { generatedJpegs, type ImageEvent, subscribeToEvents, upload } from './uploads.ts';
import { signUpUser, type TestUser } from './users.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'imagegraph-abuse-'));
let cloud: CloudProcess;
let alice: TestUser;
let bob: TestUser;
const aliceEvents: ImageEvent[] = [];
let aliceSubscription: { unsubscribe(): void } | undefined;

const EVIL_ORIGIN = 'http://evil.example';

async function processedUpload(user: TestUser, events: ImageEvent[], seed: number): Promise<string> {
  const [bytes] = await generatedJpegs(1, 320 + seed, 240);
  const sent = await upload(user, { name: `photo-${seed}.jpg`, type: 'image/jpeg', bytes: bytes! });
  expect(sent.status).toBe(204);
  const deadline = Date.now() + 60_000;
  while (!events.some((event) => event.imageId === sent.ticket.imageId && event.status === 'PROCESSED')) {
    if (Date.now() > deadline) throw new Error(`no PROCESSED event for ${sent.ticket.imageId}: ${JSON.stringify(events)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return sent.ticket.imageId;
}

/** A raw HTTP request with whatever Host header an attacker (or a rebinding DNS name) sends. */
function rawRequest(url: string, options: { method?: string; headers?: Record<string, string>; body?: string }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const request = httpRequest(
      { host: target.hostname, port: target.port, path: `${target.pathname}${target.search}`, method: options.method ?? 'GET', headers: options.headers, setHost: !options.headers?.host },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}

beforeAll(async () => {
  cloud = await startCloudProcess(dataDir, ['--vision', 'lite']);
  [alice, bob] = await Promise.all([signUpUser(cloud.config, dataDir, 'alice'), signUpUser(cloud.config, dataDir, 'bob')]);
  aliceSubscription = await subscribeToEvents(alice, (event) => aliceEvents.push(event));
  await processedUpload(alice, aliceEvents, 0);
}, 180_000);

afterAll(async () => {
  aliceSubscription?.unsubscribe();
  alice?.client.stop();
  bob?.client.stop();
  if (cloud) expect(await cloud.stop()).toBe(0);
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the API refuses what would starve other users', () => {
  it('a 200 KB search text is refused at once as BadRequest, and search keeps answering', async () => {
    const token = await bob.session.idToken();
    const attack = await postGraphQL(cloud.config, token, { query: SEARCH, variables: { q: LONG_SEARCH_TEXT } });
    expect(attack.body.errors?.[0]?.errorType).toBe('BadRequest');
    expect(attack.body.errors?.[0]?.message).toMatch(/query/i);
    const normal = await postGraphQL(cloud.config, await alice.session.idToken(), { query: SEARCH, variables: { q: 'photo' } });
    expect(normal.body.errors).toBeUndefined();
  });

  it('alias bombs are refused (at parse, or past the resolver count limit without running), and another user is served meanwhile', async () => {
    const token = await bob.session.idToken();
    // 5,000 aliases are over the parser's token limit; 1,500 parse and then exceed 1,000 resolver runs.
    const bombs = [5_000, 1_500, 5_000, 1_500].map((aliases) => postGraphQL(cloud.config, token, { query: aliasBomb(aliases) }));
    const other = postGraphQL(cloud.config, await alice.session.idToken(), { query: '{ imageStats { total } }' });
    const replies = await Promise.all(bombs);
    for (const [i, reply] of replies.entries()) {
      expect(reply.body.data ?? null).toBeNull();
      expect(reply.body.errors?.map((error) => `${error.errorType ?? ""} ${error.message}`).join(), `bomb ${i}`).toMatch(
        i % 2 === 0 ? /15000 tokens/ : /ResolverExecutionLimitReached/,
      );
    }
    const served = await other;
    expect(served.body.errors).toBeUndefined();
    expect((served.body.data as { imageStats: { total: number } }).imageStats.total).toBeGreaterThanOrEqual(1);
  });

  it('deep nesting is refused with a GraphQL error, however deep', async () => {
    for (const depth of [80, 100_000]) {
      const reply = await postGraphQL(cloud.config, await bob.session.idToken(), { query: deepQuery(depth) });
      expect(reply.status, `depth ${depth}`).toBe(400);
      expect(reply.body.errors?.length, `depth ${depth}`).toBeGreaterThan(0);
    }
  });

  it('huge variables are refused with a GraphQL error, not a crash', async () => {
    const reply = await postGraphQL(cloud.config, await bob.session.idToken(), { query: SEARCH, variables: { q: 'x'.repeat(4_000_000) } });
    expect(reply.status).toBeLessThan(500);
    expect(reply.body.errors?.length).toBeGreaterThan(0);
  });

  it('forged cursors are refused as BadRequest and reveal nothing', async () => {
    const token = await bob.session.idToken();
    const forged = [
      'not-a-cursor',
      Buffer.from(JSON.stringify({ ownerSub: alice.sub, after: ['x'] })).toString('base64'),
      Buffer.from('['.repeat(10_000)).toString('base64'),
      'A'.repeat(100_000),
    ];
    for (const after of forged) {
      const reply = await postGraphQL(cloud.config, token, { query: 'query ($after: String) { searchImages(after: $after) { totalCount items { id } } }', variables: { after } });
      expect(reply.body.errors?.[0]?.errorType, after.slice(0, 40)).toBe('BadRequest');
    }
  });

  it('malformed operations get GraphQL errors with HTTP 400, never 500', async () => {
    const token = await bob.session.idToken();
    const malformed: unknown[] = [
      { query: '{ imageStats { total } }', variables: 'abc' },
      { query: 'query ($s: Boolean!) { imageStats @include(if: $s) { total } }' },
      { query: '{ imageStats { total } ' },
      '{"query": ',
      { query: 42 },
    ];
    for (const body of malformed) {
      const reply = await postGraphQL(cloud.config, token, body);
      expect(reply.status, JSON.stringify(body)).toBe(400);
      expect(reply.body.errors?.length, JSON.stringify(body)).toBeGreaterThan(0);
    }
  });
});

describe('subscriptions never skip the owner filter', () => {
  it("no shape of subscription lets bob see alice's events, and bob's socket stays open", async () => {
    const session = await openRealtime(cloud.config, await bob.session.idToken());
    try {
      const ids = Object.keys(SUBSCRIPTION_ATTACKS);
      ids.forEach((name, i) => session.start(`attack-${i}`, SUBSCRIPTION_ATTACKS[name]!.query, SUBSCRIPTION_ATTACKS[name]!.variables));
      const answers = await Promise.all(
        ids.map((_, i) => session.next((message) => message.id === `attack-${i}` && (message.type === 'start_ack' || message.type === 'error'))),
      );
      const imageId = await processedUpload(alice, aliceEvents, 1);
      // Give a leaked delivery time to arrive: alice's own event already has.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const leaked = session.messages.filter((message) => message.type === 'data');
      expect(leaked, `bob received: ${JSON.stringify(leaked)} (answers ${JSON.stringify(answers)})`).toEqual([]);
      expect(JSON.stringify(session.messages)).not.toContain(imageId);
      expect(session.socket.readyState).toBe(session.socket.OPEN);
    } finally {
      session.close();
    }
  });

  it('a flood of start frames gets protocol errors and the connection keeps working', async () => {
    const session = await openRealtime(cloud.config, await bob.session.idToken());
    try {
      for (let i = 0; i < 300; i++) session.start(`flood-${i}`, 'subscription { onImageProcessed { imageId } }');
      session.socket.send('x'.repeat(300_000));
      session.socket.send('{"type":"start","id":1,"payload":"nope"}');
      await session.next((message) => message.type === 'error' || (message.type === 'start_ack' && message.id === 'flood-299'), 30_000);
      expect(session.socket.readyState).toBe(session.socket.OPEN);
    } finally {
      session.close();
    }
    const normal = await postGraphQL(cloud.config, await alice.session.idToken(), { query: '{ imageStats { total } }' });
    expect(normal.body.errors).toBeUndefined();
  });
});

describe('every local service authenticates as its AWS counterpart does', () => {
  const endpoints = () => ({
    graphql: cloud.outputs[OUTPUT_KEYS.graphqlUrl]!,
    search: cloud.outputs[OUTPUT_KEYS.searchEndpoint]!,
    sqs: cloud.outputs[LOCAL_OUTPUT_KEYS.sqsEndpoint]!,
    vision: cloud.outputs[LOCAL_OUTPUT_KEYS.visionEndpoint]!,
    cognito: cloud.outputs[LOCAL_OUTPUT_KEYS.cognitoEndpoint]!,
    s3: cloud.outputs[LOCAL_OUTPUT_KEYS.s3Endpoint]!,
    web: cloud.outputs[OUTPUT_KEYS.webUrl]!,
  });

  it('the search engine refuses unsigned reads and a web page’s no-preflight write', async () => {
    const { search } = endpoints();
    const read = await rawRequest(`${search}/${IMAGES_INDEX}/_search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":{"match_all":{}}}' });
    expect(read.status).toBe(403);
    expect(read.body).not.toContain(alice.sub);
    const write = await rawRequest(`${search}/${IMAGES_INDEX}/_delete_by_query`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', origin: EVIL_ORIGIN },
      body: '{"query":{"match_all":{}}}',
    });
    expect(write.status).toBe(403);
    const drop = await rawRequest(`${search}/${IMAGES_INDEX}`, { method: 'DELETE' });
    expect(drop.status).toBe(403);
    expect(await ownerDocumentCount(cloud.outputs, alice.sub)).toBeGreaterThanOrEqual(1);
  });

  it("the queue refuses an unsigned or wrongly signed forged delete of another user's image", async () => {
    const { sqs } = endpoints();
    const forged = JSON.stringify({ Records: [{ eventName: 'ObjectRemoved:Delete', s3: { object: { key: `uploads/${alice.sub}/x/photo.jpg` } } }] });
    const unsigned = await rawRequest(sqs, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.SendMessage' },
      body: JSON.stringify({ QueueUrl: cloud.outputs[OUTPUT_KEYS.queueUrl], MessageBody: forged }),
    });
    expect(unsigned.status).toBeGreaterThanOrEqual(400);
    expect(unsigned.status).toBeLessThan(500);
    const wrongKey = new SQSClient({ endpoint: sqs, region: LOCAL_REGION, credentials: { accessKeyId: 'AKIAATTACKER', secretAccessKey: 'guess' } });
    await expect(wrongKey.send(new SendMessageCommand({ QueueUrl: cloud.outputs[OUTPUT_KEYS.queueUrl], MessageBody: forged }))).rejects.toThrow();
    wrongKey.destroy();
  });

  it("vision refuses an unsigned DetectLabels on another user's object", async () => {
    const { vision } = endpoints();
    const reply = await rawRequest(vision, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'RekognitionService.DetectLabels' },
      body: JSON.stringify({ Image: { S3Object: { Bucket: cloud.outputs[OUTPUT_KEYS.bucketName], Name: `uploads/${alice.sub}/x/photo.jpg` } } }),
    });
    expect(reply.status).toBeGreaterThanOrEqual(400);
    expect(reply.status).toBeLessThan(500);
    expect(reply.body).not.toContain('Labels');
  });

  it("Cognito's admin actions need credentials; alice keeps her password", async () => {
    const { cognito } = endpoints();
    const call = (action: string, body: unknown) =>
      rawRequest(cognito, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityProviderService.${action}` }, body: JSON.stringify(body) });
    const list = await call('ListUsers', { UserPoolId: cloud.config.userPoolId });
    expect(list.status).toBeGreaterThanOrEqual(400);
    expect(list.body).not.toContain(alice.email);
    const takeover = await call('AdminSetUserPassword', { UserPoolId: cloud.config.userPoolId, Username: alice.email, Password: 'Attacker-owns-1', Permanent: true });
    expect(takeover.status).toBeGreaterThanOrEqual(400);
    await expect(alice.session.signIn(alice.email, 'Correct-horse-9-battery')).resolves.toBeTruthy();
  });

  it('every service refuses a foreign Host (DNS rebinding) and a foreign browser origin', async () => {
    for (const [name, url] of Object.entries(endpoints())) {
      const { port } = new URL(url);
      const rebound = await rawRequest(url, { headers: { host: `evil.example:${port}` } });
      expect(rebound.status, `${name} with a foreign Host`).toBeGreaterThanOrEqual(400);
      expect(rebound.status, `${name} with a foreign Host`).toBeLessThan(500);
    }
    for (const name of ['search', 'sqs', 'vision', 'web'] as const) {
      const reply = await rawRequest(endpoints()[name], { method: 'POST', headers: { 'content-type': 'text/plain', origin: EVIL_ORIGIN }, body: '{}' });
      expect(reply.status, `${name} from a foreign origin`).toBe(403);
    }
  });

  it('nothing else listens: every TCP port of the cloud’s processes is one of its authenticated endpoints', () => {
    const pids = new Set(Object.values(readProcessIds(dataDir)).map(Number));
    // Children of the cloud (the storage backend among them) too.
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const ppid = Number(readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]?.split(' ')[1]);
        if (pids.has(ppid)) pids.add(Number(entry));
      } catch {
        // The process ended while being read.
      }
    }
    const inodes = new Set<string>();
    for (const pid of pids) {
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        const match = /^socket:\[(\d+)\]$/.exec(safeReadlink(`/proc/${pid}/fd/${fd}`));
        if (match) inodes.add(match[1]!);
      }
    }
    const listening = new Set<number>();
    for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
      for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
        const fields = line.trim().split(/\s+/);
        // st 0A is LISTEN; field 9 is the socket's inode.
        if (fields[3] === '0A' && inodes.has(fields[9] ?? '')) listening.add(parseInt(fields[1]!.split(':')[1]!, 16));
      }
    }
    const known = new Set(Object.values(endpoints()).map((url) => Number(new URL(url).port)));
    expect([...listening].filter((port) => !known.has(port))).toEqual([]);
  });
});

function safeReadlink(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return '';
  }
}

describe('after all that', () => {
  it('a normal upload is processed and found', async () => {
    const imageId = await processedUpload(alice, aliceEvents, 2);
    const reply = await postGraphQL(cloud.config, await alice.session.idToken(), { query: 'query ($id: ID!) { image(id: $id) { id status } }', variables: { id: imageId } });
    expect(reply.body.data).toEqual({ image: { id: imageId, status: 'PROCESSED' } });
  });
});
