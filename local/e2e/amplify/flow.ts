/**
 * What an Amplify JS v6 app does with ImageGraph, step by step through the real `aws-amplify`
 * package: configure, sign up, confirm with the emailed code, sign in, query, subscribe through
 * Amplify's own real-time client, requestUpload, upload to the presigned POST, receive PROCESSED,
 * refresh the session, sign out. Runs unchanged in Node (amplify-node.ts) and in a browser
 * (client/web/e2e): only `hooks` differ. Throws naming the step that went wrong.
 */
import { Amplify, type ResourcesConfig } from 'aws-amplify';
import { confirmSignUp, fetchAuthSession, getCurrentUser, signIn, signOut, signUp } from 'aws-amplify/auth';
import { generateClient } from 'aws-amplify/api';
import { CONNECTION_STATE_CHANGE, ConnectionState } from 'aws-amplify/data';
import { Hub } from 'aws-amplify/utils';

export interface AmplifyFlowHooks {
  /** The confirmation code Cognito "emailed" (the local outbox; on AWS, a mailbox). */
  confirmationCode(email: string): Promise<string>;
  /** A photo to upload. */
  image: Blob;
  /** How long to wait for PROCESSED. */
  processedWithinMs: number;
}

/** What each step saw, for the test to check. */
export interface AmplifyFlowReport {
  signUpStep: string;
  signUpComplete: boolean;
  signedIn: boolean;
  userId: string;
  statsBefore: number;
  uploadStatus: number;
  /** The event's imageId, ownerSub and status, and the id of the image it carries. */
  event: { imageId: string; ownerSub: string; status: string; reason: string | null; image: string | null };
  imageId: string;
  refreshed: { accessTokenChanged: boolean; sameUser: boolean; statsAfterRefresh: number };
  signedOut: { currentUserError: string; queryError: string };
}

const STATS = 'query Stats { imageStats { total } }';
const REQUEST_UPLOAD = `mutation RequestUpload($input: RequestUploadInput!) {
  requestUpload(input: $input) { imageId upload { url fields { name value } } }
}`;
const ON_IMAGE_PROCESSED = `subscription OnImageProcessed {
  onImageProcessed { imageId ownerSub status reason image { id } }
}`;

interface ImageEvent {
  imageId: string;
  ownerSub: string;
  status: string;
  reason: string | null;
  image: { id: string } | null;
}

async function step<T>(name: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : JSON.stringify(error);
    throw new Error(`Amplify flow, step "${name}": ${detail}`);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms))]);
}

/** The error a rejected call failed with, by name and message; fails if it did not reject. */
async function rejection(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
  } catch (error) {
    if (error instanceof Error) return `${error.name}: ${error.message}`;
    // generateClient().graphql rejects with the GraphQL result ({ errors }).
    const errors = (error as { errors?: { message?: string }[] }).errors;
    return errors?.map((e) => e.message).join('; ') ?? JSON.stringify(error);
  }
  throw new Error('expected a failure, got success');
}

