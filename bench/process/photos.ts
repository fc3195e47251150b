/** The photos measured: the shared fixtures, read in place, plus a 24 MP JPEG made for the run. */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';

export const FIXTURES_DIR = '/work/shared/fixtures/images';
/** The fixture upscaled to 24 MP; it has EXIF, which the upscaled copy keeps. */
const LARGE_SOURCE = 'Path_2560x1600.jpg';
export const LARGE = { width: 6000, height: 4000, name: '24MP-6000x4000.jpg' } as const;
/** An iPhone's 12 MP (4032x3024). */
const PHONE = { width: 4032, height: 3024 } as const;

export interface Photo {
  name: string;
  file: string;
  width: number;
  height: number;
  bytes: number;
  /** Made at run time, not a real photo (its role: the memory goal). */
  generated: boolean;
}

export async function fixturePhotos(dir = FIXTURES_DIR): Promise<Photo[]> {
  if (!existsSync(dir)) {
    throw new Error(`bench:process needs the test photos in ${dir} (*.jpg and *.png); that folder does not exist.`);
  }
  const names = readdirSync(dir).filter((name) => /\.(jpe?g|png)$/i.test(name)).sort();
  if (names.length === 0) throw new Error(`bench:process found no *.jpg or *.png photo in ${dir}.`);
  return Promise.all(names.map((name) => describe(path.join(dir, name), false)));
}

/** A 6000x4000 JPEG (quality 90, EXIF kept) upscaled from a fixture, written into outDir. */
export async function largePhoto(fixtures: Photo[], outDir: string): Promise<Photo> {
  return describe(await upscaledJpeg(fixtures, outDir, LARGE.width, LARGE.height, LARGE.name), true);
}

/**
 * The same 12 MP picture twice: JPEG (quality 90) and HEIC made from that JPEG by heif-enc
 * (libheif-examples, quality 50: about an iPhone's bytes per pixel), EXIF kept in both.
 */
export async function phonePhotos(fixtures: Photo[], outDir: string): Promise<[jpeg: Photo, heic: Photo]> {
  const name = `12MP-${PHONE.width}x${PHONE.height}`;
  const jpeg = await upscaledJpeg(fixtures, outDir, PHONE.width, PHONE.height, `${name}.jpg`);
  const heic = path.join(outDir, `${name}.heic`);
  execFileSync('/usr/bin/heif-enc', ['-q', '50', '-o', heic, jpeg], { stdio: ['ignore', 'ignore', 'inherit'] });
  return [await describe(jpeg, true), await describe(heic, true)];
}

async function upscaledJpeg(fixtures: Photo[], outDir: string, width: number, height: number, name: string): Promise<string> {
  const source = fixtures.find((photo) => photo.name === LARGE_SOURCE) ?? fixtures.find((photo) => /\.jpe?g$/i.test(photo.name)) ?? fixtures[0];
  if (!source) throw new Error('no fixture to upscale');
  const file = path.join(outDir, name);
  await sharp(source.file).rotate().resize(width, height, { fit: 'cover', kernel: 'lanczos3' }).keepExif().jpeg({ quality: 90 }).toFile(file);
  return file;
}

async function describe(file: string, generated: boolean): Promise<Photo> {
  const metadata = await sharp(file).metadata();
  return { name: path.basename(file), file, width: metadata.width, height: metadata.height, bytes: statSync(file).size, generated };
}
