import type { ApolloClient } from '@apollo/client';
import { existsSync, readFileSync } from 'node:fs';
import { UploadedHashesDocument } from '../../src/generated/graphql.ts';
import { appendPrivateFile, writePrivateFile } from './private-file.ts';

export const DEFAULT_UPLOAD_RECORD = '.imagegraph/uploads.jsonl';

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
    const stillProcessing = record.entries().filter(([, imageId]) => !listed.has(imageId));
    record.keep(stillProcessing);
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
  entries(): [string, string][];
  add(sha256: string, imageId: string): void;
  /** Drops every entry but these. */
  keep(entries: [string, string][]): void;
}

interface RecordLine {
  user: string;
  sha256: string;
  imageId: string;
}

/**
 * The CLI's record of its own uploads, per user (`sub`), in `.imagegraph/uploads.jsonl`: one JSON
 * line per upload, appended, so a run of n uploads writes n lines (rewriting a whole JSON file per
 * upload took 14 s for 3,000 and grew with the square), and a line cut short by a crash is skipped.
 */
export function fileUploadRecord(userSub: string, file = DEFAULT_UPLOAD_RECORD): UploadRecord {
  const lines = (): RecordLine[] => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').flatMap(recordLine) : []);
  const text = (records: RecordLine[]) => records.map((record) => `${JSON.stringify(record)}\n`).join('');
  return {
    entries: () => lines().flatMap(({ user, sha256, imageId }): [string, string][] => (user === userSub ? [[sha256, imageId]] : [])),
    add: (sha256, imageId) => appendPrivateFile(file, text([{ user: userSub, sha256, imageId }])),
    // A line another process appends meanwhile may be lost: it only saves that image's re-upload.
    keep: (entries) =>
      writePrivateFile(file, text([...lines().filter(({ user }) => user !== userSub), ...entries.map(([sha256, imageId]) => ({ user: userSub, sha256, imageId }))])),
  };
}

function recordLine(line: string): RecordLine[] {
  try {
    const { user, sha256, imageId } = JSON.parse(line) as Partial<RecordLine>;
    return typeof user === 'string' && typeof sha256 === 'string' && typeof imageId === 'string' ? [{ user, sha256, imageId }] : [];
  } catch {
    return [];
  }
}
