/**
 * Our thumbnail step alone, for the comparison with vipsthumbnail. It is not a copy: it calls the
 * core's own exported steps, in the order analyzeImage calls them (read the header, decode once to
 * the size the thumbnails need, render every thumbnail from those pixels), and leaves out only what
 * is not thumbnails (type sniffing, EXIF, SHA-256, dHash, colours, vision rendition). For a JPEG or
 * PNG, analyzeImage decodes to this same size (64 px for colours and 1280 px for thumbnails need
 * no more), so (t) is (a)'s thumbnail work, measured apart without changing the core's API.
 */
import { decodeUpright, openOriginal } from '../../functions/process-image/analysis/decode.ts';
import { readImageHeader } from '../../functions/process-image/analysis/image-metadata.ts';
import { THUMBNAIL_ENCODING, renderThumbnails, thumbnailTarget } from '../../functions/process-image/analysis/thumbnails.ts';
import type { ThumbnailSpec } from '../../functions/shared/config.ts';

export { THUMBNAIL_ENCODING };

export interface StepOptions {
  maxInputPixels: number;
  thumbnails: ThumbnailSpec[];
}

/** Every thumbnail analyzeImage makes (WebP per spec + the JPEG fallback of the smallest), as encoded bodies. */
export async function thumbnailStep(bytes: Buffer, options: StepOptions): Promise<Buffer[]> {
  const header = await readImageHeader(bytes, options.maxInputPixels);
  const decoded = await decodeUpright(bytes, header, options.maxInputPixels, thumbnailTarget(options.thumbnails));
  const { thumbnails } = await renderThumbnails(decoded, options.thumbnails);
  return thumbnails.map((thumbnail) => thumbnail.body);
}

/** The largest fitted spec (1280 by default): the output that costs the most. */
export function largestFitted(specs: ThumbnailSpec[]): ThumbnailSpec {
  const largest = specs.filter((spec) => !spec.square).at(-1) ?? specs.at(-1);
  if (!largest) throw new Error('no thumbnail spec');
  return largest;
}

/**
 * Only the largest fitted WebP, straight from the original with the core's decoder settings: one
 * decode (with JPEG shrink-on-load), one output, the same work as one vipsthumbnail run. It sets
 * sharp + Node against libvips' own CLI with no decode shared between outputs.
 */
export async function largestThumbnail(bytes: Buffer, options: StepOptions): Promise<Buffer> {
  const spec = largestFitted(options.thumbnails);
  return openOriginal(bytes, options.maxInputPixels)
    .autoOrient()
    .resize(spec.size, spec.size, { fit: 'inside', withoutEnlargement: true })
    .toColourspace('srgb')
    .webp(THUMBNAIL_ENCODING.webp)
    .toBuffer();
}
