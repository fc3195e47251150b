import { createHash } from 'node:crypto';
import { type DecodedImage, fromDecoded } from './decode.ts';

/** SHA-256 of the original bytes, hex: finds exact duplicates. */
export function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * 64-bit difference hash (dHash), 16 hex digits: finds near-duplicates (re-encoded, resized,
 * lightly edited copies), compared by Hamming distance.
 *
 * Algorithm: the upright image, transparent areas on white, is reduced to 9x8 greyscale pixels
 * ignoring its aspect ratio. In each of the 8 rows, each of the 8 adjacent pairs gives one bit:
 * 1 when the left pixel is brighter than its right neighbour. Bits are taken row by row, left to
 * right, top row first, most significant bit first. Only brightness gradients count, so a different
 * compression, scale or colour balance barely changes the hash.
 */
export async function differenceHash(image: DecodedImage): Promise<string> {
  const grey = await fromDecoded(image)
    .flatten({ background: '#ffffff' })
    .greyscale()
    .resize(9, 8, { fit: 'fill' })
    .raw()
    .toBuffer();
  let hash = 0n;
  for (let row = 0; row < 8; row++) {
    for (let column = 0; column < 8; column++) {
      const left = grey[row * 9 + column] ?? 0;
      const right = grey[row * 9 + column + 1] ?? 0;
      hash = (hash << 1n) | (left > right ? 1n : 0n);
    }
  }
  return hash.toString(16).padStart(16, '0');
}
