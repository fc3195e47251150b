/**
 * One process per service data directory, for the services that run in processes of their own:
 * the S3 store (s3/store-lock.ts), the search engine and the SQS (child-service.ts); `--reset`
 * takes them all before it empties the data directory (cloud-lock.ts). Each outlives
 * the cloud that started it by a moment after a `kill -9` (it finishes or closes what it was
 * doing, and notices only once its event loop is free), and a start on the same directory
 * meanwhile must not open the files it still writes. So a service's process holds its directory
 * before it opens anything, waits for the previous run's process to let go, saying so once with
 * its pid, and fails naming it when that process keeps it past the wait (it is not stopping).
 *
 * The hold is directory-lock.ts's (an SQLite EXCLUSIVE lock the system releases when the process
 * ends, `kill -9` included): nothing goes stale, and a start after a crash never waits.
 */
import { holdDirectory } from './directory-lock.ts';

/** Which service holds a directory: its hold's name, and how messages call it and its process. */
export interface ServiceHold {
  /** The hold's files in the directory (directory-lock.ts's holdFiles). */
  name: string;
  /** e.g. 'local search engine'. */
  process: string;
  /** e.g. 'local search engine data directory'. */
  directory: string;
}

export interface ServiceHoldOptions {
  /** How long to wait for the previous run's process to let the directory go before failing. */
  waitMs: number;
  /** Told once, with a line for the developer, when the previous run's process holds the directory. */
  onWaiting: (line: string) => void;
}

/** Each service's hold, in its directory (config.ts's serviceDataDir). */
export const SERVICE_HOLDS = {
  search: { name: 'search-lock', process: 'local search engine', directory: 'local search engine data directory' },
  sqs: { name: 'sqs-lock', process: 'local SQS', directory: 'local SQS data directory' },
  s3: { name: 'store-lock', process: 'local S3 store', directory: 'local S3 data directory' },
} as const satisfies Record<string, ServiceHold>;

/**
 * Holds `dir` until this process ends or calls the returned release, waiting up to `waitMs` for
 * the previous run's process; rejects, naming it, if it still holds it.
 */
export async function holdServiceDirectory(dir: string, service: ServiceHold, { waitMs, onWaiting }: ServiceHoldOptions): Promise<() => void> {
  const previous = (holder: number | undefined) => `the previous ${service.process}${holder === undefined ? '' : ` (pid ${holder})`}`;
  const hold = await holdDirectory(dir, service.name, { waitMs, onWaiting: (holder) => onWaiting(`waiting for ${previous(holder)} to finish with ${dir}`) });
  if (!hold.held) {
    throw new Error(
      `The ${service.directory} ${dir} is still held by ${previous(hold.holder)} after ${waitMs} ms; stop that process${hold.holder === undefined ? '' : ` (kill ${hold.holder})`} and start again.`,
    );
  }
  return hold.release;
}
