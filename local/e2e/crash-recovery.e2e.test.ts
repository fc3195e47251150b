/**
 * Reliability: `kill -9` of the whole local cloud in the middle of a burst of uploads, with events
 * in flight. After a restart on the same data directory, the queue alone (S3's events, which the
 * local S3 keeps on disk from before it acknowledges an upload until SQS has them) brings every
 * upload storage acknowledged to PROCESSED, exactly once in the index; `imagegraph reconcile
 * --dry-run` then finds nothing stored that the pipeline missed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { afterAll, expect, it } from 'vitest';
import type { ReconcileSummary } from '../../client/cli/operations/reconcile.ts';
import { serviceDataDir } from '../config.ts';
import { EventOutbox } from '../s3/outbox.ts';
import { runImagegraph } from './cli.ts';
import { type CloudProcess, startCloudProcess } from './cloud-process.ts';
import { notProcessedOnce, ownerDocumentCount, type QueueDepths, queueDepths, readProcessIds, waitFor, waitUntilGone } from './probes.ts';
import { generatedJpegs, postUpload, requestUpload, type UploadTicket } from './uploads.ts';
import { signUpUser } from './users.ts';

const UPLOADS = 200;
const IN_FLIGHT = 8;
/** The cloud is killed once this many uploads were acknowledged: mid-burst, with a backlog queued. */
const KILL_AFTER = 80;
/** Short, so messages a killed poller had received become visible again soon after the restart. */
const CLOUD_ARGS = ['--vision', 'lite', '--visibility-timeout', '2'];

const dataDir = mkdtempSync(join(tmpdir(), 'imagegraph-crash-'));
const clouds: CloudProcess[] = [];

afterAll(async () => {
  for (const cloud of clouds) await cloud.kill();
  rmSync(dataDir, { recursive: true, force: true });
});

it('kill -9 during a burst of uploads, restart: every acknowledged upload PROCESSED exactly once from the queue alone', async () => {
  const first = await startCloudProcess(dataDir, CLOUD_ARGS);
  clouds.push(first);
  const user = await signUpUser(first.config, dataDir, 'burst');
  const photos = await generatedJpegs(UPLOADS);
  const files = photos.map((bytes, i) => ({ name: `burst-${i}.jpg`, type: 'image/jpeg', bytes }));
  const limit = pLimit(IN_FLIGHT);
  const tickets: UploadTicket[] = await Promise.all(files.map((file) => limit(() => requestUpload(user, file))));
  user.client.stop();
  const children = readProcessIds(dataDir);

  // The burst: acknowledged = S3 answered 204; anything else (refused, reset, never sent) is not.
  const acknowledged: string[] = [];
  let killed: Promise<void> | undefined;
  let indexedAtKill = 0;
  let queuedAtKill: QueueDepths | undefined;
  await Promise.all(
    tickets.map((ticket, i) =>
      limit(async () => {
        // None starts once the kill is under way, however long measuring takes on a busy machine:
        // the kill stays mid-burst.
        if (killed) return;
        const sent = await postUpload(ticket, files[i]!).catch(() => ({ status: 0 }));
        if (sent.status === 204) acknowledged.push(ticket.imageId);
        if (acknowledged.length >= KILL_AFTER && !killed) {
          // Measured from outside just before the kill: what the pipeline had not finished.
          killed = Promise.all([ownerDocumentCount(first.outputs, user.sub), queueDepths(first.outputs)])
            .then(([count, depths]) => {
              indexedAtKill = count;
              queuedAtKill = depths;
            })
            .catch(() => undefined)
            .then(() => first.kill());
        }
      }),
    ),
  );
  await killed;
  expect(killed, 'the cloud was killed during the burst').toBeDefined();
  expect(acknowledged.length).toBeGreaterThanOrEqual(KILL_AFTER);
  expect(acknowledged.length).toBeLessThan(UPLOADS);
  // Its child services (search engine, queue) notice the parent is gone and exit by themselves.
  await waitUntilGone([children.search, children.sqs]);
  // Events stored with their upload and not yet handed to the queue when the cloud died.
  const outbox = new EventOutbox(serviceDataDir({ dataDir }, 's3'));
  const outboxedAtKill = outbox.size();
  outbox.close();
  // Events were in flight: queued, being processed, or still in the outbox.
  expect(queuedAtKill, 'the queue could be read just before the kill').toBeDefined();
  const inFlightAtKill = queuedAtKill!.waiting + queuedAtKill!.inFlight + outboxedAtKill;
  expect(inFlightAtKill).toBeGreaterThan(0);

  // No reconcile: what was acknowledged must come back from the queue and the outbox alone.
  const second = await startCloudProcess(dataDir, CLOUD_ARGS);
  clouds.push(second);
  await waitFor(
    'every acknowledged upload to be indexed once as PROCESSED and the queues to drain',
    async () => {
      const depths = await queueDepths(second.outputs);
      return depths.waiting + depths.inFlight === 0 && (await notProcessedOnce(second.outputs, acknowledged)).length === 0;
    },
    60_000,
  );
  expect(await notProcessedOnce(second.outputs, acknowledged)).toEqual([]);
  expect((await queueDepths(second.outputs)).deadLetters).toBe(0);
  // Nothing stored is left unprocessed, and the index holds one document per stored original.
  const after = await runImagegraph<ReconcileSummary>(second.outputsFile, 'reconcile', ['--dry-run']);
  expect(after.missing).toEqual([]);
  expect(after.originals).toBeGreaterThanOrEqual(acknowledged.length);
  expect(await ownerDocumentCount(second.outputs, user.sub)).toBe(after.originals);
  console.log(
    `crash-recovery: ${acknowledged.length}/${UPLOADS} uploads acknowledged before kill -9 (${indexedAtKill} indexed then; ` +
      `${queuedAtKill!.waiting} queued, ${queuedAtKill!.inFlight} being processed, ${outboxedAtKill} in the S3 outbox); ` +
      `after restart all ${after.originals} stored originals indexed once from the queue, reconcile --dry-run found none missing`,
  );
  expect(await second.stop()).toBe(0);
  // The waits' budgets above (two starts, the children's exit, the drain), which only a loaded machine comes near (alone it takes ~40 s).
}, 300_000);
