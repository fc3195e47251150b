import sharp from 'sharp';

/** A width x height JPEG of grey noise: detail everywhere, so any change of resampling shows. */
export function noiseJpeg(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 0, g: 0, b: 0 }, noise: { type: 'gaussian', mean: 128, sigma: 40 } } })
    .jpeg()
    .toBuffer();
}
