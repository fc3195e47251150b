/** Raw AppSync real-time clients for the benchmark: connect, init, start one subscription. */
import WebSocket from 'ws';

export interface BenchSubscriber {
  ws: WebSocket;
  onData: (handler: (payload: { data: { onImageProcessed: { imageId: string } } }) => void) => void;
}

const SUBSCRIPTION = JSON.stringify({ query: 'subscription { onImageProcessed { imageId ownerSub status reason } }', variables: {} });

export async function subscribe(realtimeUrl: string, host: string, token: string): Promise<BenchSubscriber> {
  const header = Buffer.from(JSON.stringify({ host, Authorization: token })).toString('base64');
  const ws = new WebSocket(`${realtimeUrl}?header=${encodeURIComponent(header)}&payload=e30=`, ['graphql-ws']);
  let handler: ((payload: never) => void) | undefined;
  await new Promise<void>((resolve, reject) => {
    ws.once('error', reject);
    ws.on('message', (raw: Buffer) => {
      const message = JSON.parse(raw.toString('utf8')) as { type: string; payload?: never };
      if (message.type === 'connection_ack') {
        ws.send(JSON.stringify({ id: '1', type: 'start', payload: { data: SUBSCRIPTION, extensions: { authorization: { host, Authorization: token } } } }));
      } else if (message.type === 'start_ack') resolve();
      else if (message.type === 'error' || message.type === 'connection_error') reject(new Error(JSON.stringify(message)));
      else if (message.type === 'data') handler?.(message.payload as never);
    });
    ws.once('open', () => ws.send(JSON.stringify({ type: 'connection_init' })));
  });
  return { ws, onData: (h) => (handler = h as never) };
}
