/**
 * The attacks issue 12 found against `npm start`, as requests an attacker sends with a valid
 * account: what the abuse suite replays to prove each is refused, and what bench:abuse fires at
 * the cloud while it measures another user's searches.
 */
import { once } from 'node:events';
import WebSocket from 'ws';
import type { ClientConfig } from '../../client/src/api/config.ts';

export interface GraphQLReply {
  status: number;
  body: { data?: unknown; errors?: { message: string; errorType?: string }[] } & Record<string, unknown>;
}

/** A GraphQL POST with the user's id token, as any HTTP client can send it. */
export async function postGraphQL(config: ClientConfig, token: string, body: unknown, headers: Record<string, string> = {}): Promise<GraphQLReply> {
  const response = await fetch(config.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: token, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: GraphQLReply['body'];
  try {
    parsed = JSON.parse(text) as GraphQLReply['body'];
  } catch {
    parsed = { raw: text };
  }
  return { status: response.status, body: parsed };
}

export const SEARCH = 'query Search($q: String) { searchImages(query: $q) { totalCount } }';

/** 200 KB of search text: froze the search engine for minutes before the limits. */
export const LONG_SEARCH_TEXT = 'dog '.repeat(51_200);

/** `{ a0: imageStats { total } … }`: thousands of resolver runs in one request. */
export function aliasBomb(aliases = 5_000): string {
  return `{ ${Array.from({ length: aliases }, (_, i) => `a${i}: imageStats { total }`).join(' ')} }`;
}

/**
 * A selection nested `depth` levels deep. The schema has no cycle, so past its own depth (6) the
 * fields cannot exist; what matters is that parsing and refusing it costs the server little.
 */
export function deepQuery(depth: number): string {
  return `{ searchImages { items { labels { instances { boundingBox { ${'a { '.repeat(depth)}b${' }'.repeat(depth)} } } } } } }`;
}

export interface RealtimeSession {
  socket: WebSocket;
  messages: Record<string, unknown>[];
  /** Resolves with the first message (received so far or later) that matches. */
  next(match: (message: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  start(id: string, query: string, variables?: unknown): void;
  close(): void;
}

/**
 * A raw connection to the real-time endpoint with AppSync's protocol (header in the query string,
 * subprotocol graphql-ws), so an attacker's exact frames can be sent.
 */
export async function openRealtime(config: ClientConfig, token: string): Promise<RealtimeSession> {
  const host = new URL(config.graphqlUrl).host;
  const authorization = { host, Authorization: token };
  const header = Buffer.from(JSON.stringify(authorization)).toString('base64');
  const socket = new WebSocket(`${config.realtimeUrl}?header=${encodeURIComponent(header)}&payload=e30=`, ['graphql-ws']);
  const messages: Record<string, unknown>[] = [];
  const waiters = new Set<() => void>();
  socket.on('message', (data) => {
    // ws hands text frames over as Buffers (binaryType nodebuffer).
    messages.push(JSON.parse((data as Buffer).toString('utf8')) as Record<string, unknown>);
    for (const wake of waiters) wake();
  });
  socket.on('close', () => {
    for (const wake of waiters) wake();
  });
  await once(socket, 'open');
  socket.send(JSON.stringify({ type: 'connection_init' }));
  const session: RealtimeSession = {
    socket,
    messages,
    next: (match, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const found = messages.find(match);
          if (found) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(found);
          } else if (socket.readyState === WebSocket.CLOSED) {
            waiters.delete(check);
            clearTimeout(timer);
            reject(new Error(`the socket closed; messages: ${JSON.stringify(messages)}`));
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching message within ${timeoutMs} ms; got ${JSON.stringify(messages)}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
    start: (id, query, variables = {}) =>
      socket.send(JSON.stringify({ id, type: 'start', payload: { data: JSON.stringify({ query, variables }), extensions: { authorization } } })),
    close: () => socket.close(),
  };
  await session.next((message) => message.type === 'connection_ack');
  return session;
}

/** Subscriptions that, before the fix, registered without the owner filter or broke the socket. */
export const SUBSCRIPTION_ATTACKS: Record<string, { query: string; variables?: unknown }> = {
  'root field skipped with @include(if: false)': { query: 'subscription { onImageProcessed @include(if: false) { imageId } }' },
  'root field skipped with @skip(if: true)': { query: 'subscription { onImageProcessed @skip(if: true) { imageId } }' },
  '@include with a missing required variable': { query: 'subscription ($s: Boolean!) { onImageProcessed @include(if: $s) { imageId } }' },
  '@include with a variable set to false': { query: 'subscription ($s: Boolean!) { onImageProcessed @include(if: $s) { imageId } }', variables: { s: false } },
  'root inline fragment': { query: 'subscription { ... on Subscription { onImageProcessed { imageId } } }' },
  'root inline fragment skipped': { query: 'subscription { ... on Subscription @include(if: false) { onImageProcessed { imageId } } }' },
  'root named fragment': { query: 'subscription { ...F } fragment F on Subscription { onImageProcessed { imageId } }' },
  'variables that are not an object': { query: 'subscription { onImageProcessed { imageId } }', variables: 'abc' },
};
