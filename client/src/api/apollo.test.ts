/**
 * The Apollo setup against a small server speaking AppSync's real-time protocol (as AWS documents
 * it in "Building a real-time WebSocket client"): what the AWS links send, and that subscriptions
 * come back by themselves after the connection drops.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { ImageStatsDocument, OnImageProcessedDocument } from '../generated/graphql.ts';
import { createImageGraphClient, isConnectionLoss, linkErrorMessages } from './apollo.ts';
import type { ClientConfig } from './config.ts';
import { installWebSocket } from './node-websocket.ts';

installWebSocket();

interface Message {
  type: string;
  id?: string;
  payload?: { data: string; extensions: { authorization: Record<string, string> } };
}

interface Connection {
  socket: WebSocket;
  protocols: string[];
  header: Record<string, string>;
  messages: Message[];
}

/**
 * Answers like AppSync: ack with a timeout, keep-alives, start_ack; `refuse` makes starts fail;
 * `onStart` 'hold' leaves them unanswered (see `acknowledge`), 'drop' closes the connection instead.
 */
class FakeAppSync {
  readonly connections: Connection[] = [];
  readonly httpAuthorizations: (string | undefined)[] = [];
  refuse: string | null = null;
  onStart: 'acknowledge' | 'hold' | 'drop' = 'acknowledge';
  private readonly server: Server;
  private readonly wss: WebSocketServer;
  private waiters: (() => void)[] = [];

