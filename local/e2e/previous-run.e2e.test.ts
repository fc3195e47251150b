/**
 * `npm start` right after a `kill -9` of the previous one's launcher, while that run's search engine
 * and queue are still running: they are stopped with SIGSTOP, as a process busy with a long request
 * cannot notice its cloud is gone. The start waits for each (saying so with its pid), never opens
 * their SQLite files while they have them open, fails naming the one that does not let go, and
 * starts once they are gone. And left alone, every process of a launcher killed with `kill -9`
 * exits by itself.
 */
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { OUTPUT_KEYS } from '../../infra/stack-outputs.ts';
import { serviceDataDir } from '../config.ts';
import { type CloudProcess, launchCloudProcess, startCloudProcess } from './cloud-process.ts';
import { readProcessIds, waitFor } from './probes.ts';
import { descendants, isAlive, processesWithOpen } from './process-table.ts';

const ARGS = ['--vision', 'lite'];

const clouds: CloudProcess[] = [];
const stopped: number[] = [];
const dataDirs: string[] = [];
afterAll(async () => {
  for (const pid of stopped.filter(isAlive)) process.kill(pid, 'SIGKILL');
  for (const cloud of clouds) await cloud.kill();
  for (const dataDir of dataDirs) rmSync(dataDir, { recursive: true, force: true });
});

/** A new data directory, with its search engine's and queue's directories and the processes that have their databases open. */
function dataDirectory() {
  // Resolved, as /proc names open files.
  const dataDir = realpathSync(mkdtempSync(join(tmpdir(), 'imagegraph-previous-run-')));
  dataDirs.push(dataDir);
  const searchDir = serviceDataDir({ dataDir }, 'search');
  const sqsDir = serviceDataDir({ dataDir }, 'sqs');
  const openers = () => ({ search: processesWithOpen(join(searchDir, 'opensearch.sqlite')), sqs: processesWithOpen(join(sqsDir, 'sqs.sqlite')) });
  return { dataDir, searchDir, sqsDir, openers };
}

/** `npm start`, whose cloud is killed at the end if it starts. */
function launch(dataDir: string) {
  const launched = launchCloudProcess(dataDir, ARGS);
  void launched.ready.then((cloud) => clouds.push(cloud), () => undefined);
  return launched;
}

it("a start while the previous run's search engine and queue still run waits for each, never opening their files beside them", async () => {
  const { dataDir, searchDir, sqsDir, openers } = dataDirectory();
  const first = await startCloudProcess(dataDir, ARGS);
  clouds.push(first);
  const previous = readProcessIds(dataDir);
  expect(openers()).toEqual({ search: [previous.search], sqs: [previous.sqs] });
  for (const pid of [previous.search, previous.sqs]) {
    process.kill(pid, 'SIGSTOP');
    stopped.push(pid);
  }
  await first.kill();
  await waitFor('the previous cloud process to exit', () => !isAlive(previous.cloud), 30_000);

  // The search engine does not let go: the start fails, naming it, and opened nothing beside it.
  const refused = launch(dataDir);
  const waitingForSearch = `waiting for the previous local search engine (pid ${previous.search}) to finish with ${searchDir}`;
  await waitFor('the start to wait for the previous search engine, or to be ready', () => refused.log.some((line) => line === waitingForSearch || line.startsWith('ImageGraph is running')), 60_000, () => refused.log);
  expect(openers()).toEqual({ search: [previous.search], sqs: [previous.sqs] });
  await expect(refused.ready).rejects.toThrow(
    `The local search engine data directory ${searchDir} is still held by the previous local search engine (pid ${previous.search}) after 10000 ms; stop that process (kill ${previous.search}) and start again.`,
  );
  expect(refused.log).toContain(waitingForSearch);
  expect(openers()).toEqual({ search: [previous.search], sqs: [previous.sqs] });

  // Once each lets go (it goes on, notices its cloud is gone and exits), the start goes on.
  const next = launch(dataDir);
  await waitFor('the start to wait for the previous search engine', () => next.log.includes(waitingForSearch), 60_000, () => next.log);
  expect(openers()).toEqual({ search: [previous.search], sqs: [previous.sqs] });
  process.kill(previous.search, 'SIGCONT');
  const waitingForSqs = `waiting for the previous local SQS (pid ${previous.sqs}) to finish with ${sqsDir}`;
  await waitFor('the start to wait for the previous queue', () => next.log.includes(waitingForSqs), 60_000, () => next.log);
  expect(isAlive(previous.search)).toBe(false);
  expect(openers().sqs).toEqual([previous.sqs]);
  process.kill(previous.sqs, 'SIGCONT');
  const cloud = await next.ready;
  const now = readProcessIds(dataDir);
  expect(isAlive(previous.sqs)).toBe(false);
  expect(openers()).toEqual({ search: [now.search], sqs: [now.sqs] });
  expect((await fetch(cloud.outputs[OUTPUT_KEYS.webUrl]!)).status).toBe(200);
}, 240_000);

it('after a kill -9 of the launcher, every process it started exits by itself', async () => {
  const { dataDir, openers } = dataDirectory();
  const cloud = await startCloudProcess(dataDir, ARGS);
  clouds.push(cloud);
  const pids = descendants(cloud.child.pid!);
  const { search, sqs } = readProcessIds(dataDir);
  // The cloud, the search engine, the queue, the S3 store at least.
  expect(pids).toEqual(expect.arrayContaining([search, sqs]));
  expect(pids.length).toBeGreaterThanOrEqual(4);
  await cloud.kill();
  await waitFor('every process the launcher started to exit', () => !pids.some(isAlive), 30_000, () => pids.filter(isAlive));
  expect(openers()).toEqual({ search: [], sqs: [] });
}, 240_000);
