import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImageDocument } from '../../../resolvers/lib/imageDocument.ts';
import { metaKey, uploadKey } from '../../../functions/shared/storage-keys.ts';
import { startLocalS3, type LocalS3 } from '../../../functions/shared/testing/local-s3.ts';
import { MemoryImageIndex } from '../../../functions/process-image/testing/memory-image-index.ts';
import { objectEventsOf } from '../../../functions/process-image/s3-events.ts';
import { silentProgress } from '../progress.ts';
import type { MessageQueue, QueuedMessage } from './message-queue.ts';
import { reconcile } from './reconcile.ts';
import { redrive } from './redrive.ts';
import { reindex } from './reindex.ts';

const OWNER = '0a1b2c3d-1111-4111-8111-aaaaaaaaaaaa';

/** An in-memory queue for these unit tests (the local SQS of the local cloud replaces it end to end). */
function memoryQueue(initial: string[] = []): MessageQueue & { bodies: string[]; deleted: string[] } {
  let next = 0;
  const inFlight = new Map<string, string>();
  const queue = {
    bodies: [...initial],
    deleted: [] as string[],
    approximateCount: () => Promise.resolve(queue.bodies.length),
    send: (bodies: string[]) => {
      queue.bodies.push(...bodies);
      return Promise.resolve();
    },
    receive: (max: number): Promise<QueuedMessage[]> => {
      const taken = queue.bodies.splice(0, max);
      return Promise.resolve(
        taken.map((body) => {
          next += 1;
          inFlight.set(`r${next}`, body);
          return { body, receiptHandle: `r${next}` };
        }),
      );
    },
    delete: (handles: string[]) => {
      for (const handle of handles) {
        if (!inFlight.delete(handle)) return Promise.reject(new Error(`unknown receipt ${handle}`));
        queue.deleted.push(handle);
      }
      return Promise.resolve();
    },
  };
  return queue;
}

let s3: LocalS3;
beforeAll(async () => {
  s3 = await startLocalS3();
});
afterAll(() => s3.close());

async function put(key: string, body: string): Promise<void> {
  await s3.s3.send(new PutObjectCommand({ Bucket: s3.config.bucket, Key: key, Body: body }));
}

function sidecar(id: string, ownerSub = OWNER) {
  const document = { id, ownerSub, status: 'PROCESSED', sequencer: '01', etag: 'e' } as unknown as ImageDocument;
  return JSON.stringify({ schemaVersion: 1, document, rejection: null, visionSkipped: null, processedAt: 'x', publishedAt: 'y' });
}

describe('reindex', () => {
  it('writes every sidecar’s document and reports what it could not', async () => {
    await put(metaKey(OWNER, 'R1'), sidecar('R1'));
    await put(metaKey(OWNER, 'R2'), sidecar('R2'));
    await put(metaKey(OWNER, 'R3'), sidecar('R3', ''));
    await put(metaKey(OWNER, 'R4'), '{ not json');
    const index = new MemoryImageIndex();
    const summary = await reindex({ s3: s3.s3, bucket: s3.config.bucket, index, progress: silentProgress });
    expect(index.created).toBe(true);
    expect([...index.documents.keys()].sort()).toEqual(['R1', 'R2']);
    expect(summary).toEqual({
      sidecars: 4,
      written: 2,
      failed: [{ id: 'R3', reason: 'ownerSub is required' }],
      unreadable: [{ key: metaKey(OWNER, 'R4'), reason: expect.any(String) }],
    });
  });

  it('--recreate starts from an empty index: documents without a sidecar are gone', async () => {
    await put(metaKey(OWNER, 'R5'), sidecar('R5'));
    const index = new MemoryImageIndex();
    await index.put({ id: 'stale', ownerSub: OWNER, sequencer: '01' } as unknown as ImageDocument);
    await reindex({ s3: s3.s3, bucket: s3.config.bucket, index, progress: silentProgress, recreate: true });
    expect(index.documents.has('stale')).toBe(false);
    expect(index.documents.has('R5')).toBe(true);
  });
});

describe('reconcile', () => {
  it('queues an ObjectCreated event for each original without a sidecar, and only those', async () => {
    await put(uploadKey(OWNER, 'C1', 'done.jpg'), 'x');
    await put(metaKey(OWNER, 'C1'), sidecar('C1'));
    await put(uploadKey(OWNER, 'C2', 'my photo+1.jpg'), 'yy');
    const queue = memoryQueue();
    const dry = await reconcile({ s3: s3.s3, bucket: s3.config.bucket, queue, progress: silentProgress }, { dryRun: true });
    expect(dry.missing).toEqual([uploadKey(OWNER, 'C2', 'my photo+1.jpg')]);
    expect(queue.bodies).toEqual([]);

    const summary = await reconcile({ s3: s3.s3, bucket: s3.config.bucket, queue, progress: silentProgress }, { dryRun: false });
    expect(summary).toEqual(expect.objectContaining({ originals: 2, enqueued: 1 }));
    // The pipeline's own parser reads it back to the original key and the real ETag and size.
    expect(objectEventsOf(queue.bodies[0] ?? '')).toEqual([
      expect.objectContaining({ kind: 'created', key: uploadKey(OWNER, 'C2', 'my photo+1.jpg'), size: 2, sequencer: '0', etag: expect.stringMatching(/^[0-9a-f]{32}$/) }),
    ]);
  });
});

describe('redrive', () => {
  it('moves every dead letter back, sending before deleting', async () => {
    const deadLetters = memoryQueue(Array.from({ length: 23 }, (_, i) => `message ${i}`));
    const queue = memoryQueue();
    expect(await redrive(deadLetters, queue, silentProgress)).toEqual({ moved: 23 });
    expect(queue.bodies).toEqual(Array.from({ length: 23 }, (_, i) => `message ${i}`));
    expect(deadLetters.bodies).toEqual([]);
    expect(deadLetters.deleted).toHaveLength(23);
  });

  it('keeps the dead letters when sending fails', async () => {
    const deadLetters = memoryQueue(['a', 'b']);
    const broken = { ...memoryQueue(), send: () => Promise.reject(new Error('queue unavailable')) };
    await expect(redrive(deadLetters, broken, silentProgress)).rejects.toThrow('queue unavailable');
    expect(deadLetters.deleted).toEqual([]);
  });
});
