import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { isSubscriptionOperation } from '@apollo/client/utilities';
import { AUTH_TYPE, createAuthLink, type AuthOptions } from 'aws-appsync-auth-link';
import { CONTROL_EVENTS_KEY, createSubscriptionHandshakeLink } from 'aws-appsync-subscription-link';
import { filter, from, mergeMap, retry, tap, throwError, timer } from 'rxjs';
import type { ClientConfig } from './config.ts';

declare module '@apollo/client' {
  interface DefaultContext {
    /**
     * A subscription's `context`: called each time AppSync acknowledges it (start_ack), from then on
     * no event is missed. Called again after each resubscription.
     */
    onSubscriptionAcknowledged?: () => void;
  }
}

export interface ResubscribeOptions {
  /** First wait after a lost connection; doubles per failed attempt up to `maxDelayMs`. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Called before each resubscription, e.g. to refetch what may have been missed meanwhile. */
  onResubscribe?: (operationName: string | undefined, attempt: number) => void;
  /**
   * false: a subscription whose connection fails before AppSync ever acknowledged it errors instead
   * of being retried (the link has already retried the handshake for some 6 s), so a command can
   * say the API is down or refused it. Default true (the web app keeps trying).
   */
  retryBeforeAcknowledged?: boolean;
}

export interface ImageGraphClientOptions {
  config: ClientConfig;
  /** A valid Cognito token for every request and every WebSocket handshake (refreshed by the session). */
  jwtToken: () => Promise<string>;
  resubscribe?: ResubscribeOptions;
}

/**
 * The Apollo Client both the web app and the CLI use: AWS's aws-appsync-auth-link puts the Cognito
 * token on each HTTP request, and aws-appsync-subscription-link runs subscriptions over AppSync's
 * real-time WebSocket protocol, as AppSync users run them in production.
 *
 * Additions where the subscription link falls short: when the real-time connection drops (socket
 * closed, keep-alive missed) it errors every subscription and does not reconnect, so the
 * resubscribe link below subscribes again with backoff, which opens a new connection; it errors
 * with plain objects, which Apollo Client 4 reports only as "An error of unexpected shape", so the
 * same link turns them into Errors carrying AppSync's message; and its start_ack signal, which
 * Apollo Client 4 drops, reaches the caller as `context.onSubscriptionAcknowledged`.
 */
export function createImageGraphClient({ config, jwtToken, resubscribe = {} }: ImageGraphClientOptions): ApolloClient {
  // The AWS links do not catch a rejected token promise (the operation would hang with an
  // unhandled rejection), so tokenLink asks first and fails the operation with the session's
  // error; the AWS links then get the same, now cached, token.
  const auth: AuthOptions = { type: AUTH_TYPE.AMAZON_COGNITO_USER_POOLS, jwtToken: () => jwtToken().catch(() => '') };
  const url = config.graphqlUrl;
  const region = config.region;
  const link = ApolloLink.from([
    tokenLink(jwtToken),
    asLink(createAuthLink({ url, region, auth })),
    ApolloLink.split(
      ({ query }) => isSubscriptionOperation(query),
      // Each resubscription checks the token again: an ended session stops it with its error.
      ApolloLink.from([
        acknowledgementLink(),
        resubscribeLink(resubscribe),
        tokenLink(jwtToken),
        asLink(createSubscriptionHandshakeLink({ url, region, auth })),
      ]),
      new HttpLink({ uri: url }),
    ),
  ]);
  return new ApolloClient({ link, cache: new InMemoryCache() });
}

/** Fails the operation with the session's error (e.g. "Not signed in") before it is sent. */
function tokenLink(jwtToken: () => Promise<string>): ApolloLink {
  return new ApolloLink((operation, forward) => from(jwtToken()).pipe(mergeMap(() => forward(operation))));
}

/**
 * The AppSync links' declarations import Apollo's CommonJS typings, which TypeScript sees as other
 * classes than the ESM ones under NodeNext; at run time they are the same ApolloLink.
 */
function asLink(link: unknown): ApolloLink {
  return link as ApolloLink;
}

