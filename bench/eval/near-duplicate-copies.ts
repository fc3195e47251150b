/**
 * The copies people upload of a photo they already have, made from its bytes (sharp), and the
 * measures that calibrate the near-duplicate threshold on them: the Hamming distance of each copy's
 * perceptual hash to its original's, and of every pair of distinct photos.
 */
import sharp, { type Sharp } from 'sharp';
import { hammingDistance } from '../../functions/process-image/near-duplicates.ts';

export interface CopyKind {
  name: string;
  make: (original: Buffer) => Promise<Buffer>;
}

/** Upright first, as a viewer shows the photo: copies are saved without the EXIF orientation tag. */
const upright = (original: Buffer): Sharp => sharp(original).autoOrient();

async function scaled(original: Buffer, factor: number): Promise<Buffer> {
  const { width = 1, height = 1 } = await upright(original).toBuffer({ resolveWithObject: true }).then(({ info }) => info);
  return upright(original)
    .resize(Math.max(1, Math.round(width * factor)), Math.max(1, Math.round(height * factor)), { fit: 'fill' })
    .jpeg({ quality: 85 })
    .toBuffer();
}

/** Cut `fraction` of the width and height off each side (a light crop, as an editor's "straighten"). */
async function cropped(original: Buffer, fraction: number): Promise<Buffer> {
  const { info } = await upright(original).toBuffer({ resolveWithObject: true });
  const left = Math.round(info.width * fraction);
  const top = Math.round(info.height * fraction);
  return upright(original)
    .extract({ left, top, width: info.width - 2 * left, height: info.height - 2 * top })
    .jpeg({ quality: 85 })
    .toBuffer();
}

export const COPY_KINDS: readonly CopyKind[] = [
  { name: 'jpeg q60', make: (o) => upright(o).jpeg({ quality: 60 }).toBuffer() },
  { name: 'jpeg q70', make: (o) => upright(o).jpeg({ quality: 70 }).toBuffer() },
  { name: 'jpeg q80', make: (o) => upright(o).jpeg({ quality: 80 }).toBuffer() },
  { name: 'webp q75', make: (o) => upright(o).webp({ quality: 75 }).toBuffer() },
  { name: 'resized 50%', make: (o) => scaled(o, 0.5) },
  { name: 'resized 25%', make: (o) => scaled(o, 0.25) },
  // What messengers send: the long edge at most 1280 px, JPEG quality about 70.
  {
    name: 'messenger 1280px q70',
    make: (o) => upright(o).resize(1280, 1280, { fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 70 }).toBuffer(),
  },
  { name: 'cropped 5%/side', make: (o) => cropped(o, 0.05) },
  { name: 'cropped 10%/side', make: (o) => cropped(o, 0.1) },
];

export interface PhotoHash {
  name: string;
  hash: string;
}

export interface CopyDistance {
  photo: string;
  kind: string;
  distance: number;
}

export interface Calibration {
  copies: CopyDistance[];
  /** One per unordered pair of distinct photos. */
  distinct: { a: string; b: string; distance: number }[];
}

/** Distances of every copy to its original and of every pair of originals. */
export async function calibrate(
  photos: { name: string; bytes: Buffer }[],
  hash: (bytes: Buffer) => Promise<string>,
  kinds: readonly CopyKind[] = COPY_KINDS,
): Promise<Calibration> {
  const originals: PhotoHash[] = [];
  const copies: CopyDistance[] = [];
  // One photo at a time: the copies of one photo are made and hashed together, bounding memory.
  for (const photo of photos) {
    const hashOfOriginal = await hash(photo.bytes);
    originals.push({ name: photo.name, hash: hashOfOriginal });
    const hashes = await Promise.all(kinds.map(async (kind) => hash(await kind.make(photo.bytes))));
    hashes.forEach((copyHash, i) => copies.push({ photo: photo.name, kind: kinds[i]!.name, distance: hammingDistance(hashOfOriginal, copyHash) }));
  }
  const distinct = originals.flatMap((a, i) => originals.slice(i + 1).map((b) => ({ a: a.name, b: b.name, distance: hammingDistance(a.hash, b.hash) })));
  return { copies, distinct };
}

export interface Rates {
  threshold: number;
  /** Copies within the threshold, of all copies. */
  trueMatchRate: number;
  /** Distinct pairs within the threshold, of all distinct pairs. */
  falseMatchRate: number;
}

export function ratesAt(calibration: Calibration, threshold: number): Rates {
  const within = (list: { distance: number }[]) => list.filter((item) => item.distance <= threshold).length / Math.max(1, list.length);
  return { threshold, trueMatchRate: within(calibration.copies), falseMatchRate: within(calibration.distinct) };
}

/**
 * The threshold to use: the largest that matches no distinct pair, with a margin of `margin` bits
 * below the closest distinct pair (a larger set of photos will hold closer pairs than these).
 */
export function chooseThreshold(calibration: Calibration, margin: number): number {
  const closest = Math.min(...calibration.distinct.map((pair) => pair.distance));
  return Math.max(0, closest - 1 - margin);
}
