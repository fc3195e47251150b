import type { Metadata } from 'sharp';
import { corrupt, refuseTooManyPixels } from '../image-rejected.ts';
import { openOriginal } from './decode.ts';

/** How the original is stored, from its header. */
export interface ImageMetadata {
  /** libvips' interpretation: 'srgb', 'cmyk', 'b-w', 'rgb16', 'grey16', ... */
  colorSpace: string;
  channels: number;
  /** Bits per sample: '8', '16', '32'; '32f'/'64f' for floating point. */
  bitDepth: string;
  /** Pixels per inch, when the file says. */
  density: number | null;
  hasAlpha: boolean;
  /** Frames of an animation or pages of a TIFF; only the first is used. */
  pages: number;
}

export interface ImageHeader {
  /** As displayed, after EXIF orientation. */
  width: number;
  height: number;
  orientation: number | null;
  metadata: ImageMetadata;
  /** The raw EXIF block, when there is one. */
  exif: Buffer | undefined;
  /** The embedded ICC profile, when there is one. */
  icc: Buffer | undefined;
  /** The page (top-level image) to decode: a HEIF's primary image, which need not be its first; 0 otherwise. */
  page: number;
  /** HEIF only: the codec of its images. sharp decodes 'av1'; 'hevc' (HEIC) goes to heif-decode.ts. */
  heifCompression: Metadata['compression'];
  /** The decoder libvips picked: a JPEG may be shrunk on load. */
  format: Metadata['format'];
}

const BIT_DEPTHS: Partial<Record<Metadata['depth'], string>> = {
  uchar: '8',
  char: '8',
  ushort: '16',
  short: '16',
  uint: '32',
  int: '32',
  float: '32f',
  double: '64f',
};

/**
 * Reads the header only (nothing is decoded, nothing the size of the image is allocated) and
 * refuses images above `maxInputPixels` before anything decodes them: a few bytes of PNG can
 * declare 100000 x 100000 pixels.
 */
export async function readImageHeader(bytes: Buffer, maxInputPixels: number): Promise<ImageHeader> {
  let meta: Metadata;
  try {
    // No pixel limit here, so the refusal below can say how large the image claims to be.
    meta = await openOriginal(bytes, false).metadata();
    // libvips numbers a HEIF's top-level images in file order; bursts and Live Photo stills may
    // put the primary image elsewhere, and it alone is the photo.
    if (meta.pagePrimary) meta = await openOriginal(bytes, false, meta.pagePrimary).metadata();
  } catch (error) {
    throw corrupt(error);
  }
  // For an animation, height is one frame's: only the first frame is decoded.
  refuseTooManyPixels(meta.width, meta.height, maxInputPixels);
  const orientation = meta.orientation;
  return {
    width: meta.autoOrient.width,
    height: meta.autoOrient.height,
    orientation: orientation !== undefined && orientation >= 1 && orientation <= 8 ? orientation : null,
    metadata: {
      colorSpace: meta.space,
      channels: meta.channels,
      bitDepth: BIT_DEPTHS[meta.depth] ?? meta.depth,
      density: meta.density ?? null,
      hasAlpha: meta.hasAlpha,
      pages: meta.pages ?? 1,
    },
    exif: meta.exif,
    icc: meta.icc,
    page: meta.pagePrimary ?? 0,
    heifCompression: meta.compression,
    format: meta.format,
  };
}
