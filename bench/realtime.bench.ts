/**
 * `npm run bench:realtime`: the local AppSync's real-time fan-out.
 *   - 2,000 WebSocket subscribers (AppSync's protocol, raw ws clients) across 200 users, 10 each,
 *     all on onImageProcessed, so each subscription carries the owner filter its resolver sets.
 *   - Events for random users published through the real publishImageProcessed mutation, SigV4
 *     signed with IAM over HTTP, one after another; latency is publish start to each delivery.
 *   - Every delivery is counted: delivered / expected must be exactly 1 (none lost, none extra).
 *   - Baseline in the same run: a raw ws echo round trip on the same machine.
 * Memory per connection is the process RSS growth while connecting, divided by the connections; the
 * clients live in this process too, so it counts both ends of each socket.
 */
import { WebSocketServer, WebSocket } from 'ws';
import { ALICE, iamPost, mintToken, startTestCloud } from '../local/appsync/testing/fixtures.ts';
import { subscribe, type BenchSubscriber } from './realtime/clients.ts';
import { percentile } from './process/stats.ts';
import { printReport } from './report.ts';

const USERS = 200;
const PER_USER = 10;
const EVENTS = 300;
const ECHOES = 300;
const GOAL_P95_MS = 50;

const users = Array.from({ length: USERS }, (_, i) => `${ALICE.slice(0, 24)}${String(i).padStart(12, '0')}`);
const cloud = await startTestCloud([], { limits: { maxSubscriptionsPerConnection: 100 } });
const host = new URL(cloud.appsync.url).host;

try {
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  const subscribers: { user: string; client: BenchSubscriber }[] = [];
  for (const user of users) {
    const token = mintToken({ sub: user });
    const clients = await Promise.all(Array.from({ length: PER_USER }, () => subscribe(cloud.appsync.realtimeUrl, host, token)));
    for (const client of clients) subscribers.push({ user, client });
  }
  const rssAfter = process.memoryUsage().rss;

  let delivered = 0;
  let wrongOwner = 0;
  const latencies: number[] = [];
  const sentAt = new Map<string, number>();
  const ownerOf = new Map<string, string>();
  for (const { user, client } of subscribers) {
    client.onData((payload) => {
      const { imageId } = payload.data.onImageProcessed;
      if (ownerOf.get(imageId) !== user) wrongOwner += 1;
      delivered += 1;
      latencies.push(performance.now() - (sentAt.get(imageId) ?? 0));
    });
  }

  const query = 'mutation P($input: ImageEventInput!) { publishImageProcessed(input: $input) { imageId ownerSub status reason } }';
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let i = 0; i < EVENTS; i++) {
    const owner = users[Math.floor(random() * USERS)]!;
    const imageId = `01JD${String(i).padStart(22, "0")}`;
    ownerOf.set(imageId, owner);
    sentAt.set(imageId, performance.now());
    const target = delivered + PER_USER;
    const response = await iamPost(cloud.appsync.url, { query, variables: { input: { imageId, ownerSub: owner, status: 'FAILED', reason: 'bench' } } });
    const body = (await response.json()) as { errors?: unknown };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    const end = performance.now() + 2000;
    while (delivered < target && performance.now() < end) await new Promise((r) => setImmediate(r));
  }
  await new Promise((r) => setTimeout(r, 500));
  const expected = EVENTS * PER_USER;

  // Baseline: a ws echo round trip on this machine.
  const echo = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  echo.on('connection', (socket) => socket.on('message', (data) => socket.send(data)));
  await new Promise((r) => echo.once('listening', r));
  const port = (echo.address() as { port: number }).port;
  const client = new WebSocket(`ws://127.0.0.1:${port}`);
  await new Promise((r) => client.once('open', r));
  const echoes: number[] = [];
  for (let i = 0; i < ECHOES; i++) {
    const started = performance.now();
    await new Promise<void>((resolve) => {
      client.once('message', () => resolve());
      client.send(JSON.stringify({ type: 'data', id: '1', payload: { i } }));
    });
    echoes.push(performance.now() - started);
  }
  client.close();
  echo.close();

  const p = (values: number[], q: number) => percentile(values, q);
  const memoryPerConnectionKb = (rssAfter - rssBefore) / subscribers.length / 1024;
  const rows = [
    ['publish -> delivery (ms)', p(latencies, 50).toFixed(2), p(latencies, 95).toFixed(2), p(latencies, 99).toFixed(2)],
    ['baseline ws echo (ms)', p(echoes, 50).toFixed(3), p(echoes, 95).toFixed(3), p(echoes, 99).toFixed(3)],
  ];
  printReport(
    {
      benchmark: 'realtime',
      figures: {
        subscribers: subscribers.length,
        users: USERS,
        events: EVENTS,
        delivered,
        expected,
        wrongOwner,
        p50Ms: p(latencies, 50),
        p95Ms: p(latencies, 95),
        p99Ms: p(latencies, 99),
        echoP50Ms: p(echoes, 50),
        p50OverEcho: p(latencies, 50) / p(echoes, 50),
        memoryPerConnectionKb,
      },
      goals: [
        { name: 'publish -> delivery p95 (ms)', value: p(latencies, 95), max: GOAL_P95_MS },
        { name: 'deliveries missing or extra (|delivered - expected| + wrong owner)', value: Math.abs(delivered - expected) + wrongOwner, max: 0 },
      ],
    },
    rows,
    ['', 'p50', 'p95', 'p99'],
    [
      `delivered/expected: ${delivered}/${expected}; ${subscribers.length} connections, ${memoryPerConnectionKb.toFixed(1)} KB RSS per connection (both ends)`,
      `p50 publish->delivery is ${(p(latencies, 50) / p(echoes, 50)).toFixed(1)}x a raw ws echo round trip`,
    ],
  );
  for (const { client: c } of subscribers) c.ws.terminate();
} finally {
  await cloud.close();
}
