import { parse, type OperationDefinitionNode } from 'graphql';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Authenticator } from '../auth/authenticate.ts';
import type { Caller } from '../auth/identity.ts';
import { RequestRefused } from '../errors.ts';
import type { Executor, PreparedOperation, StartedSubscription } from '../execution.ts';
import type { RealtimeHub, Subscriber } from './hub.ts';
import type { ServerMessage } from './protocol.ts';
import type { Registration } from './registry.ts';
import { MAX_WAITING_FRAME_BYTES, RealtimeSession, type SessionOptions } from './session.ts';

// A unit test of the session alone: authentication, execution and the hub are stand-ins that
// record what the session asks of them (the real ones are exercised in appsync.test.ts).
const CALLER = { mode: 'AMAZON_COGNITO_USER_POOLS', identity: { sub: 'u1' } } as unknown as Caller;
const SUBSCRIPTION = JSON.stringify({ query: 'subscription { onImageProcessed { imageId } }' });
const GOOD = { authorization: 'good' };

/** Answers per authorization header: good (a caller), refused (401), anything else (a bug). */
const authenticator: Authenticator = {
  authenticate: (request) => {
    const authorization = request.headers.authorization;
    if (authorization === 'good') return Promise.resolve(CALLER);
    if (authorization === 'refused') return Promise.reject(new RequestRefused(401, 'UnauthorizedException', 'Token has expired.'));
    return Promise.reject(new Error('verifier crashed'));
  },
};

interface Harness {
  session: RealtimeSession;
  sent: ServerMessage[];
  closed: [number, string][];
  subscribed: Subscriber[];
  unsubscribed: Registration<Subscriber>[];
  /** What startSubscription answers next (a promise to hold it while a test acts). */
  starting: { next: () => Promise<StartedSubscription | { errors: unknown[] }> };
  hubFails: { yes: boolean };
  send: (frame: unknown) => Promise<void>;
}

/** headers null: the connection came without an authorization header. */
function harness(options: Partial<SessionOptions> = {}, headers: Record<string, string> | null = GOOD): Harness {
  const sent: ServerMessage[] = [];
  const closed: [number, string][] = [];
  const subscribed: Subscriber[] = [];
  const unsubscribed: Registration<Subscriber>[] = [];
  const starting = { next: () => Promise.resolve<StartedSubscription | { errors: unknown[] }>({ field: 'onImageProcessed', args: {}, filter: undefined, resolverRan: true }) };
  const hubFails = { yes: false };
  const executor = {
    prepare: (body: { query?: string }) => {
      if (body.query === 'broken') return { errors: [{ errorType: 'GraphQLError', message: 'Syntax Error' }] };
      const document = parse(body.query ?? '');
      return { document, operation: document.definitions[0] as OperationDefinitionNode, variables: {}, coercedVariables: {}, rootFields: new Map() } satisfies PreparedOperation;
    },
    startSubscription: () => starting.next(),
  } as unknown as Executor;
  const hub = {
    subscribe: (_started: StartedSubscription, subscriber: Subscriber) => {
      if (hubFails.yes) throw new Error('registry full');
      subscribed.push(subscriber);
      return { field: 'onImageProcessed', groups: [], value: subscriber };
    },
    unsubscribe: (registration: Registration<Subscriber>) => unsubscribed.push(registration),
  } as unknown as RealtimeHub;
  const session = new RealtimeSession(
    {
      authenticator,
      executor,
      hub,
      graphqlPath: '/graphql',
      sourceIp: '127.0.0.1',
      keepAliveMs: 60_000,
      connectionTimeoutMs: 300_000,
      maxMessageBytes: 10_000,
      maxSubscriptions: 2,
      send: (message) => sent.push(message),
      close: (code, reason) => closed.push([code, reason]),
      ...options,
    },
    headers ?? undefined,
  );
  const send = (frame: unknown) => {
    const text = typeof frame === 'string' ? frame : JSON.stringify(frame);
    return session.receive(text, Buffer.byteLength(text));
  };
  return { session, sent, closed, subscribed, unsubscribed, starting, hubFails, send };
}

const start = (id: string, data = SUBSCRIPTION, authorization: Record<string, string> = GOOD) => ({ type: 'start', id, payload: { data, extensions: { authorization } } });
const errorTypes = (message: ServerMessage | undefined) => (message?.type === 'error' ? (message.payload.errors as { errorType: string }[]).map((error) => error.errorType) : []);

afterEach(() => {
  vi.useRealTimers();
});

