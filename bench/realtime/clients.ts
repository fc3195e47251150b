/**
 * Raw AppSync real-time clients for the benchmark: connect, init, start one subscription with the
 * web app's own document (OnImageProcessed with its ImageSummary fragment), as Apollo sends it
 * (with __typename added) and with the web app's variables (none: every event of the user).
 */
import { addTypenameToDocument } from '@apollo/client/utilities';
import { print } from 'graphql';
import WebSocket from 'ws';
import { OnImageProcessedDocument, type OnImageProcessedSubscription } from '../../client/src/generated/graphql.ts';

export type ImageEventPayload = { data: OnImageProcessedSubscription };

export interface BenchSubscriber {
  ws: WebSocket;
  onData: (handler: (payload: ImageEventPayload) => void) => void;
}

export const SUBSCRIPTION_QUERY = print(addTypenameToDocument(OnImageProcessedDocument));
const START_PAYLOAD = JSON.stringify({ query: SUBSCRIPTION_QUERY, variables: {} });

export async function subscribe(realtimeUrl: string, host: string, token: string): Promise<BenchSubscriber> {
  const header = Buffer.from(JSON.stringify({ host, Authorization: token })).toString('base64');
  const ws = new WebSocket(`${realtimeUrl}?header=${encodeURIComponent(header)}&payload=e30=`, ['graphql-ws']);
  let handler: ((payload: ImageEventPayload) => void) | undefined;
  await new Promise<void>((resolve, reject) => {
    ws.once('error', reject);
    ws.on('message', (raw: Buffer) => {
      const message = JSON.parse(raw.toString('utf8')) as { type: string; payload?: unknown };
      if (message.type === 'connection_ack') {
        ws.send(JSON.stringify({ id: '1', type: 'start', payload: { data: START_PAYLOAD, extensions: { authorization: { host, Authorization: token } } } }));
      } else if (message.type === 'start_ack') resolve();
      else if (message.type === 'error' || message.type === 'connection_error') reject(new Error(JSON.stringify(message)));
      else if (message.type === 'data') handler?.(message.payload as ImageEventPayload);
    });
    ws.once('open', () => ws.send(JSON.stringify({ type: 'connection_init' })));
  });
  return { ws, onData: (h) => (handler = h) };
}
