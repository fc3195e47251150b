/**
 * One local cloud per data directory. A second `npm start` on a directory a live cloud uses is a
 * mistake, not a restart race: before it failed on busy ports or the S3 store's hold, it would have
 * emptied the live S3's upload spool (in-flight uploads), truncated the live cloud's log, `--reset`
 * the live data, and opened the services' SQLite files. So the launcher (local/start.ts, the process
 * `npm start` runs) holds the data directory first thing, without waiting, and fails with
 * ALREADY_RUNNING_EXIT_CODE before it touches anything. It holds it for its life; the cloud process it
 * starts exits at once when it is gone (local/cloud-main.ts), so a `kill -9` of the launcher frees
 * the directory for the next start, and the service processes still finishing (the S3 store, the
 * search engine, the SQS) are kept apart by their own holds (service-lock.ts).
 */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { serviceDataDir } from './config.ts';
import { holdDirectory, holdFiles } from './directory-lock.ts';
import { holdServiceDirectory, SERVICE_HOLDS, type ServiceHoldOptions } from './service-lock.ts';

const HOLD_NAME = 'cloud-lock';

/** `npm start`'s exit code when another cloud holds the data directory (sysexits.h's EX_TEMPFAIL: try again once it stopped). */
export const ALREADY_RUNNING_EXIT_CODE = 75;

/** Another local cloud holds the data directory. */
export class CloudAlreadyRunning extends Error {}

/** Holds `dataDir` for this process's life; throws CloudAlreadyRunning, naming the holder, when another cloud holds it. */
export async function holdCloudDataDirectory(dataDir: string): Promise<void> {
  const hold = await holdDirectory(dataDir, HOLD_NAME, { waitMs: 0 });
  if (hold.held) return;
  const pid = hold.holder === undefined ? '' : ` (pid ${hold.holder})`;
  const kill = hold.holder === undefined ? '' : `, or kill ${hold.holder}`;
  throw new CloudAlreadyRunning(
    `ImageGraph's local cloud is already running on ${dataDir}${pid}; stop it (Ctrl-C in its terminal${kill}) or start this one with another data directory (--data-dir <dir>).`,
  );
}

/**
 * How long `--reset` waits for the previous run's service processes: the longest any takes to
 * exit after its cloud died (the S3 store finishes its requests for up to 10 s), with a margin.
 */
export const RESET_WAIT_MS = 15_000;

/**
 * `--reset`: everything in the held `dataDir` goes but the hold's own files. Removing the lock file
 * would not release the lock but orphan it: the next start would lock a new file beside this cloud.
 * The previous run's service processes may still be writing there after a `kill -9` of its
 * launcher: their files are removed only once each has exited (service-lock.ts), else one still
 * writing by path (the S3 store's objects, SQLite removing its WAL file as it closes) would write
 * into the new run's files. Rejects, removing nothing, when one does not let go within `waitMs`.
 */
export async function resetCloudDataDirectory(dataDir: string, { waitMs, onWaiting }: ServiceHoldOptions): Promise<void> {
  const releases: (() => void)[] = [];
  try {
    for (const [service, hold] of Object.entries(SERVICE_HOLDS)) releases.push(await holdServiceDirectory(serviceDataDir({ dataDir }, service as keyof typeof SERVICE_HOLDS), hold, { waitMs, onWaiting }));
    const kept = new Set(Object.values(holdFiles(HOLD_NAME)));
    const entries = await readdir(dataDir);
    await Promise.all(entries.filter((entry) => !kept.has(entry)).map((entry) => rm(join(dataDir, entry), { recursive: true, force: true })));
  } finally {
    for (const release of releases) release();
  }
}