describe('RealtimeSession: the connection', () => {
  it('acknowledges connection_init with the connection timeout, then keeps the connection alive until disposed', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const { session, sent, send } = harness();
    await send({ type: 'connection_init' });
    expect(sent).toEqual([{ type: 'connection_ack', payload: { connectionTimeoutMs: 300_000 } }]);

    vi.advanceTimersByTime(120_000);
    expect(sent.slice(1)).toEqual([{ type: 'ka' }, { type: 'ka' }]);
    // A second init does not start a second keep-alive.
    await send({ type: 'connection_init' });
    vi.advanceTimersByTime(60_000);
    expect(sent.filter((message) => message.type === 'ka')).toHaveLength(3);

    session.dispose();
    vi.advanceTimersByTime(600_000);
    expect(sent.filter((message) => message.type === 'ka')).toHaveLength(3);
  });

  it('refuses a connection without an authorization header and closes it', async () => {
    const { sent, closed, send } = harness({}, null);
    await send({ type: 'connection_init' });
    expect(sent).toEqual([{ type: 'connection_error', payload: { errors: [{ errorType: 'UnauthorizedException', message: 'You are not authorized to make this call.', errorCode: 401 }] } }]);
    expect(closed).toEqual([[1000, 'Unauthorized']]);
  });

  it("answers a refused header with the authenticator's error, and a crash with InternalFailure (500)", async () => {
    const refused = harness({}, { authorization: 'refused' });
    await refused.send({ type: 'connection_init' });
    expect(refused.sent).toEqual([{ type: 'connection_error', payload: { errors: [{ errorType: 'UnauthorizedException', message: 'Token has expired.', errorCode: 401 }] } }]);

    const crashed = harness({}, { authorization: 'crash' });
    await crashed.send(start('1'));
    expect(crashed.sent).toEqual([{ type: 'connection_error', payload: { errors: [{ errorType: 'InternalFailure', message: 'Error: verifier crashed', errorCode: 500 }] } }]);
    expect(crashed.subscribed).toEqual([]);
  });

  it('answers malformed and oversized frames with an error and keeps the connection open', async () => {
    const { sent, closed, send } = harness({ maxMessageBytes: 100 });
    await send('not json');
    await send({ type: 'stop' });
    await send({ type: 'start', id: '1', payload: { data: 'x'.repeat(200) } });
    await send({ type: 'connection_init' });

    expect(errorTypes(sent[0])).toEqual(['MalformedMessage']);
    expect(errorTypes(sent[1])).toEqual(['MalformedMessage']);
    expect(sent[2]).toMatchObject({ type: 'error', payload: { errors: [{ errorType: 'LimitExceededError', message: expect.stringMatching(/^Message of \d+ bytes is over the limit of 100 bytes$/) }] } });
    expect(sent[3]).toMatchObject({ type: 'connection_ack' });
    expect(closed).toEqual([]);
  });

  it('refuses frames past the waiting budget instead of holding them in memory', async () => {
    const { sent, session } = harness();
    const frame = JSON.stringify({ type: 'connection_init' });
    // Each waiting frame counts as at least 1 KiB: the budget holds this many, and not one more.
    const fits = MAX_WAITING_FRAME_BYTES / 1024;
    const handled = Array.from({ length: fits + 1 }, () => session.receive(frame, frame.length));
    expect(sent).toEqual([{ type: 'error', payload: { errors: [{ errorType: 'LimitExceededError', message: 'Too many messages are waiting on this connection' }] } }]);
    await Promise.all(handled);
    expect(sent.filter((message) => message.type === 'connection_ack')).toHaveLength(fits);
    // Once handled, the budget is free again.
    await session.receive(frame, frame.length);
    expect(sent.filter((message) => message.type === 'connection_ack')).toHaveLength(fits + 1);
    session.dispose();
  });
});

