import type { S3Client } from '@aws-sdk/client-s3';
import { metaKey, parseKey, PREFIX } from '../../../functions/shared/storage-keys.ts';
import type { Progress } from '../progress.ts';
import { listObjects } from './bucket-listing.ts';
import type { MessageQueue } from './message-queue.ts';

export interface ReconcileDeps {
  s3: S3Client;
  bucket: string;
  queue: MessageQueue;
  progress: Progress;
}

export interface ReconcileSummary {
  originals: number;
  missing: string[];
  enqueued: number;
}

/**
 * `imagegraph reconcile`: finds originals that have no metadata sidecar (their S3 event never
 * reached the queue, or was lost) and enqueues an ObjectCreated event for each. The sequencer is
 * the lowest possible, so any real event for the same object takes precedence over it.
 */
export async function reconcile({ s3, bucket, queue, progress }: ReconcileDeps, options: { dryRun: boolean }): Promise<ReconcileSummary> {
  const sidecars = new Set<string>();
  for await (const page of listObjects(s3, bucket, PREFIX.meta)) {
    for (const object of page) if (object.Key) sidecars.add(object.Key);
  }
  const summary: ReconcileSummary = { originals: 0, missing: [], enqueued: 0 };
  progress.start(0, 'reconcile');
  for await (const page of listObjects(s3, bucket, PREFIX.uploads)) {
    progress.grow(page.length);
    const bodies: string[] = [];
    for (const object of page) {
      const location = object.Key ? parseKey(object.Key) : null;
      if (!object.Key || !location || location.area !== 'uploads') continue;
      summary.originals += 1;
      if (sidecars.has(metaKey(location.ownerSub, location.imageId))) continue;
      summary.missing.push(object.Key);
      bodies.push(JSON.stringify(reconcileEvent(bucket, object.Key, object.ETag ?? '', object.Size ?? 0, object.LastModified ?? new Date())));
    }
    if (!options.dryRun) {
      await queue.send(bodies);
      summary.enqueued += bodies.length;
    }
    progress.advance(page.length);
  }
  progress.stop();
  return summary;
}

/** Shaped like S3's own notification, so the pipeline needs no second input format. */
function reconcileEvent(bucket: string, key: string, etag: string, size: number, lastModified: Date) {
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'imagegraph:reconcile',
        eventName: 'ObjectCreated:Put',
        eventTime: lastModified.toISOString(),
        s3: {
          bucket: { name: bucket },
          object: {
            key: encodeURIComponent(key).replace(/%2F/g, '/').replace(/%20/g, '+'),
            eTag: etag.replace(/"/g, ''),
            size,
            sequencer: '0',
          },
        },
      },
    ],
  };
}
