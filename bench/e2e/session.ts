/**
 * One local cloud (`npm start` in its own process, as the e2e tests run it) with one signed-up user
 * subscribed to onImageProcessed: uploads are timed as the user waits, from the end of the POST
 * (issue 17's latency goal) and from the start of requestUpload (the web app asks for a ticket on
 * every file) to the arrival of the image's PROCESSED event over the real-time WebSocket.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CloudProcess, startCloudProcess } from '../../local/e2e/cloud-process.ts';
import { type ImageEvent, postUpload, requestUpload, subscribeToEvents } from '../../local/e2e/uploads.ts';
import { signUpUser, type TestUser } from '../../local/e2e/users.ts';
import type { BenchPhoto } from './photos.ts';

export interface TimedUpload {
  imageId: string;
  key: string;
  /** requestUpload start to its ticket. */
  requestMs: number;
  /** POST start to its 204. */
  postMs: number;
  /** requestUpload start to the PROCESSED event. */
  requestToEventMs: number;
  /** The POST's 204 to the PROCESSED event. */
  postToEventMs: number;
}

export class BenchSession {
  /** PROCESSED events per image id, and when the first arrived. */
  readonly processed = new Map<string, { count: number; at: number }>();
  readonly failed: ImageEvent[] = [];
  private readonly waiters = new Map<string, () => void>();
  private subscription: { unsubscribe(): void } | undefined;

  private constructor(
    readonly cloud: CloudProcess,
    readonly user: TestUser,
  ) {}

  /** `args`: more `npm start` options, e.g. ['--processing-concurrency', '4']. */
  static async start(vision: 'models' | 'lite', args: readonly string[] = []): Promise<BenchSession> {
    const dataDir = mkdtempSync(join(tmpdir(), `imagegraph-bench-${vision}-`));
    const cloud = await startCloudProcess(dataDir, ['--vision', vision, ...args]);
    if (vision === 'models') await cloud.waitForLine(/Vision models ready/, 180_000);
    const user = await signUpUser(cloud.config, dataDir, 'bench');
    const session = new BenchSession(cloud, user);
    session.subscription = await subscribeToEvents(user, (event) => session.onEvent(event));
    return session;
  }

  private onEvent(event: ImageEvent): void {
    if (event.status === 'FAILED') this.failed.push(event);
    if (event.status !== 'PROCESSED') return;
    const seen = this.processed.get(event.imageId);
    this.processed.set(event.imageId, { count: (seen?.count ?? 0) + 1, at: seen?.at ?? performance.now() });
    this.waiters.get(event.imageId)?.();
  }

  private eventArrival(imageId: string, timeoutMs: number): Promise<number> {
    const seen = this.processed.get(imageId);
    if (seen) return Promise.resolve(seen.at);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no PROCESSED event for ${imageId} within ${timeoutMs} ms (FAILED: ${JSON.stringify(this.failed)})`)), timeoutMs);
      this.waiters.set(imageId, () => {
        clearTimeout(timer);
        this.waiters.delete(imageId);
        resolve(this.processed.get(imageId)?.at ?? performance.now());
      });
    });
  }

  /** requestUpload, the POST and the wait for the PROCESSED event, all timed. */
  async upload(photo: BenchPhoto, timeoutMs = 60_000): Promise<TimedUpload> {
    const file = { name: photo.name, type: 'image/jpeg', bytes: photo.bytes };
    const started = performance.now();
    const ticket = await requestUpload(this.user, file);
    const postStarted = performance.now();
    const sent = await postUpload(ticket, file);
    const posted = performance.now();
    if (sent.status !== 204) throw new Error(`upload of ${photo.name} refused: HTTP ${sent.status} ${sent.body}`);
    const arrived = await this.eventArrival(ticket.imageId, timeoutMs);
    return {
      imageId: ticket.imageId,
      key: ticket.key,
      requestMs: postStarted - started,
      postMs: posted - postStarted,
      requestToEventMs: arrived - started,
      postToEventMs: arrived - posted,
    };
  }

  async close(): Promise<void> {
    this.subscription?.unsubscribe();
    this.user.client.stop();
    const code = await this.cloud.stop();
    rmSync(this.cloud.dataDir, { recursive: true, force: true });
    if (code !== 0) throw new Error(`the local cloud exited with ${String(code)}`);
  }
}
