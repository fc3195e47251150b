/**
 * `npm start` twice on one data directory, both real: the second exits at once with its own code
 * and the message naming the first, and leaves the running cloud and its data as they were (an
 * upload in the S3 spool, the cloud log, the outputs), even with `--reset`; the first keeps serving.
 * After a `kill -9` of the first, a start on the same directory runs.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { OUTPUT_KEYS } from '../../infra/stack-outputs.ts';
import { ALREADY_RUNNING_EXIT_CODE } from '../cloud-lock.ts';
import { cloudLogFile, outputsFile, serviceDataDir } from '../config.ts';
import { type CloudProcess, startCloudProcess, startExits } from './cloud-process.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'imagegraph-second-start-'));
const clouds: CloudProcess[] = [];
afterAll(async () => {
  for (const cloud of clouds) await cloud.kill();
  rmSync(dataDir, { recursive: true, force: true });
});

it('a second npm start on a running cloud\'s data directory exits at once and touches nothing; after a kill -9 of the first, a start runs', async () => {
  const first = await startCloudProcess(dataDir, ['--vision', 'lite']);
  clouds.push(first);
  // Stands for an upload the first cloud's S3 front is receiving.
  const spoolDir = join(serviceDataDir({ dataDir }, 's3'), 'incoming');
  writeFileSync(join(spoolDir, 'upload-in-flight'), 'the first bytes of an upload');
  const log = readFileSync(cloudLogFile({ dataDir }), 'utf8');
  const outputs = readFileSync(outputsFile({ dataDir }), 'utf8');

  for (const args of [[], ['--reset']]) {
    const pid = String(first.child.pid);
    expect(await startExits(['--data-dir', dataDir, '--port-base', '0', '--vision', 'lite', ...args])).toEqual({
      code: ALREADY_RUNNING_EXIT_CODE,
      stdout: '',
      stderr: `ImageGraph's local cloud is already running on ${dataDir} (pid ${pid}); stop it (Ctrl-C in its terminal, or kill ${pid}) or start this one with another data directory (--data-dir <dir>).\n`,
    });
  }
  expect(readdirSync(spoolDir)).toEqual(['upload-in-flight']);
  // The first cloud may have logged more meanwhile, never less.
  expect(readFileSync(cloudLogFile({ dataDir }), 'utf8').startsWith(log)).toBe(true);
  expect(readFileSync(outputsFile({ dataDir }), 'utf8')).toBe(outputs);
  expect((await fetch(first.outputs[OUTPUT_KEYS.webUrl]!)).status).toBe(200);

  await first.kill();
  const next = await startCloudProcess(dataDir, ['--vision', 'lite']);
  clouds.push(next);
  // It holds the directory now: the spool of the cloud that was killed is emptied (S3 never stored it).
  expect(readdirSync(spoolDir)).toEqual([]);
  expect((await fetch(next.outputs[OUTPUT_KEYS.webUrl]!)).status).toBe(200);
}, 240_000);
