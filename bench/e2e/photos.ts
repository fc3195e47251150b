/**
 * The photos bench:e2e uploads. Lite latency and throughput: every shared fixture photo resized to
 * 2 MP with sharp (EXIF dropped). Latency with the vision models: issue 17's range, 2 to 12 MP, in
 * four size classes: those 2 MP photos, the real 2560x1600 (4 MP) photos as they are, and the 8 MP
 * and 12 MP camera-sized photos bench:process stitches from them (never upscaled, see
 * ../process/photos.ts).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { DEFAULTS } from '../../functions/shared/config.ts';
import { CAMERA_SHAPES, TILE, TILES, cameraPhotos, fixturePhotos } from '../process/photos.ts';

/** 1732 x 1155 = 2.0 megapixels, 3:2 like most cameras. */
export const TWO_MP = { width: 1732, height: 1155 } as const;
/** The largest photos of issue 17's latency goal ("photos of 2-12 MP"): a 12 MP camera's 4032x3024 is 12.2 MP. */
const MAX_MEGAPIXELS = 12.5;

export interface BenchPhoto {
  name: string;
  bytes: Buffer;
}

/** Photos of one size, e.g. "8MP" at 3840x2160. */
export interface SizeClass {
  /** Also the suffix of its JSON figures. */
  name: string;
  width: number;
  height: number;
  photos: BenchPhoto[];
}

export async function twoMegapixelPhotos(): Promise<BenchPhoto[]> {
  const fixtures = (await fixturePhotos()).filter((photo) => !/page/i.test(photo.name));
  return Promise.all(
    fixtures.map(async (photo) => ({
      name: photo.name.replace(/\.\w+$/, '-2MP.jpg'),
      bytes: await sharp(photo.file).rotate().resize(TWO_MP.width, TWO_MP.height, { fit: 'cover' }).jpeg({ quality: 85 }).toBuffer(),
    })),
  );
}

const read = async (file: string): Promise<BenchPhoto> => ({ name: path.basename(file), bytes: await readFile(file) });

/**
 * The 2-12 MP size classes, smallest first; the camera-sized photos are made in a temporary folder,
 * read, and the folder removed. Throws when a photo is over the upload limit requestUpload applies.
 */
export async function mixedPhotos(twoMp: BenchPhoto[]): Promise<SizeClass[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'imagegraph-bench-e2e-photos-'));
  try {
    const shapes = CAMERA_SHAPES.filter((shape) => (shape.width * shape.height) / 1e6 <= MAX_MEGAPIXELS);
    const cameras = await cameraPhotos(dir, shapes);
    const classes: SizeClass[] = [
      { name: '2MP', ...TWO_MP, photos: twoMp },
      { name: '4MP', ...TILE, photos: await Promise.all(TILES.map(read)) },
      ...(await Promise.all(cameras.map(async (photo) => ({ name: photo.name.replace(/-.*/, ''), width: photo.width, height: photo.height, photos: [await read(photo.file)] })))),
    ];
    const tooLarge = classes.flatMap((sizeClass) => sizeClass.photos).filter((photo) => photo.bytes.length > DEFAULTS.maxUploadBytes);
    if (tooLarge.length > 0) throw new Error(`bench:e2e: over the ${DEFAULTS.maxUploadBytes}-byte upload limit: ${tooLarge.map((photo) => photo.name).join(', ')}`);
    return classes;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
