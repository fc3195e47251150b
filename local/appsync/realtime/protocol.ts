/**
 * AppSync's real-time WebSocket protocol ("Building a real-time WebSocket client"): the connection's
 * authorization header (the `header` query parameter, base64 JSON, or a `header-<base64url>`
 * subprotocol next to `graphql-ws`), client messages, and the server messages.
 */
import type { AuthHeaders } from '../auth/identity.ts';
import { lowerCaseHeaders } from '../auth/identity.ts';

export const SUBPROTOCOL = 'graphql-ws';

export type ClientMessage =
  | { type: 'connection_init' }
  | { type: 'start'; id: string; data: string; authorization: AuthHeaders }
  | { type: 'stop'; id: string };

export interface ProtocolError {
  errorType: string;
  message: string;
  errorCode?: number;
}

export type ServerMessage =
  | { type: 'connection_ack'; payload: { connectionTimeoutMs: number } }
  | { type: 'connection_error'; payload: { errors: ProtocolError[] } }
  | { type: 'ka' }
  | { type: 'start_ack'; id: string }
  | { type: 'data'; id: string; payload: unknown }
  | { type: 'error'; id?: string; payload: { errors: unknown[] } }
  | { type: 'complete'; id: string };

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function decodeJsonHeader(encoded: string): AuthHeaders | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')) as unknown;
    return isRecord(parsed) ? lowerCaseHeaders(parsed) : undefined;
  } catch {
    return undefined;
  }
}

/** The connection's authorization headers from the upgrade request, or undefined when absent or unreadable. */
export function connectionHeaders(url: URL, subprotocols: string[]): AuthHeaders | undefined {
  const fromProtocol = subprotocols.find((p) => p.startsWith('header-'));
  // base64url and base64 decode alike in Node.
  if (fromProtocol) return decodeJsonHeader(fromProtocol.slice('header-'.length));
  const fromQuery = url.searchParams.get('header');
  return fromQuery ? decodeJsonHeader(fromQuery) : undefined;
}

/** A client frame as a message, or the protocol error to answer it with. */
export function parseClientMessage(text: string): ClientMessage | { error: ProtocolError; id?: string } {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return { error: { errorType: 'MalformedMessage', message: 'The message is not valid JSON' } };
  }
  if (!isRecord(message)) return { error: { errorType: 'MalformedMessage', message: 'The message must be a JSON object' } };
  const id = typeof message.id === 'string' ? message.id : undefined;
  switch (message.type) {
    case 'connection_init':
      return { type: 'connection_init' };
    case 'stop':
      return id ? { type: 'stop', id } : { error: { errorType: 'MalformedMessage', message: 'stop needs an id' } };
    case 'start': {
      const payload = message.payload;
      if (!id) return { error: { errorType: 'MalformedMessage', message: 'start needs an id' } };
      if (!isRecord(payload) || typeof payload.data !== 'string') {
        return { id, error: { errorType: 'MalformedMessage', message: 'start needs payload.data, the JSON string of { query, variables }' } };
      }
      const extensions = isRecord(payload.extensions) ? payload.extensions : {};
      const authorization = isRecord(extensions.authorization) ? lowerCaseHeaders(extensions.authorization) : {};
      return { type: 'start', id, data: payload.data, authorization };
    }
    default: {
      const name = typeof message.type === 'string' ? message.type : 'unknown';
      return { id, error: { errorType: 'UnsupportedOperation', message: `${name} not supported through the realtime channel` } };
    }
  }
}
