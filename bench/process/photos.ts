/**
 * The photos measured. Cameras and phones take 8 to 24 MP; the largest real photos at hand are
 * five 2560x1600 (4 MP) wallpapers (two shared fixtures with EXIF, three of the judged set). So
 * camera-sized photos are stitched from them: a grid of whole photos, side by side, each tile
 * at its own size (no resampling), then, where the camera's size is smaller than the grid, cropped
 * to the camera's aspect ratio and downscaled (lanczos3). Nothing is upscaled: every pixel carries
 * a real photo's detail, noise and edges (the seams between tiles are the one thing no camera
 * makes). JPEG quality 90, the first tile's EXIF kept.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { repoPath } from '../../infra/paths.ts';

export const FIXTURES_DIR = '/work/shared/fixtures/images';
const JUDGED_DIR = repoPath('bench/eval/judged/photos');
/** The real 2560x1600 photos the camera-sized ones are stitched from (bench:e2e uploads them as they are too). */
export const TILES = [
  path.join(FIXTURES_DIR, 'Path_2560x1600.jpg'),
  path.join(FIXTURES_DIR, 'ColorfulCups_2560x1600.jpg'),
  path.join(JUDGED_DIR, 'Kite.jpg'),
  path.join(JUDGED_DIR, 'EveningGlow.jpg'),
  path.join(JUDGED_DIR, 'Grey.jpg'),
];
export const TILE = { width: 2560, height: 1600 } as const;

/** What is measured: the grid (columns x rows of tiles), then the camera's size. */
export interface CameraShape {
  name: string;
  columns: number;
  rows: number;
  /** The tile the grid starts with, so that each photo shows a different arrangement. */
  first: number;
  width: number;
  height: number;
}

export const CAMERA_SHAPES: readonly CameraShape[] = [
  // A 4K frame, 16:9 (8.3 MP).
  { name: '8MP-3840x2160.jpg', columns: 2, rows: 2, first: 0, width: 3840, height: 2160 },
  // An iPhone's 12 MP, 4:3.
  { name: '12MP-4032x3024.jpg', columns: 2, rows: 2, first: 1, width: 4032, height: 3024 },
  // The 2x2 grid as it is, 16:10 (16.4 MP): not resampled at all.
  { name: '16MP-5120x3200.jpg', columns: 2, rows: 2, first: 2, width: 5120, height: 3200 },
  // An APS-C camera's 24 MP, 3:2: the memory goal's photo.
  { name: '24MP-6000x4000.jpg', columns: 3, rows: 3, first: 3, width: 6000, height: 4000 },
];
/** The photo the peak-RSS goal is measured on. */
export const LARGEST = CAMERA_SHAPES.at(-1)?.name ?? '';
/** The photo measured again as HEIC. */
export const PHONE = '12MP-4032x3024.jpg';

export interface Photo {
  name: string;
  file: string;
  width: number;
  height: number;
  bytes: number;
}

/** The shared fixture photos, read in place (bench:e2e and the scaling inputs resize them). */
export async function fixturePhotos(dir = FIXTURES_DIR): Promise<Photo[]> {
  if (!existsSync(dir)) {
    throw new Error(`the benchmarks need the test photos in ${dir} (*.jpg and *.png); that folder does not exist.`);
  }
  const names = readdirSync(dir).filter((name) => /\.(jpe?g|png)$/i.test(name)).sort();
  if (names.length === 0) throw new Error(`found no *.jpg or *.png photo in ${dir}.`);
  return Promise.all(names.map((name) => describe(path.join(dir, name))));
}

/** The camera-sized photos (by default every one of CAMERA_SHAPES), written into outDir. */
export async function cameraPhotos(outDir: string, shapes: readonly CameraShape[] = CAMERA_SHAPES): Promise<Photo[]> {
  const missing = TILES.filter((file) => !existsSync(file));
  if (missing.length > 0) throw new Error(`the camera-sized photos are stitched from ${TILES.join(', ')}; missing: ${missing.join(', ')}`);
  const photos: Photo[] = [];
  for (const shape of shapes) photos.push(await describe(await stitched(shape, outDir)));
  return photos;
}

async function stitched(shape: CameraShape, outDir: string): Promise<string> {
  const gridWidth = shape.columns * TILE.width;
  const gridHeight = shape.rows * TILE.height;
  const tileAt = (index: number) => TILES[(shape.first + index) % TILES.length] ?? '';
  const others = Array.from({ length: shape.columns * shape.rows - 1 }, (_, i) => i + 1);
  const grid = await sharp(tileAt(0))
    .rotate()
    .extend({ right: gridWidth - TILE.width, bottom: gridHeight - TILE.height, background: '#000' })
    .composite(
      await Promise.all(
        others.map(async (index) => ({
          input: await sharp(tileAt(index)).rotate().toBuffer(),
          left: (index % shape.columns) * TILE.width,
          top: Math.floor(index / shape.columns) * TILE.height,
        })),
      ),
    )
    // EXIF and the first tile's ICC profile kept, as a camera's file carries them (HP's sRGB on
    // four of the five tiles; a profile costs the core a colour conversion it must prove idle).
    .keepExif()
    .keepIccProfile()
    // Lossless in between (PNG keeps EXIF), so the photo is JPEG-encoded once.
    .png({ compressionLevel: 0 })
    .toBuffer();
  const file = path.join(outDir, shape.name);
  const camera = sharp(grid).keepExif().keepIccProfile();
  // Crop to the camera's aspect ratio, then downscale; the 16 MP grid needs neither.
  const resized = shape.width === gridWidth && shape.height === gridHeight ? camera : camera.resize(shape.width, shape.height, { fit: 'cover', kernel: 'lanczos3' });
  await resized.jpeg({ quality: 90 }).toFile(file);
  return file;
}

/** The same picture as HEIC, made from `jpeg` by heif-enc (libheif-examples, quality 50: about an iPhone's bytes per pixel), EXIF kept. */
export async function heicOf(jpeg: Photo, outDir: string): Promise<Photo> {
  const heic = path.join(outDir, jpeg.name.replace(/\.jpe?g$/i, '.heic'));
  execFileSync('/usr/bin/heif-enc', ['-q', '50', '-o', heic, jpeg.file], { stdio: ['ignore', 'ignore', 'inherit'] });
  return describe(heic);
}

async function describe(file: string): Promise<Photo> {
  const metadata = await sharp(file).metadata();
  return { name: path.basename(file), file, width: metadata.width, height: metadata.height, bytes: statSync(file).size };
}
