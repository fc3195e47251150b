/**
 * `imagegraph smoke`: one throwaway user walks the product end to end against a deployment (AWS or
 * the local cloud): sign-in, subscribe, upload a real photo, PROCESSED with thumbnails (and labels,
 * as the deployment's vision gives them) through the subscription, fetch the thumbnails, find it by
 * search, delete it (the DELETED event), and remove the user. Every step is timed; cleanup always
 * runs.
 */
import { type ApolloClient, execute } from '@apollo/client';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createImageGraphClient } from '../../src/api/apollo.ts';
import type { ClientConfig } from '../../src/api/config.ts';
import { type CognitoSession } from '../../src/api/session.ts';
import { contentTypeForName, fetchPost, uploadFile } from '../../src/api/upload.ts';
import {
  DeleteImageDocument,
  ImageDocument,
  OnImageProcessedDocument,
  type OnImageProcessedSubscription,
  SearchImagesDocument,
} from '../../src/generated/graphql.ts';
import { messageOf, type Step, type StepResult, type StepsReport, runSteps } from './steps.ts';
import { type ThrowawayUsers, throwawayCredentials } from './throwaway-users.ts';

/** The photo the smoke test uploads: a real one (see MANIFEST.tsv), small enough to be quick. */
export const SMOKE_PHOTO = new URL('./fruits.jpg', import.meta.url).pathname;

export type ImageEvent = NonNullable<OnImageProcessedSubscription['onImageProcessed']>;

export interface SmokeOptions {
  config: ClientConfig;
  session: CognitoSession;
  users: ThrowawayUsers;
  photo?: string;
  /** How long each waiting step (subscription, processing, search, deletion) may take. */
  timeoutMs: number;
  /** Labels the processed image must have: 0 accepts a deployment whose vision finds none. */
  minLabels: number;
  onResult?: (result: StepResult) => void;
  /** Aborting (Ctrl-C) fails the step under way, and cleanup runs as after any failure. */
  signal?: AbortSignal;
}

export interface SmokeReport extends StepsReport {
  email: string;
  imageId?: string;
}

/** How often search is asked again while the new image is not visible yet (OpenSearch refreshes every second). */
const SEARCH_POLL_MS = 1000;

export async function runSmoke(options: SmokeOptions): Promise<SmokeReport> {
  const { session, users, timeoutMs } = options;
  const photo = options.photo ?? SMOKE_PHOTO;
  const user = throwawayCredentials();
  const client = createImageGraphClient({ config: options.config, jwtToken: () => session.idToken() });
  const inbox = new EventInbox();
  options.signal?.addEventListener('abort', () => inbox.fail(new Error('interrupted')), { once: true });
  // 'attempted': creation failed part-way (the user may or may not exist), so removal is tried.
  const state: { user: 'none' | 'attempted' | 'created'; subscription?: { unsubscribe(): void }; imageId?: string; deleted: boolean; labels: string[] } = {
    user: 'none',
    deleted: false,
    labels: [],
  };
  const imageId = () => {
    if (!state.imageId) throw new Error('no image was uploaded');
    return state.imageId;
  };

  const steps: Step[] = [
    {
      name: 'create user',
      run: async () => {
        state.user = 'attempted';
        await users.create(user);
        state.user = 'created';
        return `${user.email} (${users.method})`;
      },
    },
    {
      name: 'sign in',
      run: async () => `user ${(await session.signIn(user.email, user.password)).sub}`,
    },
    {
      name: 'subscribe',
      run: async () => {
        state.subscription = inbox.subscribe(client);
        await within(inbox.connected, timeoutMs, 'the subscription was not acknowledged');
        return 'onImageProcessed acknowledged (start_ack)';
      },
    },
    {
      name: 'upload',
      run: async () => {
        const bytes = await readFile(photo);
        const name = path.basename(photo);
        const type = contentTypeForName(name) ?? '';
        const ticket = await uploadFile({ client, post: fetchPost, file: { name, type, size: bytes.length, blob: new Blob([bytes], { type }) }, attempts: 1 });
        state.imageId = ticket.imageId;
        return `${name}, ${(bytes.length / 1024).toFixed(0)} kB, image ${ticket.imageId}`;
      },
    },
    {
      name: 'processed',
      run: async () => {
        const event = await inbox.waitFor((e) => e.imageId === imageId() && e.status !== 'DELETED', timeoutMs, 'onImageProcessed');
        if (event.status === 'FAILED') throw new Error(`processing FAILED: ${event.reason ?? 'no reason given'}`);
        const image = event.image;
        if (!image) throw new Error('the PROCESSED event carries no image');
        state.labels = image.labels.map((label) => label.name);
        if (image.thumbnails.length === 0) throw new Error('PROCESSED without thumbnails');
        if (state.labels.length < options.minLabels) {
          throw new Error(`${state.labels.length} labels, at least ${options.minLabels} expected (--min-labels)`);
        }
        const labels = state.labels.length > 0 ? `${state.labels.length} labels (${state.labels.slice(0, 4).join(', ')})` : 'no labels';
        return `PROCESSED: ${labels}, ${image.thumbnails.length} thumbnails`;
      },
    },
    {
      name: 'thumbnails',
      run: async () => {
        const { data } = await client.query({ query: ImageDocument, variables: { id: imageId() }, fetchPolicy: 'no-cache' });
        const thumbnails = data?.image?.thumbnails ?? [];
        if (thumbnails.length === 0) throw new Error('image(id) lists no thumbnails');
        const fetched = await Promise.all(
          thumbnails.map(async ({ url, width, height, format }) => {
            if (!url) throw new Error(`the ${width}x${height} ${format} thumbnail has no URL`);
            const response = await fetch(url);
            const body = new Uint8Array(await response.arrayBuffer());
            const type = response.headers.get('content-type') ?? '';
            if (!response.ok || !type.startsWith('image/') || body.length === 0) {
              throw new Error(`GET ${width}x${height} ${format} thumbnail: HTTP ${response.status} ${type}, ${body.length} bytes`);
            }
            return `${width}x${height} ${format.toLowerCase()}`;
          }),
        );
        return `${fetched.length} fetched (${fetched.join(', ')})`;
      },
    },
    {
      name: 'search',
      run: async () => {
        const words = path.parse(photo).name;
        const label = state.labels[0];
        const variables = { query: words, filter: label ? { labels: [label] } : {}, first: 10 };
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const { data } = await client.query({ query: SearchImagesDocument, variables, fetchPolicy: 'no-cache' });
          if (data?.searchImages.items.some((item) => item.id === imageId())) {
            return `found by "${words}"${label ? ` with label ${label}` : ''}`;
          }
          if (options.signal?.aborted) throw new Error('interrupted');
          if (Date.now() >= deadline) throw new Error(`not found by "${words}" within ${timeoutMs / 1000} s`);
          await delay(SEARCH_POLL_MS);
        }
      },
    },
    {
      name: 'delete',
      run: async () => {
        await deleteImage(client, imageId());
        state.deleted = true;
        await inbox.waitFor((e) => e.imageId === imageId() && e.status === 'DELETED', timeoutMs, 'the DELETED event');
        return 'DELETED event received';
      },
    },
  ];

  const cleanup: Step[] = [
    {
      name: 'delete (cleanup)',
      run: async () => {
        if (!state.imageId || state.deleted) return null;
        await deleteImage(client, state.imageId);
        return `image ${state.imageId} deleted`;
      },
    },
    {
      name: 'remove user',
      run: async () => {
        if (state.user === 'none') return null;
        try {
          await users.remove(user, session.current);
        } catch (error) {
          if (state.user === 'attempted' && (error as Error).name === 'UserNotFoundException') return null;
          throw error;
        }
        return `${user.email} deleted`;
      },
    },
  ];

  const report = await runSteps(steps, cleanup, { onResult: options.onResult });
  state.subscription?.unsubscribe();
  client.stop();
  return { ...report, email: user.email, ...(state.imageId ? { imageId: state.imageId } : {}) };
}

