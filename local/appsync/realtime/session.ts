/**
 * One real-time connection: authorizes the connection from its header, acknowledges
 * connection_init with connectionTimeoutMs, keeps it alive with `ka`, starts subscriptions (each
 * authorized by its own extensions.authorization, then its resolver run) and stops them. Frames are
 * handled in order, one per turn of the event loop. Everything it says goes through `send`; the
 * socket itself belongs to the server.
 */
import { OperationTypeNode } from 'graphql';
import type { AuthHeaders, Caller } from '../auth/identity.ts';
import type { Authenticator } from '../auth/authenticate.ts';
import { RequestRefused } from '../errors.ts';
import type { Executor, PreparedOperation, StartedSubscription } from '../execution.ts';
import type { RealtimeHub, Subscriber } from './hub.ts';
import { parseClientMessage, type ProtocolError, type ServerMessage } from './protocol.ts';
import type { Registration } from './registry.ts';

export interface SessionOptions {
  authenticator: Authenticator;
  executor: Executor;
  hub: RealtimeHub;
  /** The GraphQL endpoint path the signatures cover, e.g. /graphql. */
  graphqlPath: string;
  sourceIp: string;
  keepAliveMs: number;
  connectionTimeoutMs: number;
  maxMessageBytes: number;
  maxSubscriptions: number;
  send: (message: ServerMessage) => void;
  close: (code: number, reason: string) => void;
}

/**
 * Bytes of frames waiting to be handled on one connection, each frame counted as at least 1 KiB;
 * a frame past it is refused with LimitExceededError instead of waiting in memory.
 */
export const MAX_WAITING_FRAME_BYTES = 4 * 1024 * 1024;
const MIN_FRAME_COST = 1024;

export class RealtimeSession {
  private readonly connection: Promise<Caller | RequestRefused>;
  private readonly subscriptions = new Map<string, Registration<Subscriber> | 'starting'>();
  private keepAlive: NodeJS.Timeout | undefined;
  private closed = false;
  private frames: Promise<void> = Promise.resolve();
  private waitingBytes = 0;

  constructor(
    private readonly options: SessionOptions,
    headers: AuthHeaders | undefined,
  ) {
    // The connection's header is signed over POST {graphqlPath}/connect with the body {}.
    this.connection = headers
      ? options.authenticator
          .authenticate({ method: 'POST', path: `${options.graphqlPath}/connect`, headers, body: '{}' }, options.sourceIp)
          .catch((error: unknown) => (error instanceof RequestRefused ? error : new RequestRefused(500, 'InternalFailure', String(error))))
      : Promise.resolve(new RequestRefused(401, 'UnauthorizedException', 'You are not authorized to make this call.'));
  }

  /**
   * Queues one client frame. Frames are handled one at a time, each in its own turn of the event
   * loop, so that a flood on one connection cannot keep the process from serving others; whatever
   * goes wrong is answered with an `error` message, and the socket stays open.
   */
  receive(text: string, bytes: number): Promise<void> {
    const cost = Math.max(bytes, MIN_FRAME_COST);
    if (this.waitingBytes + cost > MAX_WAITING_FRAME_BYTES) {
      this.options.send({ type: 'error', payload: { errors: [{ errorType: 'LimitExceededError', message: 'Too many messages are waiting on this connection' }] } });
      return Promise.resolve();
    }
    this.waitingBytes += cost;
    this.frames = this.frames.then(async () => {
      await new Promise((resolve) => setImmediate(resolve));
      try {
        // A closed connection's waiting frames are dropped.
        if (!this.closed) await this.handle(text, bytes);
      } catch (error) {
        this.options.send({ type: 'error', payload: { errors: [internalFailure(error)] } });
      } finally {
        this.waitingBytes -= cost;
      }
    });
    return this.frames;
  }

  private async handle(text: string, bytes: number): Promise<void> {
    if (bytes > this.options.maxMessageBytes) {
      this.options.send({ type: 'error', payload: { errors: [{ errorType: 'LimitExceededError', message: `Message of ${bytes} bytes is over the limit of ${this.options.maxMessageBytes} bytes` }] } });
      return;
    }
    const message = parseClientMessage(text);
    if ('error' in message) {
      this.options.send({ type: 'error', ...(message.id ? { id: message.id } : {}), payload: { errors: [message.error] } });
      return;
    }
    const connection = await this.connection;
    if (connection instanceof RequestRefused) {
      this.options.send({ type: 'connection_error', payload: { errors: [{ errorType: connection.errorType, message: connection.message, errorCode: connection.status }] } });
      this.options.close(1000, 'Unauthorized');
      return;
    }
    switch (message.type) {
      case 'connection_init':
        this.options.send({ type: 'connection_ack', payload: { connectionTimeoutMs: this.options.connectionTimeoutMs } });
        this.keepAlive ??= setInterval(() => this.options.send({ type: 'ka' }), this.options.keepAliveMs);
        return;
      case 'start':
        return this.start(message.id, message.data, message.authorization);
      case 'stop':
        return this.stop(message.id);
    }
  }

