/**
 * Browser side of the explorer: one subscription over AppSync's real-time protocol (the header as
 * a `header-<base64url>` subprotocol, connection_init, start with extensions.authorization), as an
 * async iterable of the `data` payloads GraphiQL shows.
 */
export interface AuthHeader {
  [name: string]: string;
}

const base64url = (text: string) => btoa(String.fromCharCode(...new TextEncoder().encode(text))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

export function subscribe(realtimeUrl: string, body: string, authorization: AuthHeader): AsyncIterable<unknown> {
  const queue: unknown[] = [];
  let wake: (() => void) | undefined;
  let done = false;
  const push = (value: unknown) => {
    queue.push(value);
    wake?.();
  };
  const ws = new WebSocket(realtimeUrl, ['graphql-ws', `header-${base64url(JSON.stringify(authorization))}`]);
  ws.onopen = () => ws.send(JSON.stringify({ type: 'connection_init' }));
  ws.onmessage = (event: MessageEvent<string>) => {
    const message = JSON.parse(event.data) as { type: string; payload?: unknown };
    if (message.type === 'connection_ack') {
      ws.send(JSON.stringify({ id: '1', type: 'start', payload: { data: body, extensions: { authorization } } }));
    } else if (message.type === 'data') push(message.payload);
    else if (message.type === 'error' || message.type === 'connection_error') {
      push(message.payload);
      done = true;
      ws.close();
    }
  };
  ws.onclose = () => {
    done = true;
    wake?.();
  };
  return {
    [Symbol.asyncIterator]: () => ({
      async next() {
        while (queue.length === 0 && !done) await new Promise<void>((resolve) => (wake = resolve));
        if (queue.length > 0) return { value: queue.shift(), done: false };
        return { value: undefined, done: true };
      },
      return() {
        if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ id: '1', type: 'stop' }));
        ws.close();
        done = true;
        return Promise.resolve({ value: undefined, done: true });
      },
    }),
  };
}