/** The subscription link's result for AppSync's start_ack: no data, `extensions.controlMsgType`. */
const ACKNOWLEDGED_CONTROL_MESSAGE = 'CONNECTED';

function isAcknowledgement(result: ApolloLink.Result): boolean {
  return (result.extensions as { controlMsgType?: unknown } | undefined)?.controlMsgType === ACKNOWLEDGED_CONTROL_MESSAGE;
}

/**
 * Reports AppSync's start_ack to the operation's `onSubscriptionAcknowledged`. The subscription
 * link emits start_ack as a control message only when the context asks for it
 * (`controlMessages[CONTROL_EVENTS_KEY]`); Apollo Client 4 then drops it (a result without data or
 * error), so it is taken out here and reported through the context instead. It passes through the
 * resubscribe link first, which resets its backoff and learns that the subscription was live.
 */
function acknowledgementLink(): ApolloLink {
  return new ApolloLink((operation, forward) => {
    operation.setContext({ controlMessages: { [CONTROL_EVENTS_KEY]: true } });
    return forward(operation).pipe(
      tap((result) => {
        if (isAcknowledgement(result)) operation.getContext().onSubscriptionAcknowledged?.();
      }),
      filter((result) => !isAcknowledgement(result)),
    );
  });
}

/** What the subscription link reports when the connection, not the subscription, failed. */
const CONNECTION_LOSS = ['Connection closed', 'Timeout disconnect', 'Connection failed: Connection handshake error'];

export function isConnectionLoss(error: unknown): boolean {
  const messages = linkErrorMessages(error);
  return messages.some((message) => CONNECTION_LOSS.some((loss) => message.startsWith(loss)));
}

/**
 * The subscription link errors with `{ errors: [{ message }] }` rather than an Error, and nests
 * AppSync's own errors as JSON in the message ("Connection failed: {...}").
 */
export function linkErrorMessages(error: unknown): string[] {
  if (error instanceof Error) return [error.message];
  const errors = (error as { errors?: { message?: unknown }[] } | null)?.errors;
  if (!Array.isArray(errors)) return [String(error)];
  return errors.flatMap(({ message }) => appSyncMessages(String(message)));
}

function appSyncMessages(message: string): string[] {
  const nested = /^Connection failed: (\{.*\})$/s.exec(message)?.[1];
  if (!nested) return [message];
  try {
    const payload = JSON.parse(nested) as { errors?: { message?: string; errorType?: string }[] };
    const inner = (payload.errors ?? []).map(({ message: text, errorType }) => (errorType ? `${text} (${errorType})` : String(text)));
    return inner.length > 0 ? inner : [message];
  } catch {
    return [message];
  }
}

/** A failed subscription, as an Error Apollo Client 4 can report (it hides other shapes). */
export class SubscriptionError extends Error {
  override name = 'SubscriptionError';
}

/**
 * Resubscribes after a lost connection with capped exponential backoff; the attempt count resets
 * once the subscription is acknowledged or data flows again. Any other error (refused auth, a bad
 * subscription), and with `retryBeforeAcknowledged: false` a connection that never got as far as
 * start_ack, is passed on as a SubscriptionError with AppSync's messages.
 */
export function resubscribeLink({ initialDelayMs = 500, maxDelayMs = 30_000, onResubscribe, retryBeforeAcknowledged = true }: ResubscribeOptions = {}): ApolloLink {
  return new ApolloLink((operation, forward) => {
    let acknowledged = false;
    return forward(operation).pipe(
      tap((result) => {
        acknowledged ||= isAcknowledgement(result);
      }),
      retry({
        resetOnSuccess: true,
        delay: (error: unknown, attempt: number) => {
          if (!isConnectionLoss(error) || !(acknowledged || retryBeforeAcknowledged)) {
            return throwError(() => new SubscriptionError(linkErrorMessages(error).join('; ')));
          }
          const wait = Math.min(maxDelayMs, initialDelayMs * 2 ** (attempt - 1));
          onResubscribe?.(operation.operationName, attempt);
          return timer(wait);
        },
      }),
    );
  });
}
