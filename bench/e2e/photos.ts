/** 2 MP JPEGs for bench:e2e: every shared fixture photo resized with sharp (EXIF dropped). */
import sharp from 'sharp';
import { fixturePhotos } from '../process/photos.ts';

/** 1732 x 1155 = 2.0 megapixels, 3:2 like most cameras. */
export const TWO_MP = { width: 1732, height: 1155 } as const;

export interface BenchPhoto {
  name: string;
  bytes: Buffer;
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