export async function runAmplifyFlow(config: ResourcesConfig, hooks: AmplifyFlowHooks): Promise<AmplifyFlowReport> {
  Amplify.configure(config);
  const email = `amplify-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
  const password = 'Correct-horse-9-battery';

  const signedUp = await step('signUp', () => signUp({ username: email, password, options: { userAttributes: { email } } }));
  const code = await step('confirmation code', () => hooks.confirmationCode(email));
  const confirmed = await step('confirmSignUp', () => confirmSignUp({ username: email, confirmationCode: code }));
  // Amplify's default sign-in: USER_SRP_AUTH, answered with PASSWORD_VERIFIER.
  const signedIn = await step('signIn (SRP)', () => signIn({ username: email, password }));
  const user = await step('getCurrentUser', () => getCurrentUser());

  const client = generateClient();
  const stats = async () => {
    const result = (await client.graphql({ query: STATS })) as { data: { imageStats: { total: number } } };
    return result.data.imageStats.total;
  };
  const statsBefore = await step('query imageStats', stats);

  // Amplify reports its real-time connection on the Hub; Connected follows connection_ack and start_ack.
  const connected = new Promise<void>((resolve) => {
    const stop = Hub.listen('api', ({ payload }) => {
      const data = payload.data as { connectionState?: string } | undefined;
      if (payload.event === CONNECTION_STATE_CHANGE && data?.connectionState === ConnectionState.Connected) {
        stop();
        resolve();
      }
    });
  });
  const events: ImageEvent[] = [];
  let subscriptionError: unknown;
  let eventArrived: () => void = () => undefined;
  const subscription = (client.graphql({ query: ON_IMAGE_PROCESSED }) as unknown as { subscribe(o: object): { unsubscribe(): void } }).subscribe({
    next: ({ data }: { data: { onImageProcessed: ImageEvent } }) => {
      events.push(data.onImageProcessed);
      eventArrived();
    },
    error: (error: unknown) => {
      subscriptionError = error;
      eventArrived();
    },
  });
  try {
    await step('subscribe onImageProcessed (wss)', () => withTimeout(connected, 30_000, 'Connected state'));

    const ticket = await step('mutation requestUpload', async () => {
      const result = (await client.graphql({
        query: REQUEST_UPLOAD,
        variables: { input: { fileName: 'amplify-photo', contentType: hooks.image.type, bytes: hooks.image.size } },
      })) as { data: { requestUpload: { imageId: string; upload: { url: string; fields: { name: string; value: string }[] } } } };
      return result.data.requestUpload;
    });
    const uploadStatus = await step('presigned POST', async () => {
      const form = new FormData();
      for (const { name, value } of ticket.upload.fields) form.append(name, value);
      form.append('file', hooks.image, 'amplify-photo');
      const response = await fetch(ticket.upload.url, { method: 'POST', body: form });
      if (!response.ok) throw new Error(`${response.status} ${await response.text()}`);
      return response.status;
    });
    const event = await step('receive PROCESSED', async () => {
      const deadline = Date.now() + hooks.processedWithinMs;
      for (;;) {
        if (subscriptionError !== undefined) throw new Error(`subscription failed: ${JSON.stringify(subscriptionError)}`);
        const found = events.find((candidate) => candidate.imageId === ticket.imageId && candidate.status !== 'PROCESSING');
        if (found) return found;
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no event for ${ticket.imageId}; got ${JSON.stringify(events)}`);
        await new Promise<void>((resolve) => {
          eventArrived = resolve;
          setTimeout(resolve, left);
        });
      }
    });

    // forceRefresh: Amplify's GetTokensFromRefreshToken, then the API with the new access token.
    const refreshed = await step('refresh session', async () => {
      const before = await fetchAuthSession();
      const after = await fetchAuthSession({ forceRefresh: true });
      return {
        accessTokenChanged: before.tokens?.accessToken.toString() !== after.tokens?.accessToken.toString(),
        sameUser: after.tokens?.accessToken.payload.sub === user.userId,
        statsAfterRefresh: await stats(),
      };
    });

    subscription.unsubscribe();
    await step('signOut', () => signOut());
    const signedOut = {
      currentUserError: await step('getCurrentUser after signOut', () => rejection(() => getCurrentUser())),
      queryError: await step('query after signOut', () => rejection(stats)),
    };

    return {
      signUpStep: signedUp.nextStep.signUpStep,
      signUpComplete: confirmed.isSignUpComplete,
      signedIn: signedIn.isSignedIn,
      userId: user.userId,
      statsBefore,
      uploadStatus,
      event: { imageId: event.imageId, ownerSub: event.ownerSub, status: event.status, reason: event.reason, image: event.image?.id ?? null },
      imageId: ticket.imageId,
      refreshed,
      signedOut,
    };
  } finally {
    subscription.unsubscribe();
  }
}