async function deleteImage(client: ApolloClient, id: string): Promise<void> {
  const { data } = await client.mutate({ mutation: DeleteImageDocument, variables: { id } });
  if (data?.deleteImage !== id) throw new Error(`deleteImage answered ${String(data?.deleteImage)}`);
}

/**
 * The subscription's events, kept so that a wait sees events that arrived before it began; a
 * subscription error fails every wait.
 */
class EventInbox {
  private readonly events: ImageEvent[] = [];
  private readonly listeners = new Set<() => void>();
  private failure: Error | undefined;
  private markConnected: (connected: Error | true) => void = () => undefined;
  /** Resolves at the subscription's start_ack; rejects when it fails first. */
  readonly connected = new Promise<void>((resolve, reject) => {
    this.markConnected = (connected) => (connected === true ? resolve() : reject(connected));
  });

  constructor() {
    // Only the subscribe step awaits it; a later failure must not go unhandled.
    this.connected.catch(() => undefined);
  }

  subscribe(client: ApolloClient): { unsubscribe(): void } {
    // Uploads start only once AppSync has acknowledged the subscription (start_ack).
    const context = { onSubscriptionAcknowledged: () => this.markConnected(true) };
    return execute(client.link, { query: OnImageProcessedDocument, variables: { imageId: null }, context }, { client }).subscribe({
      next: (result) => {
        const event = (result.data as OnImageProcessedSubscription | null | undefined)?.onImageProcessed;
        if (event) this.events.push(event);
        if (result.errors?.length) this.fail(new Error(`subscription error: ${result.errors.map((e) => e.message).join('; ')}`));
        else this.notify();
      },
      error: (error: unknown) => this.fail(new Error(`subscription failed: ${messageOf(error)}`)),
    });
  }

  /** Fails the waits under way and every later one. */
  fail(error: Error): void {
    this.failure ??= error;
    this.markConnected(this.failure);
    this.notify();
  }

  waitFor(predicate: (event: ImageEvent) => boolean, timeoutMs: number, what: string): Promise<ImageEvent> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const event = this.events.find(predicate);
        if (!event && !this.failure) return;
        this.listeners.delete(check);
        clearTimeout(timer);
        if (event) resolve(event);
        else reject(this.failure!);
      };
      const timer = setTimeout(() => {
        this.listeners.delete(check);
        reject(new Error(`no ${what} within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      this.listeners.add(check);
      check();
    });
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

function within<T>(promise: Promise<T>, timeoutMs: number, message: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${message} within ${timeoutMs / 1000} s`)), timeoutMs);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(new Error(messageOf(error)));
      },
    );
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
