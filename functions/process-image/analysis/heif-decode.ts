import createLibheif from 'libheif-js/libheif-wasm/libheif-bundle.js';
import { corrupt, refuseTooManyPixels } from '../image-rejected.ts';
import type { DecodedImage } from './decode.ts';

/** The largest HEIC decoded, whatever maxInputPixels allows (see Memory below). */
export const HEIC_MAX_PIXELS = 50_000_000;

/**
 * Decodes the primary image of an HEVC-coded HEIF (HEIC) with libheif compiled to WebAssembly:
 * sharp's prebuilt libvips has libheif with an AV1 decoder only, and HEVC decoders are not
 * redistributed with it. The .wasm is embedded in the module's .js, so nothing is fetched at run
 * time and the Lambda bundle needs no extra file.
 *
 * Returns 8-bit interleaved RGB (RGBA with alpha), upright: libheif applies the container's
 * transformations (irot, imir, clap), which is where HEIF keeps orientation. The EXIF Orientation
 * tag in a HEIF is informative only (ISO/IEC 23008-12 makes irot/imir authoritative; iPhones write
 * both, agreeing), so it is not applied again. Other images in the file (burst frames, depth maps,
 * thumbnails, a Live Photo's other stills) are never decoded.
 *
 * Memory: libheif's heap holds the coded file, the YCbCr planes and the RGB copy (94 MB for 12 MP,
 * measured), and the RGB is copied out once more; sharp cannot shrink-on-load here as it does for
 * JPEG. Measured (analyzeImage alone, under tsx): a 12 MP HEIC peaks at 284 MB RSS in 1.0 s, a 48 MP
 * one (an iPhone's largest, 8064 x 6048) at 622 MB in 2.3 s, about 9 MB more per megapixel.
 * HEIC_MAX_PIXELS keeps the largest accepted HEIC well within the default 1024 MB function.
 *
 * Each call uses a fresh WebAssembly instance (about 20 ms): WebAssembly memory only grows, so one
 * instance kept across images would hold the largest image's heap for the life of the Lambda
 * environment. Throws ImageRejected TOO_MANY_PIXELS (checked on the primary image's header, before
 * decoding, against the smaller of maxInputPixels and HEIC_MAX_PIXELS) or CORRUPT.
 */
export function decodeHeifPrimary(bytes: Buffer, maxInputPixels: number): DecodedImage {
  const libheif = createLibheif();
  const context = libheif.heif_context_alloc();

  const read = libheif.heif_context_read_from_memory(context, bytes);
  if (read.code !== libheif.heif_error_code.heif_error_Ok) throw corrupt(read.message);
  // The embind wrappers return the object, or a heif_error (with a code) when libheif fails.
  const handle = libheif.heif_js_context_get_primary_image_handle(context);
  if ('code' in handle) throw corrupt(handle.message);
  const [width, height] = [libheif.heif_image_handle_get_width(handle), libheif.heif_image_handle_get_height(handle)];
  refuseTooManyPixels(width, height, Math.min(maxInputPixels, HEIC_MAX_PIXELS));

  const alpha = libheif.heif_image_handle_has_alpha_channel(handle) !== 0;
  const chroma = alpha ? libheif.heif_chroma.heif_chroma_interleaved_RGBA : libheif.heif_chroma.heif_chroma_interleaved_RGB;
  const image = libheif.heif_js_decode_image2(handle, libheif.heif_colorspace.heif_colorspace_RGB, chroma);
  if ('code' in image) throw corrupt(image.message);
  const plane = image.channels.find((channel) => channel.id === libheif.heif_channel.heif_channel_interleaved);
  if (!plane) throw corrupt('libheif returned no interleaved RGB plane');

  const channels = alpha ? 4 : 3;
  const rowBytes = plane.width * channels;
  const pixels = Buffer.allocUnsafe(rowBytes * plane.height);
  // Rows may be padded to the decoder's alignment; sharp's raw input has none.
  for (let row = 0; row < plane.height; row++) {
    pixels.set(plane.data.subarray(row * plane.stride, row * plane.stride + rowBytes), row * rowBytes);
  }
  return { pixels, width: plane.width, height: plane.height, channels };
}
