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
export type LinkedImage = Pick<ImageDocument, 'id' | 'uploadedAt' | 'sequencer' | 'originalKey' | 'perceptualHash' | 'duplicateOf' | 'nearDuplicateOf'>;

export interface Pointers {
  duplicateOf: string | null;
  nearDuplicateOf: string | null;
}

/** One image's new pointers. */
export interface Repointing extends Pointers {
  image: LinkedImage;
}

export interface RepointingInput {
  deletedId: string;
  /** The owner's other images with the deleted image's bytes. */
  sameBytes: readonly LinkedImage[];
  /**
   * The new original among them: the earliest whose own upload is still stored (one whose upload
   * is gone is being deleted by its own event). Null when none is left.
   */
  original: LinkedImage | null;
  /** The new original's earliest earlier look-alike, the deleted image aside; null when none. */
  originalLookAlike: string | null;
  /** Images that were near-duplicates of the deleted one, each with its earliest earlier look-alike now. */
  nearCopies: readonly { image: LinkedImage; lookAlike: string | null }[];
}

/**
 * The images whose pointers change, with their new pointers; images already pointing where they
 * should are left out, so a second run over the same state (a redelivered event) returns nothing
 * new. Byte copies uploaded before the new original are left alone: they are the ones being
 * deleted.
 */
export function repointing({ deletedId, sameBytes, original, originalLookAlike, nearCopies }: RepointingInput): Repointing[] {
  if (original && !sameBytes.some((image) => image.id === original.id)) {
    throw new Error(`the new original ${original.id} is not one of the images with the deleted one's bytes`);
  }
  const wanted: Repointing[] = [];
  if (original) {
    wanted.push({ image: original, duplicateOf: null, nearDuplicateOf: originalLookAlike });
    for (const image of sameBytes) {
      if (uploadOrder(image, original) > 0) wanted.push({ image, duplicateOf: original.id, nearDuplicateOf: null });
    }
  }
  const sameBytesIds = new Set(sameBytes.map((image) => image.id));
  for (const { image, lookAlike } of nearCopies) {
    // An image with these bytes is a byte copy, decided above, never a near one.
    if (!sameBytesIds.has(image.id)) wanted.push({ image, duplicateOf: null, nearDuplicateOf: lookAlike });
  }
  // A look-up that failed to leave the deleted image out would orphan the copy again: refuse it loudly.
  const orphaned = wanted.find((change) => change.duplicateOf === deletedId || change.nearDuplicateOf === deletedId);
  if (orphaned) throw new Error(`image ${orphaned.image.id} would point at the deleted image ${deletedId}`);
  return wanted.filter(({ image, duplicateOf, nearDuplicateOf }) => (image.duplicateOf ?? null) !== duplicateOf || (image.nearDuplicateOf ?? null) !== nearDuplicateOf);
}
