/**
 * A raw client of AppSync's real-time protocol for tests: opens the socket with the connection's
 * authorization header (query string or subprotocol), collects every message, and waits for one
 * of a type.
 */
import WebSocket from 'ws';

export type RealtimeMessage = Record<string, unknown>;

export interface RealtimeSocket {
  ws: WebSocket;
  opened: Promise<void>;
  /** Every message received and not yet taken by `next`. */
  messages: RealtimeMessage[];
  /** Takes the first message of `type` (waiting up to 10 s for it). */
  next(type: string): Promise<RealtimeMessage>;
  /** Sends connection_init and waits for connection_ack. */
  init(): Promise<RealtimeMessage>;
  /** Sends a start with `authorization` as its extensions.authorization. */
  start(id: string, body: unknown, authorization: Record<string, string>): void;
}

export function connectRealtime(
  realtimeUrl: string,
  header: Record<string, string>,
  via: 'query' | 'subprotocol' = 'query',
  /** e.g. `{ ca }` for a wss:// url served with the local CA's certificate. */
  socketOptions: WebSocket.ClientOptions = {},
): RealtimeSocket {
  const encoded = Buffer.from(JSON.stringify(header)).toString(via === 'query' ? 'base64' : 'base64url');
  const url = via === 'query' ? `${realtimeUrl}?header=${encodeURIComponent(encoded)}&payload=e30=` : realtimeUrl;
  const protocols = via === 'query' ? ['graphql-ws'] : ['graphql-ws', `header-${encoded}`];
  const ws = new WebSocket(url, protocols, socketOptions);
  const messages: RealtimeMessage[] = [];
  ws.on('message', (data: Buffer) => messages.push(JSON.parse(data.toString('utf8')) as RealtimeMessage));
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const next = async (type: string) => {
    const end = Date.now() + 10_000;
    for (;;) {
      const index = messages.findIndex((m) => m.type === type);
      if (index >= 0) return messages.splice(index, 1)[0]!;
      if (Date.now() > end) throw new Error(`no ${type}; got ${JSON.stringify(messages)}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  return {
    ws,
    opened,
    messages,
    next,
    init: async () => {
      await opened;
      ws.send(JSON.stringify({ type: 'connection_init' }));
      return next('connection_ack');
    },
    start: (id, body, authorization) => {
      const data = typeof body === 'string' ? body : JSON.stringify(body);
      ws.send(JSON.stringify({ id, type: 'start', payload: { data, extensions: { authorization } } }));
    },
  };
}

/** The status a WebSocket upgrade gets (101 when it opens; undefined when the connection failed). */
export function upgradeStatus(realtimeUrl: string, options: WebSocket.ClientOptions): Promise<number | undefined> {
  const socket = new WebSocket(realtimeUrl, ['graphql-ws'], options);
  return new Promise((resolve) => {
    socket.once('unexpected-response', (_request, response) => resolve(response.statusCode));
    socket.once('open', () => {
      socket.close();
      resolve(101);
    });
    socket.once('error', () => resolve(undefined));
  });
}
