/**
 * Where the copies of a deleted image point next: pure decisions, so that deleting an original
 * neither hides its copies (`hideDuplicates`) nor leaves them pointing at an id that answers
 * NotFound. repoint-copies.ts reads what these decide on and writes what they return.
 *
 * The rule is the one `created` follows for a new upload, applied as if the deleted image had
 * never been there: an image's `duplicateOf` is the owner's earliest (by uploadedAt, then id) other
 * image with its bytes, and only an image without one gets a `nearDuplicateOf`: the earliest
 * earlier look-alike (findNearDuplicate's rule), if any.
 */
import type { ImageDocument } from '../../resolvers/lib/imageDocument.ts';
import { uploadOrder } from './image-document.ts';

/** An image whose pointers may change, as the index lists it. */
export type LinkedImage = Pick<ImageDocument, 'id' | 'uploadedAt' | 'sequencer' | 'originalKey' | 'sha256' | 'perceptualHash' | 'duplicateOf' | 'nearDuplicateOf'>;

export interface Pointers {
  duplicateOf: string | null;
  nearDuplicateOf: string | null;
}

/** One image's new pointers. */
export interface Repointing extends Pointers {
  image: LinkedImage;
}

export interface ByteCopiesInput {
  deletedId: string;
  /** The owner's other images with the deleted image's bytes, in upload order. */
  sameBytes: readonly LinkedImage[];
  /**
   * The new original among them: the earliest whose own upload is still stored (one whose upload
   * is gone is being deleted by its own event). Null when none is left.
   */
  original: LinkedImage | null;
  /** The new original's earliest earlier look-alike, the deleted image aside; null when none. */
  originalLookAlike: string | null;
}

/**
 * The byte copies whose pointers change, with their new pointers: the new original first (so it is
 * among the first rewrites of a delivery), then the copies after it. Images already pointing where
 * they should are left out, so a second run over the same state (a redelivered event) returns
 * nothing new. Byte copies uploaded before the new original are left alone: they are the ones
 * being deleted.
 */
export function byteCopyPointers({ deletedId, sameBytes, original, originalLookAlike }: ByteCopiesInput): Repointing[] {
  if (!original) return [];
  if (!sameBytes.some((image) => image.id === original.id)) {
    throw new Error(`the new original ${original.id} is not one of the images with the deleted one's bytes`);
  }
  const wanted: Repointing[] = [{ image: original, duplicateOf: null, nearDuplicateOf: originalLookAlike }];
  for (const image of sameBytes) {
    if (uploadOrder(image, original) > 0) wanted.push({ image, duplicateOf: original.id, nearDuplicateOf: null });
  }
  return changed(deletedId, wanted);
}

/**
 * The near copies decided one by one (nearCopyPointers): those that are not byte copies. An image
 * with the deleted image's bytes is a byte copy, decided by byteCopyPointers, never a near one.
 */
export function nearCopiesOnly(nearCopies: readonly LinkedImage[], sameBytes: readonly LinkedImage[]): LinkedImage[] {
  const sameBytesIds = new Set(sameBytes.map((image) => image.id));
  return nearCopies.filter((image) => !sameBytesIds.has(image.id));
}

/**
 * A near copy's new pointers: its earliest earlier look-alike left (`lookAlike`), or none; null
 * when it already points there.
 */
export function nearCopyPointers(deletedId: string, image: LinkedImage, lookAlike: string | null): Repointing | null {
  return changed(deletedId, [{ image, duplicateOf: null, nearDuplicateOf: lookAlike }])[0] ?? null;
}

/** The wanted pointers that differ from the image's own, refusing any that still name the deleted image. */
function changed(deletedId: string, wanted: Repointing[]): Repointing[] {
  // A look-up that failed to leave the deleted image out would orphan the copy again: refuse it loudly.
  const orphaned = wanted.find((change) => change.duplicateOf === deletedId || change.nearDuplicateOf === deletedId);
  if (orphaned) throw new Error(`image ${orphaned.image.id} would point at the deleted image ${deletedId}`);
  return wanted.filter(({ image, duplicateOf, nearDuplicateOf }) => (image.duplicateOf ?? null) !== duplicateOf || (image.nearDuplicateOf ?? null) !== nearDuplicateOf);
}
