import type { ImageDocument } from '../../../resolvers/lib/imageDocument.ts';
import { deletedDocument, uploadOrder } from '../image-document.ts';
import { NEAR_DUPLICATE_MAX_DISTANCE, hammingDistance } from '../near-duplicates.ts';
import type { LinkedImage } from '../copy-pointers.ts';
import type { ImageIndex, LinkField, UploadedImage } from '../image-index.ts';
import { compareSequencers } from '../s3-events.ts';

/**
 * An in-memory stand-in for ImageIndex in pipeline tests, with the same ordering rule: a document
 * from an older S3 event never replaces one from a newer event. (The real index is tested against
 * OpenSearch's HTTP API in image-index.test.ts.)
 */
export class MemoryImageIndex
  implements
    Pick<
      ImageIndex,
      'ensureIndex' | 'recreateIndex' | 'put' | 'markDeleted' | 'get' | 'findFirstWithSha256' | 'findNearDuplicate' | 'bulkPut' | 'refresh' | 'findLinkedImages'
    >
{
  readonly documents = new Map<string, ImageDocument>();
  writes = 0;
  refreshes = 0;
  created = false;

  /** Always searchable at once; counted, for tests that the pipeline asks before it searches. */
  refresh(): Promise<void> {
    this.refreshes += 1;
    return Promise.resolve();
  }

  ensureIndex(): Promise<void> {
    this.created = true;
    return Promise.resolve();
  }

  recreateIndex(): Promise<void> {
    this.documents.clear();
    return this.ensureIndex();
  }

  /** Refuses documents without an owner, as a strict mapping would refuse malformed ones. */
  bulkPut(docs: ImageDocument[]): Promise<{ written: number; failed: { id: string; reason: string }[] }> {
    const failed = docs.filter((doc) => !doc.ownerSub).map((doc) => ({ id: doc.id, reason: 'ownerSub is required' }));
    const valid = docs.filter((doc) => doc.ownerSub);
    for (const doc of valid) this.documents.set(doc.id, structuredClone(doc));
    this.writes += valid.length;
    return Promise.resolve({ written: valid.length, failed });
  }

  put(doc: ImageDocument): Promise<'written' | 'stale'> {
    const stored = this.documents.get(doc.id);
    if (stored && compareSequencers(stored.sequencer, doc.sequencer) > 0) return Promise.resolve('stale');
    this.documents.set(doc.id, structuredClone(doc));
    this.writes += 1;
    return Promise.resolve('written');
  }

  markDeleted(ownerSub: string, imageId: string, sequencer: string): Promise<'written' | 'stale'> {
    return this.put(deletedDocument(ownerSub, imageId, sequencer));
  }

  get(imageId: string): Promise<ImageDocument | null> {
    return Promise.resolve(this.documents.get(imageId) ?? null);
  }

  findFirstWithSha256(ownerSub: string, sha256: string, image: UploadedImage, excluded: readonly string[] = []): Promise<string | null> {
    const matches = [...this.documents.values()]
      .filter(
        (doc) =>
          doc.ownerSub === ownerSub &&
          !excluded.includes(doc.id) &&
          doc.sha256 === sha256 &&
          doc.id !== image.id &&
          doc.status !== 'DELETED' &&
          uploadOrder(doc, image) < 0,
      )
      .sort(uploadOrder);
    return Promise.resolve(matches[0]?.id ?? null);
  }

  /** The same rule as ImageIndex's k-NN query, by scanning: strictly earlier, within the threshold. */
  findNearDuplicate(ownerSub: string, perceptualHash: string, image: UploadedImage, excluded: readonly string[] = []): Promise<string | null> {
    const matches = [...this.documents.values()]
      .filter(
        (doc) =>
          doc.ownerSub === ownerSub &&
          !excluded.includes(doc.id) &&
          doc.perceptualHash &&
          doc.status !== 'DELETED' &&
          hammingDistance(doc.perceptualHash, perceptualHash) <= NEAR_DUPLICATE_MAX_DISTANCE &&
          uploadOrder(doc, image) < 0,
      )
      .sort(uploadOrder);
    return Promise.resolve(matches[0]?.id ?? null);
  }

  findLinkedImages(ownerSub: string, field: LinkField, value: string, exceptId: string, limit: number): Promise<{ images: LinkedImage[]; more: boolean }> {
    const matches = [...this.documents.values()]
      .filter((doc) => doc.ownerSub === ownerSub && doc[field] === value && doc.id !== exceptId && doc.status !== 'DELETED')
      .sort(uploadOrder)
      .map((doc) => structuredClone(doc));
    return Promise.resolve({ images: matches.slice(0, limit), more: matches.length > limit });
  }
}
