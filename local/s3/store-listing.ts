/**
 * One page of a bucket listing (ListObjects, ListObjectsV2) read from the store's directories
 * (pure but for the injected reader; store-layout.ts gives it the file system).
 *
 * S3 lists in UTF-8 byte order (ListObjectsV2: "returned in UTF-8 binary order"). The walk visits
 * only what the page needs, as s3rver's own walk did and better:
 * - it goes best-first: every directory is a range of keys that all start with its
 *   `keyPrefixOfDirectory` (store-keys.ts), so objects and directories wait in one heap ordered by
 *   that prefix, and the walk stops once the page is full and the next entry is known (truncation);
 *   a directory is read only when its prefix comes up. (Directory names do not sort like the keys
 *   below them: `a` holds `a/…`, which sorts after `a-c`; a long segment's pieces `~+…` hold
 *   whole sibling ranges. The prefixes, which the mapping proves, order them right.)
 * - a directory outside the prefix, or whose keys all sort at or before start-after (its key
 *   prefix sorts before start-after and is not a prefix of it), is never read.
 * - with a delimiter, a directory whose key prefix already holds the delimiter after the request's
 *   prefix rolls up into one common prefix: it is read only to learn whether it holds an object,
 *   stopping at the first, and not at all when that common prefix was already listed.
 *
 * What S3 counts, and where the next page starts: every object and every common prefix counts as
 * one toward max-keys ("Each rolled-up result counts as only one return against the MaxKeys
 * value", ListObjectsV2's Delimiter), and an entry, object or common prefix, is listed when it
 * sorts after start-after (the continuation), so a page may end with a common prefix and the next
 * page starts after it (ListObjects' NextMarker is then the common prefix, versitygw issue 1280 as
 * measured against AWS; moto pages the same way).
 */
import { keyOfStoredNames, keyPrefixOfDirectory } from './store-keys.ts';

/** A directory's entry as the listing sees it: a directory, or an object by its base name (s3rver's suffixes removed); other files are left out by the reader. */
export interface StoreEntry {
  name: string;
  kind: 'directory' | 'object';
}
/** The entries of the directory the store names `names` (below the bucket's), [] when there is none. */
export type ReadStoreDirectory = (names: readonly string[]) => Promise<StoreEntry[]>;

export interface ListOptions {
  prefix?: string;
  delimiter?: string;
  startAfter?: string;
  maxKeys?: number;
}

export interface ListPage {
  keys: string[];
  commonPrefixes: string[];
  isTruncated: boolean;
  /** The page's last entry, object or common prefix: where the next page starts (NextMarker, the continuation token). */
  lastEntry: string | undefined;
}

/**
 * What waits in the walk's heap, by `bytes` (the UTF-8 of `entry`): an entry known to exist (an
 * object's key or the common prefix it rolls up into), a directory to read (its key prefix), or a
 * directory that rolls up into the common prefix `entry` if it holds any object.
 */
type Pending =
  | { kind: 'key' | 'commonPrefix'; entry: string; bytes: Buffer }
  | { kind: 'directory' | 'rolledUpDirectory'; entry: string; bytes: Buffer; names: string[] };

