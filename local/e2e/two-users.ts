import { type CloudProcess, startCloudProcess } from './cloud-process.ts';
import { type ImageEvent, subscribeToEvents } from './uploads.ts';
import { signUpUser, type TestUser } from './users.ts';

/** `npm start` with Alice and Bob signed up, each subscribed to their processing events. */
export interface TwoUsers {
  cloud: CloudProcess;
  alice: TestUser;
  bob: TestUser;
  /** Each user's onImageProcessed events, as they arrive. */
  events: Record<'alice' | 'bob', ImageEvent[]>;
  /** Unsubscribes, stops both clients, then the cloud (Ctrl-C); the cloud's exit code. */
  stop(): Promise<number | null>;
}

export async function startTwoUsers(dataDir: string, cloudArgs: readonly string[]): Promise<TwoUsers> {
  const cloud = await startCloudProcess(dataDir, cloudArgs);
  const users: Partial<Record<'alice' | 'bob', TestUser>> = {};
  const events: TwoUsers['events'] = { alice: [], bob: [] };
  const subscribed = await Promise.allSettled(
    (['alice', 'bob'] as const).map(async (name) => {
      const user = await signUpUser(cloud.config, dataDir, name);
      users[name] = user;
      return subscribeToEvents(user, (event) => events[name].push(event));
    }),
  );
  const subscriptions = subscribed.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failed = subscribed.find((result) => result.status === 'rejected');
  if (failed) {
    // Nothing is left running for the test's teardown, which never got a `stop`.
    for (const subscription of subscriptions) subscription.unsubscribe();
    for (const user of Object.values(users)) user.client.stop();
    await cloud.stop();
    throw failed.reason;
  }
  const { alice, bob } = users as Record<'alice' | 'bob', TestUser>;
  return {
    cloud,
    alice,
    bob,
    events,
    async stop() {
      for (const subscription of subscriptions) subscription.unsubscribe();
      alice.client.stop();
      bob.client.stop();
      return cloud.stop();
    },
  };
}

/** The first event of `imageId` with `status`, waiting up to `timeoutMs` for it. */
export async function eventFor(into: ImageEvent[], imageId: string, status: string, timeoutMs = 60_000): Promise<ImageEvent> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = into.find((event) => event.imageId === imageId && event.status === status);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no ${status} event for ${imageId}; got ${JSON.stringify(into.map((e) => [e.imageId, e.status, e.reason]))}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
