import type { ApolloClient } from '@apollo/client';
import { UploadedHashesDocument } from '../../src/generated/graphql.ts';
import { boundedLines } from './bounded-lines.ts';
import { appendPrivateFile, streamPrivateFile } from './private-file.ts';

export const DEFAULT_UPLOAD_RECORD = '.imagegraph/uploads.jsonl';

/** A line is about 160 bytes (a user's sub, a sha256 and an image id); longer ones are not read. */
export const MAX_RECORD_LINE_BYTES = 1024;

/**
 * Which file contents the user already has, so `upload` can skip them. The server is the source of
 * truth: every image that did not fail carries its sha256 once processed. An image still being
 * processed is not in the index at all yet, so the CLI also records sha256 -> imageId for what it
 * uploads and trusts an entry while the index has no document for that image; once it has one,
 * the server answers (failed and deleted images, whose tombstones stay, upload again).
 */
export class UploadedImages {
  private constructor(
    private readonly byHash: Map<string, string>,
    private readonly record: UploadRecord,
  ) {}

  static async load(client: ApolloClient, record: UploadRecord): Promise<UploadedImages> {
    const byHash = new Map<string, string>();
    const listed = new Set<string>();
    let after: string | null | undefined;
    do {
      const { data } = await client.query({ query: UploadedHashesDocument, variables: { after }, fetchPolicy: 'no-cache' });
      if (!data) throw new Error('searchImages returned no data');
      for (const image of data.searchImages.items) {
        listed.add(image.id);
        if (image.sha256 && (image.status === 'PROCESSED' || image.status === 'PROCESSING')) byHash.set(image.sha256, image.id);
      }
      after = data.searchImages.pageInfo.hasNextPage ? data.searchImages.pageInfo.endCursor : null;
    } while (after);
    // Entries for images still processing are kept; the server answers for the others.
    const stillProcessing = (await record.entries()).filter(([, imageId]) => !listed.has(imageId));
    await record.keep(stillProcessing);
    for (const [hash, imageId] of stillProcessing) byHash.set(hash, imageId);
    return new UploadedImages(byHash, record);
  }

  /** The image with these bytes, if the user has one. */
  find(sha256: string): string | undefined {
    return this.byHash.get(sha256);
  }

  add(sha256: string, imageId: string): void {
    this.byHash.set(sha256, imageId);
    this.record.add(sha256, imageId);
  }
}

export interface UploadRecord {
  entries(): Promise<[string, string][]>;
  add(sha256: string, imageId: string): void;
  /** Drops every entry but these. */
  keep(entries: [string, string][]): Promise<void>;
}

interface RecordLine {
  user: string;
  sha256: string;
  imageId: string;
}

/**
 * The CLI's record of its own uploads, per user (`sub`), in `.imagegraph/uploads.jsonl`: one JSON
 * line per upload, appended, so a run of n uploads writes n lines (rewriting a whole JSON file per
 * upload took 14 s for 3,000 and grew with the square). It is read line by line, each line at most
 * MAX_RECORD_LINE_BYTES, so a huge file is never held whole. A line that is no entry (cut short by
 * a crash or a full disk, edited) is skipped with a `warn`ing naming the file, and dropped by
 * `keep`: losing one only means that file, if it is still processing, may be uploaded again, and
 * processing marks such a copy `duplicateOf` its original once that is indexed (findFirstWithSha256).
 */
export function fileUploadRecord(userSub: string, { file = DEFAULT_UPLOAD_RECORD, warn }: { file?: string; warn: (message: string) => void }): UploadRecord {
  const line = (record: RecordLine) => `${JSON.stringify(record)}\n`;
  async function* entries(onUnreadable: (number: number) => void): AsyncGenerator<RecordLine> {
    for await (const { number, text } of boundedLines(file, MAX_RECORD_LINE_BYTES)) {
      const entry = text === null ? null : recordLine(text);
      if (entry) yield entry;
      else if (text !== '') onUnreadable(number);
    }
  }
  return {
    async entries() {
      const unreadable: number[] = [];
      const mine: [string, string][] = [];
      for await (const { user, sha256, imageId } of entries((number) => unreadable.push(number))) if (user === userSub) mine.push([sha256, imageId]);
      if (unreadable.length > 0) warn(unreadableLines(file, unreadable));
      return mine;
    },
    add: (sha256, imageId) => appendPrivateFile(file, line({ user: userSub, sha256, imageId })),
    // A line another process appends meanwhile may be lost: it only saves that image's re-upload.
    keep: (kept) =>
      streamPrivateFile(
        file,
        (async function* () {
          for await (const entry of entries(() => {})) if (entry.user !== userSub) yield line(entry);
          for (const [sha256, imageId] of kept) yield line({ user: userSub, sha256, imageId });
        })(),
      ),
  };
}

function unreadableLines(file: string, numbers: number[]): string {
  const shown = numbers.slice(0, 5).join(', ') + (numbers.length > 5 ? ', ...' : '');
  const lines = numbers.length === 1 ? `1 unreadable line (line ${shown})` : `${numbers.length} unreadable lines (lines ${shown})`;
  return `skipped ${lines} of the upload record ${file}, cut short or edited; the files they named may be uploaded again.`;
}

function recordLine(line: string): RecordLine | null {
  try {
    const { user, sha256, imageId } = JSON.parse(line) as Partial<RecordLine>;
    return typeof user === 'string' && typeof sha256 === 'string' && typeof imageId === 'string' ? { user, sha256, imageId } : null;
  } catch {
    return null;
  }
}
