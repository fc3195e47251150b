/**
 * subscribeToEvents' own paths, against a stand-in Apollo client (the e2e tests use the real one):
 * it resolves on the acknowledgement only, and fails, saying why, on an error, an early end or no
 * acknowledgement, unsubscribing each time; after the acknowledgement it says why it ended.
 */
import type { ApolloClient } from '@apollo/client';
import { Observable } from 'rxjs';
import { describe, expect, it, vi } from 'vitest';
import { subscribeToEvents } from './uploads.ts';

type Subscriber = { next(value: unknown): void; error(error: unknown): void; complete(): void };

/** A client whose subscription runs `behave` with the subscriber and the acknowledgement callback; counts unsubscriptions. */
function clientThat(behave: (subscriber: Subscriber, acknowledge: () => void) => void) {
  const state = { unsubscribed: 0 };
  const client = {
    subscribe: ({ context }: { context: { onSubscriptionAcknowledged: () => void } }) =>
      new Observable((subscriber) => {
        setTimeout(() => behave(subscriber, context.onSubscriptionAcknowledged), 1);
        return () => void (state.unsubscribed += 1);
      }),
  } as unknown as ApolloClient;
  return { user: { client }, state };
}

describe('subscribeToEvents', () => {
  it('resolves once acknowledged, then collects events', async () => {
    const { user, state } = clientThat((subscriber, acknowledge) => {
      acknowledge();
      subscriber.next({ data: { onImageProcessed: { id: 'a' } } });
    });
    const subscription = await subscribeToEvents(user);
    await expect.poll(() => subscription.events).toEqual([{ id: 'a' }]);
    subscription.unsubscribe();
    expect(state.unsubscribed).toBe(1);
  });

  it.each([
    ['no acknowledgement comes', () => undefined, 'onImageProcessed: no start_ack from AppSync within 0.05 s'],
    ['the subscription ends first', (subscriber: Subscriber) => subscriber.complete(), 'onImageProcessed: the subscription ended before AppSync acknowledged it'],
    ['the subscription fails', (subscriber: Subscriber) => subscriber.error(new Error('socket closed')), 'socket closed'],
  ])('fails when %s, unsubscribed', async (_, behave, message) => {
    const { user, state } = clientThat(behave);
    await expect(subscribeToEvents(user, undefined, 50)).rejects.toThrow(message);
    // rxjs tears a subscription down once, whether it ended or was unsubscribed.
    expect(state.unsubscribed).toBe(1);
  });

  it.each([
    ['fails', (subscriber: Subscriber) => subscriber.error(new Error('socket closed')), 'onImageProcessed ended after it was acknowledged: socket closed'],
    ['ends', (subscriber: Subscriber) => subscriber.complete(), 'onImageProcessed ended after it was acknowledged: the subscription ended'],
  ])('says why when it %s after the acknowledgement, unsubscribed', async (_, end, message) => {
    const said = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const { user, state } = clientThat((subscriber, acknowledge) => {
        acknowledge();
        setTimeout(() => end(subscriber), 5);
      });
      await subscribeToEvents(user);
      await expect.poll(() => said.mock.calls).toEqual([[message]]);
      expect(state.unsubscribed).toBe(1);
    } finally {
      said.mockRestore();
    }
  });
});
