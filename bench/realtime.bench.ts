/**
 * `npm run bench:realtime`: the local AppSync's real-time fan-out, as the web app meets it.
 *   - 2,000 WebSocket subscribers (AppSync's protocol, raw ws clients) across 200 users, 10 each,
 *     in SUBSCRIBER_PROCESSES child processes: the server's process holds only the server (and the
 *     publisher). Each subscribes with the web app's own OnImageProcessed document (the whole
 *     ImageSummary fragment, __typename added as Apollo sends it), so each subscription carries the
 *     owner filter its resolver sets.
 *   - EVENTS PROCESSED events for random users, each with a whole image document, published by the
 *     pipeline's own ImageEventPublisher (the real publishImageProcessed mutation, SigV4-signed),
 *     PUBLISH_IN_FLIGHT at a time; latency is publish start to each delivery (a clock the
 *     processes share).
 *   - Every delivery is counted: delivered / expected must be exactly 1 (none lost, none extra,
 *     none to another user) and every image must arrive whole.
 *   - Baseline in the same run: a raw ws echo round trip from a subscriber process to this one.
 * Memory per connection is this process's RSS growth while the clients connect, divided by the
 * connections: the server's side of each socket alone.
 */
import { availableParallelism, loadavg } from 'node:os';
import pLimit from 'p-limit';
import { WebSocketServer } from 'ws';
import { ImageEventPublisher } from '../functions/process-image/image-event-publisher.ts';
import { DEFAULTS, thumbnailSpecs } from '../functions/shared/config.ts';
import { ALICE, IAM, REGION, imageDocument, mintToken, startTestCloud } from '../local/appsync/testing/fixtures.ts';
import { percentile } from './process/stats.ts';
import { type Delivery, sharedNow } from './realtime/protocol.ts';
import { SubscriberProcess } from './realtime/subscriber-process.ts';
import { printReport } from './report.ts';

const USERS = 200;
const PER_USER = 10;
const SUBSCRIBER_PROCESSES = 2;
const CONNECTING_IN_FLIGHT = 20;
const EVENTS = 1000;
const PUBLISH_IN_FLIGHT = 16;
const ECHOES = 300;
const DELIVERY_WAIT_MS = 30_000;
const GOAL_P95_MS = 50;

const users = Array.from({ length: USERS }, (_, i) => `${ALICE.slice(0, 24)}${String(i).padStart(12, '0')}`);
const cloud = await startTestCloud([], { limits: { maxSubscriptionsPerConnection: 100 } });
const host = new URL(cloud.appsync.url).host;
const children = Array.from({ length: SUBSCRIBER_PROCESSES }, () => SubscriberProcess.start());
const askAll = <T extends Parameters<SubscriberProcess['ask']>[1]>(message: Parameters<SubscriberProcess['ask']>[0], type: T) =>
  Promise.all(children.map((child) => child.ask(message, type)));

/** A PROCESSED image as the pipeline publishes it: the whole index document, every thumbnail. */
function processedImage(ownerSub: string, imageId: string): string {
  const thumbnails = thumbnailSpecs(DEFAULTS.thumbnailSizes).map((spec) => ({
    size: spec.size,
    width: spec.size,
    height: spec.square ? spec.size : Math.round((spec.size * 2) / 3),
    format: 'WEBP' as const,
    square: spec.square,
    key: `thumbnails/${ownerSub}/${imageId}/${spec.size}${spec.square ? 's' : ''}.webp`,
  }));
  const labels = ['Dog', 'Pet', 'Animal', 'Mammal', 'Grass', 'Outdoors', 'Person', 'Ball'].map((name, i) => ({ name, confidence: 98 - i * 3, parents: i ? ['Animal'] : [], categories: [], instances: [] }));
  return JSON.stringify(
    imageDocument(ownerSub, imageId, {
      fileName: `IMG_${imageId.slice(-4)}.jpg`,
      width: 4032,
      height: 3024,
      bytes: 3_145_728,
      takenAt: '2024-05-01T09:59:00.000Z',
      camera: { name: 'Apple iPhone 13', make: 'Apple', model: 'iPhone 13' },
      cameraName: 'Apple iPhone 13',
      location: { lat: 52.52, lon: 13.405 },
      labels,
      labelNames: labels.map((label) => label.name),
      detectedText: ['PARKING', 'NO STOPPING'],
      dominantColors: [{ hex: '#4a7a3a', pixelPercent: 40 }, { hex: '#c9b28d', pixelPercent: 30 }, { hex: '#1f2a44', pixelPercent: 20 }],
      sha256: 'a'.repeat(64),
      perceptualHash: '0123456789abcdef',
      thumbnails,
      originalKey: `uploads/${ownerSub}/${imageId}/IMG.jpg`,
    }),
  );
}