  constructor() {
    this.server = createServer((request, response) => {
      this.httpAuthorizations.push(request.headers.authorization);
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ data: { imageStats: { total: 3, processing: 1, processed: 1, failed: 1 } } }));
    });
    this.wss = new WebSocketServer({ server: this.server, path: '/graphql/realtime', handleProtocols: () => 'graphql-ws' });
    this.wss.on('connection', (socket, request) => this.accept(socket, request));
  }

  async listen(): Promise<ClientConfig> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    return {
      graphqlUrl: `http://127.0.0.1:${port}/graphql`,
      realtimeUrl: `ws://127.0.0.1:${port}/graphql/realtime`,
      region: 'us-east-1',
      userPoolId: 'us-east-1_TEST',
      userPoolClientId: 'client',
    };
  }

  /** Resolves once `predicate` holds, re-checked after every message. */
  async until(predicate: () => boolean): Promise<void> {
    while (!predicate()) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  starts(): { connection: number; message: Message }[] {
    return this.connections.flatMap((connection, index) =>
      connection.messages.filter((message) => message.type === 'start').map((message) => ({ connection: index, message })),
    );
  }

  acknowledge(connection: Connection, id: string): void {
    connection.socket.send(JSON.stringify({ type: 'start_ack', id }));
  }

  publish(connection: Connection, id: string, data: unknown): void {
    connection.socket.send(JSON.stringify({ type: 'data', id, payload: { data } }));
  }

  async close(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private accept(socket: WebSocket, request: IncomingMessage): void {
    const protocols = String(request.headers['sec-websocket-protocol']).split(',').map((p) => p.trim());
    const encoded = protocols.find((p) => p.startsWith('header-'))?.slice('header-'.length) ?? '';
    const header = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')) as Record<string, string>;
    const connection: Connection = { socket, protocols, header, messages: [] };
    this.connections.push(connection);
    socket.on('message', (raw: Buffer) => {
      const message = JSON.parse(raw.toString('utf8')) as Message;
      connection.messages.push(message);
      if (message.type === 'connection_init') {
        socket.send(JSON.stringify({ type: 'connection_ack', payload: { connectionTimeoutMs: 300_000 } }));
        socket.send(JSON.stringify({ type: 'ka' }));
      } else if (message.type === 'start' && this.refuse) {
        socket.send(JSON.stringify({ type: 'error', id: message.id, payload: { errors: [{ errorType: 'Unauthorized', message: this.refuse }] } }));
      } else if (message.type === 'start' && this.onStart === 'drop') {
        socket.terminate();
      } else if (message.type === 'start' && this.onStart === 'acknowledge') {
        this.acknowledge(connection, message.id!);
      } else if (message.type === 'stop') {
        socket.send(JSON.stringify({ type: 'complete', id: message.id }));
      }
      this.notify();
    });
    this.notify();
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

const event = (imageId: string) => ({
  onImageProcessed: { __typename: 'ImageEvent', imageId, ownerSub: 'user-1', status: 'FAILED', reason: 'not an image', image: null },
});

describe('createImageGraphClient', () => {
  let appsync: FakeAppSync;
  let config: ClientConfig;
  let tokens: string[];
  const jwtToken = vi.fn(() => Promise.resolve(`token-${tokens.length}`));

  beforeEach(async () => {
    appsync = new FakeAppSync();
    config = await appsync.listen();
    tokens = [];
    jwtToken.mockImplementation(() => {
      tokens.push(`token-${tokens.length + 1}`);
      return Promise.resolve(tokens.at(-1)!);
    });
  });

  afterEach(() => appsync.close());

  it('sends queries over HTTP with the Cognito token', async () => {
    const client = createImageGraphClient({ config, jwtToken });
    const { data } = await client.query({ query: ImageStatsDocument });
    expect(data?.imageStats.total).toBe(3);
    expect(appsync.httpAuthorizations).toEqual([tokens.at(-1)]);
  });

  it("fails operations with the session's error when there is no token, without sending them", async () => {
    const client = createImageGraphClient({ config, jwtToken: () => Promise.reject(new Error('Not signed in. Sign in first.')) });
    await expect(client.query({ query: ImageStatsDocument })).rejects.toThrow('Not signed in. Sign in first.');
    const result = await new Promise<unknown>((resolve) => {
      client.subscribe({ query: OnImageProcessedDocument }).subscribe({ next: (next) => resolve(next.error), error: resolve });
    });
    expect((result as Error).message).toBe('Not signed in. Sign in first.');
    expect(appsync.httpAuthorizations).toEqual([]);
    expect(appsync.connections).toEqual([]);
  });

  it('speaks the real-time protocol: header subprotocol, connection_init, start with authorization, data, stop', async () => {
    const client = createImageGraphClient({ config, jwtToken });
    const received: unknown[] = [];
    const subscription = client.subscribe({ query: OnImageProcessedDocument, variables: { imageId: 'img-1' } }).subscribe({
      next: (result) => received.push(result.data),
    });
    await appsync.until(() => appsync.starts().length === 1);

    const [connection] = appsync.connections;
    expect(connection!.protocols[0]).toBe('graphql-ws');
    expect(connection!.header).toMatchObject({ Authorization: expect.stringMatching(/^token-/), host: new URL(config.graphqlUrl).host });
    expect(connection!.messages[0]).toEqual({ type: 'connection_init' });
    const start = appsync.starts()[0]!.message;
    expect(JSON.parse(start.payload!.data)).toMatchObject({ variables: { imageId: 'img-1' }, query: expect.stringContaining('onImageProcessed(imageId: $imageId)') });
    expect(start.payload!.extensions.authorization).toMatchObject({ Authorization: expect.stringMatching(/^token-/), host: new URL(config.graphqlUrl).host });

    appsync.publish(connection!, start.id!, event('img-1'));
    await expect.poll(() => received).toHaveLength(1);
    expect(received[0]).toMatchObject({ onImageProcessed: { imageId: 'img-1', status: 'FAILED', reason: 'not an image' } });

    subscription.unsubscribe();
    await appsync.until(() => connection!.messages.some((message) => message.type === 'stop' && message.id === start.id));
  });

  it('reports start_ack through onSubscriptionAcknowledged, once it arrives, and not as a result', async () => {
    appsync.onStart = 'hold';
    const client = createImageGraphClient({ config, jwtToken });
    const acknowledged = vi.fn();
    const received: unknown[] = [];
    const subscription = client.subscribe({ query: OnImageProcessedDocument, context: { onSubscriptionAcknowledged: acknowledged } }).subscribe({
      next: (result) => received.push(result),
    });
    await appsync.until(() => appsync.starts().length === 1);
    const [connection] = appsync.connections;
    const id = appsync.starts()[0]!.message.id!;
    expect(acknowledged).not.toHaveBeenCalled();

    appsync.acknowledge(connection!, id);
    await expect.poll(() => acknowledged).toHaveBeenCalledTimes(1);
    appsync.publish(connection!, id, event('img-1'));
    await expect.poll(() => received).toHaveLength(1);
    expect(received).toEqual([{ data: expect.objectContaining({ onImageProcessed: expect.objectContaining({ imageId: 'img-1' }) }) }]);
    subscription.unsubscribe();
  });

  it('by default keeps resubscribing when the connection drops before start_ack', async () => {
    appsync.onStart = 'drop';
    const resubscribed = vi.fn();
    const acknowledged = vi.fn();
    const client = createImageGraphClient({ config, jwtToken, resubscribe: { initialDelayMs: 10, onResubscribe: resubscribed } });
    const subscription = client.subscribe({ query: OnImageProcessedDocument, context: { onSubscriptionAcknowledged: acknowledged } }).subscribe({});
    await appsync.until(() => appsync.starts().length === 2);
    appsync.onStart = 'acknowledge';
    await expect.poll(() => acknowledged).toHaveBeenCalledTimes(1);
    expect(resubscribed.mock.calls.length).toBeGreaterThanOrEqual(2);
    subscription.unsubscribe();
  });

  it('with retryBeforeAcknowledged false, fails a subscription whose connection drops before start_ack, and still resubscribes one that was live', async () => {
    appsync.onStart = 'drop';
    const resubscribed = vi.fn();
    const client = createImageGraphClient({ config, jwtToken, resubscribe: { initialDelayMs: 10, onResubscribe: resubscribed, retryBeforeAcknowledged: false } });
    const error = await new Promise<unknown>((resolve) => {
      client.subscribe({ query: OnImageProcessedDocument }).subscribe({ next: (result) => resolve(result.error), error: resolve });
    });
    expect((error as Error).message).toBe('Connection closed');
    expect(resubscribed).not.toHaveBeenCalled();
    expect(appsync.starts()).toHaveLength(1);

    appsync.onStart = 'acknowledge';
    const acknowledged = vi.fn();
    const errors: unknown[] = [];
    const live = client.subscribe({ query: OnImageProcessedDocument, context: { onSubscriptionAcknowledged: acknowledged } }).subscribe({
      next: (result) => errors.push(...(result.error ? [result.error] : [])),
    });
    await expect.poll(() => acknowledged).toHaveBeenCalledTimes(1);
    appsync.connections.at(-1)!.socket.terminate();
    await expect.poll(() => acknowledged).toHaveBeenCalledTimes(2);
    expect(resubscribed).toHaveBeenCalledWith('OnImageProcessed', 1);
    expect(errors).toEqual([]);
    live.unsubscribe();
  });

  it('reconnects with a fresh token and resubscribes after the connection drops', async () => {
    const resubscribed = vi.fn();
    const acknowledged = vi.fn();
    const client = createImageGraphClient({ config, jwtToken, resubscribe: { initialDelayMs: 10, onResubscribe: resubscribed } });
    const received: unknown[] = [];
    const errors: unknown[] = [];
    const subscription = client.subscribe({ query: OnImageProcessedDocument, context: { onSubscriptionAcknowledged: acknowledged } }).subscribe({
      next: (result) => received.push(result.data),
      error: (error) => errors.push(error),
    });
    await appsync.until(() => appsync.starts().length === 1);
    const tokensBefore = tokens.length;

    appsync.connections[0]!.socket.terminate();
    await appsync.until(() => appsync.starts().length === 2);

    const [first, second] = appsync.starts();
    expect(second!.connection).toBe(1);
    expect(JSON.parse(second!.message.payload!.data)).toEqual(JSON.parse(first!.message.payload!.data));
    expect(tokens.length).toBeGreaterThan(tokensBefore);
    expect(tokens.slice(tokensBefore)).toContain(appsync.connections[1]!.header.Authorization);
    expect(resubscribed).toHaveBeenCalledWith('OnImageProcessed', 1);
    await expect.poll(() => acknowledged).toHaveBeenCalledTimes(2);

    appsync.publish(appsync.connections[1]!, second!.message.id!, event('img-2'));
    await expect.poll(() => received).toHaveLength(1);
    expect(received[0]).toMatchObject({ onImageProcessed: { imageId: 'img-2' } });
    expect(errors).toEqual([]);
    subscription.unsubscribe();
  });

  it('passes a refused subscription on as an error instead of retrying it', async () => {
    appsync.refuse = 'Not authorized to access onImageProcessed';
    const resubscribed = vi.fn();
    const client = createImageGraphClient({ config, jwtToken, resubscribe: { initialDelayMs: 10, onResubscribe: resubscribed } });
    // Apollo Client 4 delivers a subscription's error as a result with `error`, then completes.
    const error = await new Promise<unknown>((resolve) => {
      client.subscribe({ query: OnImageProcessedDocument }).subscribe({ next: (result) => resolve(result.error), error: resolve });
    });
    expect((error as Error).message).toBe('Not authorized to access onImageProcessed (Unauthorized)');
    expect(resubscribed).not.toHaveBeenCalled();
    expect(appsync.starts()).toHaveLength(1);
  });
});

describe('isConnectionLoss', () => {
  it('recognises the subscription link connection errors and nothing else', () => {
    expect(isConnectionLoss({ errors: [{ message: 'Connection closed' }] })).toBe(true);
    expect(isConnectionLoss({ errors: [{ message: 'Timeout disconnect' }] })).toBe(true);
    expect(isConnectionLoss({ errors: [{ message: 'Connection failed: {"errors":[]}' }] })).toBe(false);
    expect(isConnectionLoss(new Error('Unauthorized'))).toBe(false);
  });
});

describe('linkErrorMessages', () => {
  it("unwraps AppSync's errors nested in the link's message", () => {
    const nested = `Connection failed: ${JSON.stringify({ errors: [{ errorType: 'Unauthorized', message: 'Not allowed' }] })}`;
    expect(linkErrorMessages({ errors: [{ message: nested }] })).toEqual(['Not allowed (Unauthorized)']);
    expect(linkErrorMessages({ errors: [{ message: 'Connection closed' }] })).toEqual(['Connection closed']);
  });
});
