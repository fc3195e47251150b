import type { ApolloClient } from '@apollo/client';
import { OnImageProcessedDocument } from '../../src/generated/graphql.ts';
import type { ImageEvent } from './format.ts';

/** `watch` prints this (to stderr, in --json mode too) once the subscription is live, not before. */
export const WATCH_BANNER = 'Watching for processing outcomes (Ctrl-C to stop)...';

export interface WatchHandlers {
  /**
   * AppSync acknowledged the subscription (start_ack): every event from now on arrives. `first` is
   * false when it is live again after a lost connection (events in the gap are lost, as on AWS).
   */
  onLive: (first: boolean) => void;
  onEvent: (event: ImageEvent) => void;
}

export interface Watch {
  /** Settles when stopped, or rejects with what went wrong (see `watchFailure`). */
  done: Promise<void>;
  stop: () => void;
}

/** What the subscription link's failures mean for the user, by what its message contains. */
const HINTS: [cause: string, hint: string][] = [
  ['UnauthorizedException', 'the API refused the session; sign in again (imagegraph login)'],
  ['Connection handshake error', 'the real-time API could not be reached'],
];

/** The error `watch` exits with: whether it ever was live, AppSync's message, and a hint. */
export function watchFailure(error: unknown, wasLive: boolean): Error {
  const message = error instanceof Error ? error.message : String(error);
  const hint = HINTS.find(([cause]) => message.includes(cause))?.[1];
  return new Error(`${wasLive ? 'Watching stopped' : 'Could not start watching'}: ${message}${hint ? ` (${hint})` : ''}`);
}

/**
 * Follows `onImageProcessed` (one image's, or all the user's) until stopped. Live only once AppSync
 * has acknowledged the subscription; the client should not retry connections that fail before
 * that (`retryBeforeAcknowledged: false`), so a refused token or an API that is down ends `done`.
 */
export function watchImageEvents(client: ApolloClient, imageId: string | undefined, handlers: WatchHandlers): Watch {
  let wasLive = false;
  let stop!: () => void;
  const done = new Promise<void>((resolve, reject) => {
    const fail = (error: unknown) => reject(watchFailure(error, wasLive));
    const subscription = client
      .subscribe({
        query: OnImageProcessedDocument,
        variables: { imageId: imageId ?? null },
        context: {
          onSubscriptionAcknowledged: () => {
            handlers.onLive(!wasLive);
            wasLive = true;
          },
        },
      })
      .subscribe({
        next: ({ data, error }) => {
          if (error) return fail(error);
          const event = data?.onImageProcessed;
          if (event) handlers.onEvent(event);
        },
        error: fail,
        complete: resolve,
      });
    stop = () => {
      subscription.unsubscribe();
      resolve();
    };
  });
  return { done, stop: () => stop() };
}