try {
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  const share = Math.ceil(USERS / SUBSCRIBER_PROCESSES);
  const connected = await Promise.all(
    children.map((child, index) =>
      child.ask(
        {
          type: 'connect',
          realtimeUrl: cloud.appsync.realtimeUrl,
          host,
          users: users.slice(index * share, (index + 1) * share).map((sub) => ({ sub, token: mintToken({ sub }) })),
          perUser: PER_USER,
          inFlight: CONNECTING_IN_FLIGHT,
        },
        'connected',
      ),
    ),
  );
  const connections = connected.reduce((sum, answer) => sum + answer.connections, 0);
  global.gc?.();
  const rssAfter = process.memoryUsage().rss;

  const publisher = new ImageEventPublisher({ graphqlUrl: cloud.appsync.url, region: REGION, credentials: IAM });
  const sentAt = new Map<string, number>();
  const ownerOf = new Map<string, string>();
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const events = Array.from({ length: EVENTS }, (_, i) => {
    const ownerSub = users[Math.floor(random() * USERS)] ?? ALICE;
    const imageId = `01JD${String(i).padStart(22, '0')}`;
    ownerOf.set(imageId, ownerSub);
    return { imageId, ownerSub, status: 'PROCESSED' as const, reason: null, image: processedImage(ownerSub, imageId) };
  });
  const limit = pLimit(PUBLISH_IN_FLIGHT);
  const publishStarted = performance.now();
  await Promise.all(
    events.map((event) =>
      limit(async () => {
        sentAt.set(event.imageId, sharedNow());
        await publisher.publish(event);
      }),
    ),
  );
  const publishSeconds = (performance.now() - publishStarted) / 1000;
  const expected = EVENTS * PER_USER;
  const end = performance.now() + DELIVERY_WAIT_MS;
  for (;;) {
    const counts = await askAll({ type: 'count' }, 'count');
    const total = counts.reduce((sum, answer) => sum + answer.deliveries, 0);
    if (total >= expected || performance.now() > end) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  // Late extras would show here.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const rssLoaded = process.memoryUsage().rss;
  const deliveries: Delivery[] = (await askAll({ type: 'report' }, 'report')).flatMap((answer) => answer.deliveries);
  const delivered = deliveries.length;
  const wrongOwner = deliveries.filter(([imageId, user]) => ownerOf.get(imageId) !== user).length;
  const notWhole = deliveries.filter(([, , , whole]) => !whole).length;
  const latencies = deliveries.map(([imageId, , at]) => at - (sentAt.get(imageId) ?? at));
  const deliveriesPerSecond = delivered / ((Math.max(...deliveries.map(([, , at]) => at)) - Math.min(...sentAt.values())) / 1000);

  // Baseline: a ws echo round trip between a subscriber process and this one.
  const echo = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  echo.on('connection', (socket) => socket.on('message', (data) => socket.send(data)));
  await new Promise((resolve) => echo.once('listening', resolve));
  const port = (echo.address() as { port: number }).port;
  const echoes = (await children[0]!.ask({ type: 'echo', url: `ws://127.0.0.1:${port}`, count: ECHOES }, 'echo')).samples;
  echo.close();

  const p = (values: number[], q: number) => percentile(values, q);
  const memoryPerConnectionKb = (rssAfter - rssBefore) / connections / 1024;
  const payloadBytes = Buffer.byteLength(events[0]?.image ?? '');
  printReport(
    {
      benchmark: 'realtime',
      figures: {
        subscribers: connections,
        subscriberProcesses: SUBSCRIBER_PROCESSES,
        users: USERS,
        events: EVENTS,
        publishInFlight: PUBLISH_IN_FLIGHT,
        imageJsonBytes: payloadBytes,
        delivered,
        expected,
        wrongOwner,
        notWhole,
        p50Ms: p(latencies, 50),
        p95Ms: p(latencies, 95),
        p99Ms: p(latencies, 99),
        echoP50Ms: p(echoes, 50),
        p50OverEcho: p(latencies, 50) / p(echoes, 50),
        eventsPerSecond: EVENTS / publishSeconds,
        deliveriesPerSecond,
        serverMemoryPerConnectionKb: memoryPerConnectionKb,
        serverRssMb: rssAfter / 1024 / 1024,
        serverRssAfterEventsMb: rssLoaded / 1024 / 1024,
        loadAverage1m: loadavg()[0] ?? 0,
      },
      goals: [
        { name: `publish -> delivery p95, ${PUBLISH_IN_FLIGHT} events in flight (ms)`, value: p(latencies, 95), max: GOAL_P95_MS },
        {
          name: 'deliveries missing or extra (|delivered - expected| + wrong owner + image not whole)',
          value: Math.abs(delivered - expected) + wrongOwner + notWhole,
          max: 0,
        },
      ],
    },
    [
      ['publish -> delivery (ms)', p(latencies, 50).toFixed(2), p(latencies, 95).toFixed(2), p(latencies, 99).toFixed(2)],
      ['baseline ws echo, across processes (ms)', p(echoes, 50).toFixed(3), p(echoes, 95).toFixed(3), p(echoes, 99).toFixed(3)],
    ],
    ['', 'p50', 'p95', 'p99'],
    [
      `delivered/expected: ${delivered}/${expected} (${wrongOwner} to another user, ${notWhole} without the whole image); ${EVENTS} events of ${payloadBytes} bytes of image JSON, ${PUBLISH_IN_FLIGHT} in flight`,
      `${(EVENTS / publishSeconds).toFixed(0)} events/s published, ${deliveriesPerSecond.toFixed(0)} deliveries/s to ${connections} connections in ${SUBSCRIBER_PROCESSES} other processes`,
      `server RSS: ${memoryPerConnectionKb.toFixed(1)} KB per connection (its side only), ${(rssAfter / 1024 / 1024).toFixed(0)} MB with every client connected, ${(rssLoaded / 1024 / 1024).toFixed(0)} MB after the events`,
      `p50 publish->delivery is ${(p(latencies, 50) / p(echoes, 50)).toFixed(1)}x a raw ws echo round trip between processes`,
      `load average (1 min) at the end: ${(loadavg()[0] ?? 0).toFixed(1)} on ${availableParallelism()} cores`,
    ],
  );
} finally {
  for (const child of children) child.stop();
  await cloud.close();
}
