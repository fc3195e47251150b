import sharp, { type Channels, type Sharp } from 'sharp';
import { corrupt } from '../image-rejected.ts';
import { shrinkSharpSkips, withLoadShrink } from '../../shared/jpeg-shrink-on-load.ts';
import { decodeHeifPrimary } from './heif-decode.ts';
import type { ImageHeader } from './image-metadata.ts';
import { isIdentityToSrgb } from '../../shared/srgb-profile.ts';

/**
 * The upright, 8-bit sRGB pixels every output (thumbnails, hashes, colours, vision rendition) is
 * derived from: the original is decoded exactly once.
 */
export interface DecodedImage {
  pixels: Buffer;
  width: number;
  height: number;
  /** 3, or 4 with alpha. */
  channels: Channels;
}

/** How large the decoded copy must stay so that no output has to be enlarged from it. */
export interface DecodeTarget {
  /** The largest long edge any output needs. */
  longEdge: number;
  /** The largest short edge any output needs (square crops cover their whole side). */
  shortEdge: number;
}

/** The original with the decoder settings every read of it shares; `input`: its bytes, or a file name with load options (jpeg-shrink-on-load.ts). */
export function openOriginal(input: Uint8Array | string, limitInputPixels: number | false, page = 0, ignoreIcc = false): Sharp {
  return sharp(input, {
    limitInputPixels,
    ignoreIcc,
    // 'error': truncated or undecodable pixel data (e.g. a JPEG cut short) is refused as CORRUPT
    // instead of becoming thumbnails with a grey band, while damage libjpeg recovers from (a stray
    // marker in the entropy data of an otherwise intact camera file) is accepted. sharp's default,
    // 'warning', would refuse that too.
    failOn: 'error',
    // First frame of an animated GIF/WebP, first page of a multi-page TIFF, a HEIF's primary image.
    pages: 1,
    page,
  });
}

/**
 * Decodes once: auto-oriented, shrunk to the smallest size that still serves `target`, and (sharp's
 * default output, for raw pixels too) 8-bit sRGB: CMYK through its embedded or libvips' built-in
 * profile, 16-bit scaled down, greyscale expanded to three channels. An 8-bit RGB image whose
 * embedded profile is sRGB already (functions/shared/srgb-profile.ts) skips that conversion: no channel would move by more than 2 levels.
 *
 * Chosen by measurement, on the two 2560x1600 JPEGs (4 thumbnails, dHash, colour sample; sharp
 * concurrency 1, as on glibc): deriving every output from these pixels cost a median 275-300 ms of
 * CPU per photo, one `.clone()` of the original per output 385-540 ms, since each clone decodes
 * again (shrink-on-load helps little with progressive JPEGs).
 */
export async function decodeUpright(
  bytes: Buffer,
  header: ImageHeader,
  maxInputPixels: number,
  target: DecodeTarget,
): Promise<DecodedImage> {
  const long = Math.max(header.width, header.height);
  const short = Math.min(header.width, header.height);
  const scale = Math.min(1, Math.max(target.longEdge / long, target.shortEdge / short));
  const size = scale < 1 ? { width: Math.max(1, Math.round(header.width * scale)), height: Math.max(1, Math.round(header.height * scale)) } : undefined;
  const scaled = (image: Sharp) => (size ? image.resize({ ...size, fit: 'fill' }) : image);
  // HEIC: libheif (WebAssembly) decodes the full-size upright pixels, sharp only scales them.
  const heif = header.heifCompression === 'hevc' ? fromDecoded(decodeHeifPrimary(bytes, maxInputPixels)) : undefined;
  const ignoreIcc = !heif && (await alreadySrgb(header));
  // A JPEG shrunk on load where sharp would decode it at twice the size needed (jpeg-shrink-on-load.ts).
  const loadShrink = header.format === 'jpeg' && size ? shrinkSharpSkips(Math.min(header.width / size.width, header.height / size.height)) : 1;
  const decode = (image: Sharp) => scaled(image).raw().toBuffer({ resolveWithObject: true });
  try {
    const { data, info } = heif
      ? await decode(heif)
      : await withLoadShrink(bytes, loadShrink, (input) => decode(openOriginal(input, maxInputPixels, header.page, ignoreIcc).autoOrient()));
    return { pixels: data, width: info.width, height: info.height, channels: info.channels };
  } catch (error) {
    throw corrupt(error);
  }
}

async function alreadySrgb({ icc, metadata }: ImageHeader): Promise<boolean> {
  return icc !== undefined && metadata.colorSpace === 'srgb' && metadata.bitDepth === '8' && (await isIdentityToSrgb(icc));
}

/** A new pipeline over the decoded pixels. */
export function fromDecoded(image: DecodedImage): Sharp {
  return sharp(image.pixels, { raw: { width: image.width, height: image.height, channels: image.channels } });
}
