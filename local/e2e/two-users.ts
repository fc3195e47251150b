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
  const [alice, bob] = await Promise.all([signUpUser(cloud.config, dataDir, 'alice'), signUpUser(cloud.config, dataDir, 'bob')]);
  const events: TwoUsers['events'] = { alice: [], bob: [] };
  const subscriptions = await Promise.all([
    subscribeToEvents(alice, (event) => events.alice.push(event)),
    subscribeToEvents(bob, (event) => events.bob.push(event)),
  ]);
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
