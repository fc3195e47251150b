import { describe, expect, it } from 'vitest';
import { byteCopyPointers, type LinkedImage, nearCopiesOnly, nearCopyPointers, type Repointing } from './copy-pointers.ts';
import { uploadOrder } from './image-document.ts';

const A = 'A-deleted';

function image(id: string, second: number, pointers: Partial<Pick<LinkedImage, 'duplicateOf' | 'nearDuplicateOf'>> = {}): LinkedImage {
  return {
    id,
    uploadedAt: `2026-01-01T00:00:${String(second).padStart(2, '0')}.000Z`,
    sequencer: `00${second}`,
    originalKey: `uploads/o/${id}/p.jpg`,
    perceptualHash: 'f0f0f0f0f0f0f0f0',
    duplicateOf: pointers.duplicateOf ?? null,
    nearDuplicateOf: pointers.nearDuplicateOf ?? null,
  };
}

const changes = (result: Repointing[]) => result.map(({ image: { id }, duplicateOf, nearDuplicateOf }) => ({ id, duplicateOf, nearDuplicateOf }));

describe('uploadOrder', () => {
  it('orders by upload time, then by id, as findFirstWithSha256 sorts', () => {
    const sorted = [image('c', 2), image('b', 1), image('a', 2)].sort(uploadOrder).map((each) => each.id);
    expect(sorted).toEqual(['b', 'a', 'c']);
    expect(uploadOrder(image('a', 1), image('a', 1))).toBe(0);
  });
});

describe('byteCopyPointers and nearCopyPointers', () => {
  const B = image('B', 2, { duplicateOf: A });
  const C = image('C', 3, { duplicateOf: A });
  const D = image('D', 4, { nearDuplicateOf: A });

  it('makes the earliest byte copy the original (first), points the others at it, and a near copy at its look-alike', () => {
    expect(changes(byteCopyPointers({ deletedId: A, sameBytes: [B, C], original: B, originalLookAlike: null }))).toEqual([
      { id: 'B', duplicateOf: null, nearDuplicateOf: null },
      { id: 'C', duplicateOf: 'B', nearDuplicateOf: null },
    ]);
    expect(changes([nearCopyPointers(A, D, 'B')!])).toEqual([{ id: 'D', duplicateOf: null, nearDuplicateOf: 'B' }]);
  });

  it('gives the new original an earlier look-alike, as `created` would have', () => {
    const result = byteCopyPointers({ deletedId: A, sameBytes: [B], original: B, originalLookAlike: 'P-earlier' });
    expect(changes(result)).toEqual([{ id: 'B', duplicateOf: null, nearDuplicateOf: 'P-earlier' }]);
  });

  it('clears a near copy that has no earlier look-alike left: it becomes an original', () => {
    expect(nearCopyPointers(A, D, null)).toEqual({ image: D, duplicateOf: null, nearDuplicateOf: null });
  });

  it('returns nothing when everything already points where it should (a redelivered removal)', () => {
    const done = [image('B', 2), image('C', 3, { duplicateOf: 'B' })];
    expect(byteCopyPointers({ deletedId: A, sameBytes: done, original: done[0]!, originalLookAlike: null })).toEqual([]);
    expect(nearCopyPointers(A, image('D', 4, { nearDuplicateOf: 'B' }), 'B')).toBeNull();
  });

  it('finishes a half-done run: only what still points at the deleted image is written', () => {
    const half = [image('B', 2), C];
    expect(changes(byteCopyPointers({ deletedId: A, sameBytes: half, original: half[0]!, originalLookAlike: null }))).toEqual([
      { id: 'C', duplicateOf: 'B', nearDuplicateOf: null },
    ]);
  });

  it('leaves byte copies uploaded before the new original alone: they are being deleted themselves', () => {
    const gone = image('B', 2, { duplicateOf: A });
    const result = byteCopyPointers({ deletedId: A, sameBytes: [gone, C, image('E', 5, { duplicateOf: A })], original: C, originalLookAlike: null });
    expect(changes(result)).toEqual([
      { id: 'C', duplicateOf: null, nearDuplicateOf: null },
      { id: 'E', duplicateOf: 'C', nearDuplicateOf: null },
    ]);
  });

  it('treats an image with the same bytes as a byte copy even when it was listed as a near copy', () => {
    expect(nearCopiesOnly([C, D], [B, C]).map((each) => each.id)).toEqual(['D']);
  });

  it('leaves every byte copy pointing at the deleted image when none is left to be the original', () => {
    expect(byteCopyPointers({ deletedId: A, sameBytes: [B], original: null, originalLookAlike: null })).toEqual([]);
  });

  it('refuses to point anything at the deleted image, or to pick an original from elsewhere', () => {
    expect(() => byteCopyPointers({ deletedId: A, sameBytes: [B], original: B, originalLookAlike: A })).toThrow('image B would point at the deleted image A-deleted');
    expect(() => nearCopyPointers(A, D, A)).toThrow(/image D would point/);
    expect(() => byteCopyPointers({ deletedId: A, sameBytes: [C], original: B, originalLookAlike: null })).toThrow(/not one of the images/);
  });
});