export async function listPage(read: ReadStoreDirectory, options: ListOptions): Promise<ListPage> {
  const { prefix = '', delimiter = '', startAfter = '', maxKeys = Infinity } = options;
  const after = Buffer.from(startAfter, 'utf8');
  const isListed = (bytes: Buffer) => Buffer.compare(bytes, after) > 0;
  /** The common prefix `text` rolls up into (text starts with `prefix`), or null. */
  const rolledUp = (text: string) => {
    const at = delimiter ? text.indexOf(delimiter, prefix.length) : -1;
    return at < 0 ? null : text.slice(0, at + delimiter.length);
  };

  const heap = new MinHeap<Pending>(comparePending);
  const classify = (names: readonly string[], entry: StoreEntry) => {
    const below = [...names, entry.name];
    if (entry.kind === 'object') {
      const key = keyOfStoredNames(below);
      if (key === null || !key.startsWith(prefix)) return;
      const commonPrefix = rolledUp(key);
      const listed = commonPrefix ?? key;
      const bytes = Buffer.from(listed, 'utf8');
      if (isListed(bytes)) heap.push({ kind: commonPrefix === null ? 'key' : 'commonPrefix', entry: listed, bytes });
      return;
    }
    // s3rver's own directories (multipart uploads): a key's segment never starts so (store-keys.ts).
    if (entry.name.startsWith('._S3rver_')) return;
    const start = keyPrefixOfDirectory(below);
    if (!(start.startsWith(prefix) || prefix.startsWith(start))) return;
    const commonPrefix = start.length >= prefix.length ? rolledUp(start) : null;
    if (commonPrefix !== null) {
      const bytes = Buffer.from(commonPrefix, 'utf8');
      if (isListed(bytes)) heap.push({ kind: 'rolledUpDirectory', entry: commonPrefix, bytes, names: below });
      return;
    }
    const bytes = Buffer.from(start, 'utf8');
    // Every key below starts with `start`: all sort at or before start-after when `start` does
    // and is not a prefix of start-after.
    const allBefore = Buffer.compare(bytes, after) < 0 && !after.subarray(0, bytes.length).equals(bytes);
    if (!allBefore) heap.push({ kind: 'directory', entry: start, bytes, names: below });
  };
  const holdsObject = async (names: readonly string[]): Promise<boolean> => {
    const entries = await read(names);
    if (entries.some((entry) => entry.kind === 'object' && keyOfStoredNames([...names, entry.name]) !== null)) return true;
    for (const entry of entries) {
      if (entry.kind === 'directory' && (await holdsObject([...names, entry.name]))) return true;
    }
    return false;
  };

  const page: ListPage = { keys: [], commonPrefixes: [], isTruncated: false, lastEntry: undefined };
  let listed = 0;
  for (const entry of await read([])) classify([], entry);
  for (let next = heap.pop(); next !== undefined; next = heap.pop()) {
    if (next.kind === 'directory') {
      for (const entry of await read(next.names)) classify(next.names, entry);
      continue;
    }
    if (next.kind !== 'key' && next.entry === page.lastEntry) continue;
    if (next.kind === 'rolledUpDirectory' && !(await holdsObject(next.names))) continue;
    if (listed >= maxKeys) {
      page.isTruncated = true;
      break;
    }
    (next.kind === 'key' ? page.keys : page.commonPrefixes).push(next.entry);
    page.lastEntry = next.entry;
    listed += 1;
  }
  return page;
}

/** By UTF-8 bytes; of equal ones, entries known to exist first, so a directory is not read for a common prefix already listed. */
function comparePending(a: Pending, b: Pending): number {
  return Buffer.compare(a.bytes, b.bytes) || Number(a.kind === 'directory' || a.kind === 'rolledUpDirectory') - Number(b.kind === 'directory' || b.kind === 'rolledUpDirectory');
}

/** A binary min-heap. */
class MinHeap<T> {
  private readonly items: T[] = [];
  constructor(private readonly compare: (a: T, b: T) => number) {}

  push(item: T): void {
    const { items, compare } = this;
    items.push(item);
    for (let at = items.length - 1; at > 0; ) {
      const parent = (at - 1) >> 1;
      if (compare(items[at] as T, items[parent] as T) >= 0) break;
      [items[at], items[parent]] = [items[parent] as T, items[at] as T];
      at = parent;
    }
  }

  pop(): T | undefined {
    const { items, compare } = this;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    items[0] = last;
    for (let at = 0; ; ) {
      const left = 2 * at + 1;
      const right = left + 1;
      let smallest = at;
      if (left < items.length && compare(items[left] as T, items[smallest] as T) < 0) smallest = left;
      if (right < items.length && compare(items[right] as T, items[smallest] as T) < 0) smallest = right;
      if (smallest === at) break;
      [items[at], items[smallest]] = [items[smallest] as T, items[at] as T];
      at = smallest;
    }
    return top;
  }
}
