/**
 * How analysis.ts reads text, with a recording text model in place of tesseract: which of the
 * photo's grey passes (photo-pixels.ts) it reads, and which of them as a large photo.
 */
import { describe, expect, it } from 'vitest';
import { detect } from './analysis.ts';
import type { VisionModels } from './models/models.ts';
import { photoPixels } from './photo-pixels.ts';
import { noiseJpeg } from './testing/noise-jpeg.ts';
import { TEXT_SIDE } from './text-pixels.ts';

/** The text model's calls, as [width, height, large]. */
async function textModelCalls(bytes: Uint8Array): Promise<[number, number, boolean][]> {
  const calls: [number, number, boolean][] = [];
  const text = {
    lines: (_grey: Buffer, width: number, height: number, large: boolean) => {
      calls.push([width, height, large]);
      return Promise.resolve([]);
    },
  };
  await detect({ text } as unknown as VisionModels, 'text', { grey: (await photoPixels(bytes)).grey });
  return calls;
}

describe('text detection', () => {
  it('reads a photo larger than the OCR side once, at that side, as a large photo', async () => {
    expect(await textModelCalls(await noiseJpeg(2400, 1800))).toEqual([[TEXT_SIDE, 1200, true]]);
  });

  it('reads a photo of exactly the OCR side once, as a large photo', async () => {
    expect(await textModelCalls(await noiseJpeg(TEXT_SIDE, 1000))).toEqual([[TEXT_SIDE, 1000, true]]);
  });

  it('reads a smaller photo at its own size and enlarged, neither as a large photo', async () => {
    expect(await textModelCalls(await noiseJpeg(800, 600))).toEqual([
      [800, 600, false],
      [TEXT_SIDE, 1200, false],
    ]);
  });

  it('refuses the file or RGB pixels: it reads grey passes', async () => {
    const models = { text: { lines: () => Promise.resolve([]) } } as unknown as VisionModels;
    await expect(detect(models, 'text', { bytes: await noiseJpeg(80, 60) })).rejects.toThrow('text reads grey pixels, but was given the file');
    await expect(detect(models, 'text', { grey: [] })).rejects.toThrow('text reads at least one grey pass');
  });
});