describe('RealtimeSession: subscriptions', () => {
  it('starts a subscription, delivers its data under its id, and stops it', async () => {
    const { sent, subscribed, unsubscribed, send } = harness();
    await send(start('sub-1'));
    expect(sent).toEqual([{ type: 'start_ack', id: 'sub-1' }]);
    expect(subscribed).toHaveLength(1);
    expect(subscribed[0]).toMatchObject({ id: 'sub-1', caller: CALLER });

    subscribed[0]?.deliver({ data: { onImageProcessed: { imageId: 'i1' } } });
    expect(sent[1]).toEqual({ type: 'data', id: 'sub-1', payload: { data: { onImageProcessed: { imageId: 'i1' } } } });

    await send({ type: 'stop', id: 'sub-1' });
    expect(unsubscribed.map((registration) => registration.value)).toEqual([subscribed[0]]);
    expect(sent[2]).toEqual({ type: 'complete', id: 'sub-1' });
  });

  it('handles frames in order: a stop right after its start finds the subscription started', async () => {
    const { sent, unsubscribed, send } = harness();
    const started = send(start('1'));
    const stopped = send({ type: 'stop', id: '1' });
    await Promise.all([started, stopped]);
    expect(sent).toEqual([{ type: 'start_ack', id: '1' }, { type: 'complete', id: '1' }]);
    expect(unsubscribed).toHaveLength(1);
  });

  it('refuses a second start with the same id, and more subscriptions than allowed', async () => {
    const { sent, subscribed, send } = harness({ maxSubscriptions: 2 });
    await send(start('1'));
    await send(start('1'));
    await send(start('2'));
    await send(start('3'));

    expect(sent[1]).toEqual({ type: 'error', id: '1', payload: { errors: [{ errorType: 'DuplicatedOperationError', message: 'Subscription with id 1 already exists' }] } });
    expect(sent[2]).toEqual({ type: 'start_ack', id: '2' });
    expect(sent[3]).toEqual({ type: 'error', id: '3', payload: { errors: [{ errorType: 'MaxSubscriptionsReachedError', message: 'At most 2 subscriptions per connection' }] } });
    expect(subscribed.map((subscriber) => subscriber.id)).toEqual(['1', '2']);
  });

  it("refuses a start whose own authorization fails, with the authenticator's error", async () => {
    const { sent, subscribed, send } = harness();
    await send(start('1', SUBSCRIPTION, { authorization: 'refused' }));
    await send(start('2', SUBSCRIPTION, { authorization: 'crash' }));
    expect(sent).toEqual([
      { type: 'error', id: '1', payload: { errors: [{ errorType: 'UnauthorizedException', message: 'Token has expired.' }] } },
      { type: 'error', id: '2', payload: { errors: [{ errorType: 'InternalFailure', message: 'Error: verifier crashed' }] } },
    ]);
    expect(subscribed).toEqual([]);
  });

  it('refuses data that is not JSON, a document that does not prepare, and an operation that is not a subscription', async () => {
    const { sent, subscribed, send } = harness();
    await send(start('1', '{not json'));
    await send(start('2', JSON.stringify({ query: 'broken' })));
    await send(start('3', JSON.stringify({ query: 'mutation { deleteImage(id: "x") { id } }' })));
    expect(sent).toEqual([
      { type: 'error', id: '1', payload: { errors: [{ errorType: 'MalformedMessage', message: 'payload.data is not valid JSON' }] } },
      { type: 'error', id: '2', payload: { errors: [{ errorType: 'GraphQLError', message: 'Syntax Error' }] } },
      { type: 'error', id: '3', payload: { errors: [{ errorType: 'UnsupportedOperation', message: 'mutation not supported through the realtime channel' }] } },
    ]);
    expect(subscribed).toEqual([]);
  });

  it("passes the resolver's errors on, turns a crash into InternalFailure, and frees the id for another start", async () => {
    const { sent, subscribed, starting, hubFails, send } = harness();
    starting.next = () => Promise.resolve({ errors: [{ errorType: 'Unauthorized', message: 'Not authorized to access onImageProcessed' }] });
    await send(start('1'));
    starting.next = () => Promise.reject(new Error('resolver timed out'));
    await send(start('1'));
    starting.next = () => Promise.resolve({ field: 'onImageProcessed', args: {}, filter: undefined, resolverRan: true });
    hubFails.yes = true;
    await send(start('1'));
    hubFails.yes = false;
    await send(start('1'));

    expect(sent).toEqual([
      { type: 'error', id: '1', payload: { errors: [{ errorType: 'Unauthorized', message: 'Not authorized to access onImageProcessed' }] } },
      { type: 'error', id: '1', payload: { errors: [{ errorType: 'InternalFailure', message: 'resolver timed out' }] } },
      { type: 'error', id: '1', payload: { errors: [{ errorType: 'InternalFailure', message: 'registry full' }] } },
      { type: 'start_ack', id: '1' },
    ]);
    expect(subscribed).toHaveLength(1);
  });

  it('registers nothing for a subscription stopped or disposed while its resolver ran', async () => {
    const { session, sent, subscribed, starting, send } = harness();
    let finish: () => void = () => undefined;
    const running = new Promise<void>((running) => {
      starting.next = () =>
        new Promise((resolve) => {
          finish = () => resolve({ field: 'onImageProcessed', args: {}, filter: undefined, resolverRan: true });
          running();
        });
    });
    const started = send(start('1'));
    await running;
    session.dispose();
    finish();
    await started;
    expect(subscribed).toEqual([]);
    expect(sent).toEqual([]);
  });

  it('ends every subscription when the socket closes, and drops frames that were still waiting', async () => {
    const { session, sent, subscribed, unsubscribed, send } = harness();
    await send(start('1'));
    await send(start('2'));
    const late = send(start('3'));
    session.dispose();
    await late;

    expect(unsubscribed.map((registration) => registration.value)).toEqual(subscribed);
    expect(subscribed.map((subscriber) => subscriber.id)).toEqual(['1', '2']);
    expect(sent).toEqual([{ type: 'start_ack', id: '1' }, { type: 'start_ack', id: '2' }]);
  });
});
