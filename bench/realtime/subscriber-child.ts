/**
 * A subscriber process of bench:realtime: the clients live here, not in the server's process, so
 * the server's RSS and CPU are its own. It opens the subscriptions it is told to, notes every
 * delivery (with the shared clock), and reports them on request.
 */
import pLimit from 'p-limit';
import WebSocket from 'ws';
import { subscribe, type BenchSubscriber, type ImageEventPayload } from './clients.ts';
import { type Delivery, type FromSubscribers, type ToSubscribers, sharedNow } from './protocol.ts';

const subscribers: BenchSubscriber[] = [];
const deliveries: Delivery[] = [];
const send = (message: FromSubscribers) => process.send?.(message);

/** Whole: the image of a PROCESSED event came with the fields the web app's fragment selects. */
function whole(payload: ImageEventPayload): boolean {
  const image = payload.data.onImageProcessed?.image;
  return Boolean(image && image.fileName && image.thumbnails.length > 0 && image.labels.length > 0 && image.uploadedAt);
}

async function handle(message: ToSubscribers): Promise<void> {
  if (message.type === 'connect') {
    const limit = pLimit(message.inFlight);
    const opened = await Promise.all(
      message.users.flatMap(({ sub, token }) =>
        Array.from({ length: message.perUser }, () =>
          limit(async () => {
            const subscriber = await subscribe(message.realtimeUrl, message.host, token);
            subscriber.onData((payload) => deliveries.push([payload.data.onImageProcessed?.imageId ?? '', sub, sharedNow(), whole(payload)]));
            return subscriber;
          }),
        ),
      ),
    );
    subscribers.push(...opened);
    send({ type: 'connected', connections: subscribers.length });
  } else if (message.type === 'count') {
    send({ type: 'count', deliveries: deliveries.length });
  } else if (message.type === 'report') {
    send({ type: 'report', deliveries });
  } else {
    const client = new WebSocket(message.url);
    await new Promise((resolve, reject) => client.once('open', resolve).once('error', reject));
    const samples: number[] = [];
    for (let i = 0; i < message.count; i++) {
      const started = performance.now();
      await new Promise<void>((resolve) => {
        client.once('message', () => resolve());
        client.send(JSON.stringify({ type: 'data', id: '1', payload: { i } }));
      });
      samples.push(performance.now() - started);
    }
    client.close();
    send({ type: 'echo', samples });
  }
}

process.on('message', (message: ToSubscribers) => {
  handle(message).catch((error: unknown) => send({ type: 'error', message: error instanceof Error ? error.message : String(error) }));
});
process.on('disconnect', () => {
  for (const subscriber of subscribers) subscriber.ws.terminate();
  process.exit(0);
});
