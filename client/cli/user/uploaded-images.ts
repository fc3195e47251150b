import type { ApolloClient } from '@apollo/client';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UploadedHashesDocument } from '../../src/generated/graphql.ts';

export const DEFAULT_UPLOAD_RECORD = '.imagegraph/uploads.json';

/**
 * Which file contents the user already has, so `upload` can skip them. The server is the source of
 * truth: every image that did not fail carries its sha256 once processed. An image still being
 * processed has no sha256 yet, so the CLI also records sha256 -> imageId for what it uploads and
 * trusts an entry only while the server still lists that image; deleted or failed ones upload again.
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
        if (image.sha256) byHash.set(image.sha256, image.id);
      }
      after = data.searchImages.pageInfo.hasNextPage ? data.searchImages.pageInfo.endCursor : null;
    } while (after);
    for (const [hash, imageId] of record.entries()) if (listed.has(imageId) && !byHash.has(hash)) byHash.set(hash, imageId);
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
}

/** The CLI's record of its own uploads, per user (`sub`), in `.imagegraph/uploads.json`. */
export function fileUploadRecord(userSub: string, file = DEFAULT_UPLOAD_RECORD): UploadRecord {
  const readAll = (): Record<string, Record<string, string>> =>
    existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, string>>) : {};
  return {
    entries: () => Object.entries(readAll()[userSub] ?? {}),
    add(sha256, imageId) {
      const all = readAll();
      all[userSub] = { ...all[userSub], [sha256]: imageId };
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, `${JSON.stringify(all, null, 2)}\n`);
    },
  };
}