  /** The socket closed: every subscription ends. */
  dispose(): void {
    this.closed = true;
    clearInterval(this.keepAlive);
    for (const registration of this.subscriptions.values()) if (registration !== 'starting') this.options.hub.unsubscribe(registration);
    this.subscriptions.clear();
  }

  private fail(id: string, errors: unknown[]): void {
    this.options.send({ type: 'error', id, payload: { errors } });
  }

  private async start(id: string, data: string, authorization: AuthHeaders): Promise<void> {
    if (this.subscriptions.has(id)) return this.fail(id, [{ errorType: 'DuplicatedOperationError', message: `Subscription with id ${id} already exists` }]);
    if (this.subscriptions.size >= this.options.maxSubscriptions) {
      return this.fail(id, [{ errorType: 'MaxSubscriptionsReachedError', message: `At most ${this.options.maxSubscriptions} subscriptions per connection` }]);
    }
    this.subscriptions.set(id, 'starting');
    let outcome: Awaited<ReturnType<typeof this.startResolver>>;
    try {
      outcome = await this.startResolver(data, authorization);
    } catch (error) {
      outcome = { errors: [internalFailure(error)] };
    }
    // Stopped (or the socket closed) while starting: nothing to register or answer.
    if (this.closed || this.subscriptions.get(id) !== 'starting') return;
    let registration: Registration<Subscriber> | undefined;
    if (!('errors' in outcome)) {
      try {
        registration = this.options.hub.subscribe(outcome.started, { id, caller: outcome.caller, prepared: outcome.prepared, deliver: (payload) => this.options.send({ type: 'data', id, payload }) });
      } catch (error) {
        outcome = { errors: [internalFailure(error)] };
      }
    }
    if (!registration) {
      this.subscriptions.delete(id);
      return this.fail(id, 'errors' in outcome ? outcome.errors : []);
    }
    this.subscriptions.set(id, registration);
    this.options.send({ type: 'start_ack', id });
  }

  /** Authorizes a start, prepares its operation and runs its subscription resolver. */
  private async startResolver(data: string, authorization: AuthHeaders): Promise<{ errors: unknown[] } | { caller: Caller; prepared: PreparedOperation; started: StartedSubscription }> {
    let caller: Caller;
    try {
      // A start's authorization is signed over POST {graphqlPath} with payload.data as the body.
      caller = await this.options.authenticator.authenticate({ method: 'POST', path: this.options.graphqlPath, headers: authorization, body: data }, this.options.sourceIp);
    } catch (error) {
      const refused = error instanceof RequestRefused ? error : new RequestRefused(500, 'InternalFailure', String(error));
      return { errors: [{ errorType: refused.errorType, message: refused.message }] };
    }
    let body: unknown;
    try {
      body = JSON.parse(data);
    } catch {
      return { errors: [{ errorType: 'MalformedMessage', message: 'payload.data is not valid JSON' } satisfies ProtocolError] };
    }
    const prepared = this.options.executor.prepare(body);
    if ('errors' in prepared) return prepared;
    if (prepared.operation.operation !== OperationTypeNode.SUBSCRIPTION) {
      return { errors: [{ errorType: 'UnsupportedOperation', message: `${prepared.operation.operation} not supported through the realtime channel` }] };
    }
    const started = await this.options.executor.startSubscription(prepared, caller, authorization);
    return 'errors' in started ? started : { caller, prepared, started };
  }

  private stop(id: string): void {
    const registration = this.subscriptions.get(id);
    if (registration && registration !== 'starting') this.options.hub.unsubscribe(registration);
    this.subscriptions.delete(id);
    this.options.send({ type: 'complete', id });
  }
}

/** What went wrong unexpectedly, as the protocol's error. */
function internalFailure(error: unknown): ProtocolError {
  return { errorType: 'InternalFailure', message: error instanceof Error ? error.message : String(error) };
}
