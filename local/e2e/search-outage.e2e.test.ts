/**
 * Reliability: the search engine down for a while. Images uploaded meanwhile fail to index, are
 * retried by SQS after the visibility timeout, and land in the dead-letter queue after
 * maxReceiveCount receives; once the engine is back, `imagegraph redrive` finishes every one.
 * The engine is killed by its pid (from processes.json) and started again as an operator would:
 * SIGUSR2 to `npm start`, which restarts it on the same port and data directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runImagegraph } from './cli.ts';
import { type CloudProcess, startCloudProcess } from './cloud-process.ts';
import { DEFAULT_LOCAL_SETTINGS } from '../config.ts';
import { notProcessedOnce, type QueueDepths, queueDepths, readProcessIds, setVisibilityTimeout, waitFor, waitUntilGone } from './probes.ts';
import { generatedJpegs, upload } from './uploads.ts';
import { signUpUser } from './users.ts';

const UPLOADS = 6;
const MAX_RECEIVE_COUNT = 2;
const CLOUD_ARGS = ['--vision', 'lite', '--visibility-timeout', '1', '--max-receive-count', String(MAX_RECEIVE_COUNT)];

const dataDir = mkdtempSync(join(tmpdir(), 'imagegraph-outage-'));
let cloud: CloudProcess | undefined;

afterAll(async () => {
  await cloud?.kill();
  rmSync(dataDir, { recursive: true, force: true });
});

it('search engine down: messages retry, go to the DLQ, and `imagegraph redrive` finishes them once it is back', async () => {
  cloud = await startCloudProcess(dataDir, CLOUD_ARGS);
  const { outputs } = cloud;
  const user = await signUpUser(cloud.config, dataDir, 'outage');
  const [warmUp, ...photos] = await generatedJpegs(UPLOADS + 1);
  // One image while all is well: the pipeline is warm, so the outage hits the indexing step itself.
  const first = await upload(user, { name: 'before.jpg', type: 'image/jpeg', bytes: warmUp! });
  await waitFor('the first image to be indexed', async () => (await notProcessedOnce(outputs, [first.ticket.imageId])).length === 0, 30_000);

  const engine = readProcessIds(dataDir).search;
  process.kill(engine, 'SIGKILL');
  await waitUntilGone([engine]);
  await cloud.waitForLine(/The search engine exited/);

  const sent = await Promise.all(photos.map((bytes, i) => upload(user, { name: `during-${i}.jpg`, type: 'image/jpeg', bytes })));
  user.client.stop();
  expect(sent.map((result) => result.status)).toEqual(photos.map(() => 204));
  const ids = sent.map((result) => result.ticket.imageId);

  let depths = await queueDepths(outputs);
  await waitFor(
    `all ${ids.length} messages in the dead-letter queue`,
    async () => {
      depths = await queueDepths(outputs);
      // At least: on a busy machine the warm-up image can outlive its 1 s visibility timeout, be
      // received again while the engine is down and be dead-lettered too (legitimate SQS behaviour).
      return depths.deadLetters >= ids.length && depths.waiting + depths.inFlight === 0;
    },
    60_000,
    () => ({ depths, failedAttempts: cloud?.cloudLog().filter((line) => line.includes('SQS will retry')).length }),
  );
  // SQS moved them only after maxReceiveCount receives; each failed receive is in the cloud log (a
  // warm container's per-image failures name the key; a cold one fails earlier, creating the index).
  // The log is written by the cloud process as it goes: the last failure's line may land just after
  // the DLQ move was seen.
  const failures = () => cloud!.cloudLog().filter((line) => line.includes('SQS will retry'));
  await waitFor(`at least ${MAX_RECEIVE_COUNT} failed invocations in the cloud log`, () => Promise.resolve(failures().length >= MAX_RECEIVE_COUNT), 15_000, () => failures());

  process.kill(readProcessIds(dataDir).cloud, 'SIGUSR2');
  await cloud.waitForLine(/Search engine restarted/, 30_000);
  expect(readProcessIds(dataDir).search).not.toBe(engine);
  // Same port, same data: what was indexed before the outage is still there.
  expect(await notProcessedOnce(outputs, [first.ticket.imageId])).toEqual([]);

  // With the engine down nothing could be indexed, so the queue emptied into the DLQ: every upload is there.
  expect(await notProcessedOnce(outputs, ids)).toEqual(ids);
  // The outage is over. A 1 s visibility timeout made its retries quick, but is far shorter than
  // processing may take (AWS: at least six times the function's timeout): on a busy machine a
  // batch outlives two of them, SQS hands its images out again, and the third receive dead-letters
  // images that were just indexed. Before the redrive the queue gets the local cloud's usual one.
  await setVisibilityTimeout(outputs, DEFAULT_LOCAL_SETTINGS.visibilityTimeoutSeconds);
  const redriven = await runImagegraph<{ moved: number }>(cloud.outputsFile, 'redrive');
  expect(redriven.moved).toBe(depths.deadLetters);
  let settled: { depths: QueueDepths; notProcessed: string[] } | undefined;
  await waitFor(
    'every redriven image indexed once as PROCESSED and the queues empty',
    async () => {
      settled = { depths: await queueDepths(outputs), notProcessed: await notProcessedOnce(outputs, ids) };
      return settled.depths.waiting + settled.depths.inFlight + settled.depths.deadLetters === 0 && settled.notProcessed.length === 0;
    },
    60_000,
    () => settled,
  );
  expect(await notProcessedOnce(outputs, [first.ticket.imageId, ...ids])).toEqual([]);
  expect(await cloud.stop()).toBe(0);
  // The waits' budgets above, which only a loaded machine comes near (alone it takes ~20 s).
}, 300_000);
