import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ImageDocument } from '../../../resolvers/lib/imageDocument.ts';
import type { ImageIndex } from '../../../functions/process-image/image-index.ts';
import type { ImageSidecar } from '../../../functions/process-image/sidecar.ts';
import { PREFIX } from '../../../functions/shared/storage-keys.ts';
import type { Progress } from '../progress.ts';
import { listObjects } from './bucket-listing.ts';

export interface ReindexDeps {
  s3: S3Client;
  bucket: string;
  index: Pick<ImageIndex, 'ensureIndex' | 'recreateIndex' | 'bulkPut'>;
  progress: Progress;
  /** Delete the index and create it with the current mapping first (settings or field types changed). */
  recreate?: boolean;
}

export interface ReindexSummary {
  sidecars: number;
  written: number;
  failed: { id: string; reason: string }[];
  unreadable: { key: string; reason: string }[];
}

const BATCH = 100;

/**
 * `imagegraph reindex`: rebuilds the search index from the metadata sidecars alone, so an index
 * can be recreated (new mapping, new domain, local reset) without calling Rekognition again.
 */
export async function reindex({ s3, bucket, index, progress, recreate = false }: ReindexDeps): Promise<ReindexSummary> {
  await (recreate ? index.recreateIndex() : index.ensureIndex());
  const summary: ReindexSummary = { sidecars: 0, written: 0, failed: [], unreadable: [] };
  progress.start(0, 'reindex');
  for await (const page of listObjects(s3, bucket, PREFIX.meta)) {
    progress.grow(page.length);
    const documents: ImageDocument[] = [];
    for (const object of page) {
      const key = object.Key ?? '';
      try {
        const body = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        documents.push((JSON.parse(await body.Body!.transformToString('utf8')) as ImageSidecar).document);
      } catch (error) {
        summary.unreadable.push({ key, reason: (error as Error).message });
        progress.advance();
      }
    }
    summary.sidecars += page.length;
    for (let start = 0; start < documents.length; start += BATCH) {
      const batch = documents.slice(start, start + BATCH);
      const result = await index.bulkPut(batch);
      summary.written += result.written;
      summary.failed.push(...result.failed);
      progress.advance(batch.length);
    }
  }
  progress.stop();
  return summary;
}
