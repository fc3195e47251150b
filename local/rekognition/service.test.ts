/** The service's sharing of one decode between the detectors and the OCR, with a model-free analyzer. */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { DetectionInput, DetectionKind } from './analysis.ts';
import type { ObjectDetection } from './core/detections.ts';
import { RekognitionError } from './core/errors.ts';
import { DETECTOR_SIDE } from './detector-pixels.ts';
import type * as PhotoPixels from './photo-pixels.ts';
import { type Analyzer, inputOf } from './pool.ts';
import { RekognitionService } from './service.ts';
import { errorType } from './testing/error-type.ts';
import { noiseJpeg } from './testing/noise-jpeg.ts';
import { TEXT_SIDE } from './text-pixels.ts';

/** Every decode of the photo's pixels, counted. */
const decodes = vi.hoisted(() => ({ count: 0 }));
vi.mock('./photo-pixels.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof PhotoPixels>();
  return { ...actual, photoPixels: (bytes: Uint8Array) => (decodes.count++, actual.photoPixels(bytes)) };
});
beforeEach(() => {
  decodes.count = 0;
});

const PERSON: ObjectDetection = { className: 'person', score: 0.6, box: { left: 0.1, top: 0.1, width: 0.5, height: 0.8 } };

/** An analyzer that records what each detection was given and finds `objects` and nothing else. */
function recording(objects: ObjectDetection[] = []) {
  const runs: { kind: DetectionKind; input: DetectionInput }[] = [];
  const analyzer: Analyzer = {
    ready: Promise.resolve(),
    detectors: true,
    run: async (kind, pending) => {
      const input = await inputOf(pending);
      runs.push({ kind, input });
      return (kind === 'moderation' ? {} : kind === 'objects' ? objects : []) as never;
    },
    close: () => Promise.resolve(),
  };
  return { runs, service: new RekognitionService(analyzer, undefined) };
}

const base64 = (bytes: Buffer) => ({ Bytes: bytes.toString('base64') });


describe('RekognitionService: the detectors and the OCR share one decode', () => {
  it('decodes the photo once for objects, faces and text, gives the detectors its RGB and the OCR its grey passes', async () => {
    const { runs, service } = recording([PERSON]);
    const bytes = await noiseJpeg(900, 600);
    await Promise.all([
      service.call('DetectLabels', { Image: base64(bytes) }),
      service.call('DetectFaces', { Image: base64(bytes) }),
    ]);
    const input = (kind: DetectionKind) => runs.find((run) => run.kind === kind)?.input;
    const rgb = (kind: DetectionKind) => (input(kind) as { rgb: unknown } | undefined)?.rgb;
    expect(runs.map((run) => run.kind).sort()).toEqual(['faces', 'objects', 'text']);
    expect(decodes.count).toBe(1);
    // Shapes only: a failed comparison of multi-MB pixel buffers takes vitest minutes to print.
    const shape = ({ data, width, height }: { data: Uint8Array; width: number; height: number }) => [data.length, width, height];
    const objects = input('objects') as { rgb: { data: Uint8Array; width: number; height: number } };
    expect(Object.keys(objects)).toEqual(['rgb']);
    expect(shape(objects.rgb)).toEqual([DETECTOR_SIDE * 341 * 3, DETECTOR_SIDE, 341]);
    // The very same pixels: one decode.
    expect(rgb('faces')).toBe(rgb('objects'));
    // Only what each reads reaches a worker: the OCR its grey, at the photo's size and enlarged.
    const text = input('text') as { grey: { data: Uint8Array; width: number; height: number }[] };
    expect(Object.keys(text)).toEqual(['grey']);
    expect(text.grey.map(shape)).toEqual([
      [900 * 600, 900, 600],
      [TEXT_SIDE * 1067, TEXT_SIDE, 1067],
    ]);
  });

  it('gives the other kinds the file, decoding nothing for them', async () => {
    const { runs, service } = recording();
    const bytes = await noiseJpeg(900, 600);
    await service.call('DetectModerationLabels', { Image: base64(bytes) });
    expect(runs.map((run) => run.kind)).toEqual(['moderation']);
    expect(Buffer.from((runs[0]?.input as { bytes: Uint8Array }).bytes).equals(bytes)).toBe(true);
    expect(decodes.count).toBe(0);
  });

  it('fails every call waiting on a decode that fails, without running a detector', async () => {
    const { runs, service } = recording([PERSON]);
    const whole = await noiseJpeg(1200, 800);
    // The header is readable (the image checks pass), the pixels are not.
    const truncated = whole.subarray(0, Math.floor(whole.length / 2));
    const calls = [service.call('DetectFaces', { Image: base64(truncated) }), service.call('DetectFaces', { Image: base64(truncated) })];
    expect(await Promise.all(calls.map(errorType))).toEqual(['InvalidImageFormatException', 'InvalidImageFormatException']);
    expect(runs).toEqual([]);
    // Not remembered: a later call for a photo that decodes runs the detectors.
    await service.call('DetectFaces', { Image: base64(whole) });
    expect(runs.map((run) => run.kind).sort()).toEqual(['faces', 'objects']);
  });

  it('does not run the face models on a photo in which the object detector found no person', async () => {
    const { runs, service } = recording([{ ...PERSON, className: 'cat' }]);
    const answer = await service.call('DetectFaces', { Image: base64(await noiseJpeg(900, 600)) });
    expect(answer).toMatchObject({ FaceDetails: [] });
    expect(runs.map((run) => run.kind)).toEqual(['objects']);
  });

  it('decodes a photo without a person only for its objects: DetectFaces after DetectLabels decodes nothing', async () => {
    const { runs, service } = recording([{ ...PERSON, className: 'cat' }]);
    const bytes = await noiseJpeg(900, 600);
    await service.call('DetectLabels', { Image: base64(bytes) });
    expect(decodes.count).toBe(1);
    expect(await service.call('DetectFaces', { Image: base64(bytes) })).toMatchObject({ FaceDetails: [] });
    expect(decodes.count).toBe(1);
    expect(runs.map((run) => run.kind).sort()).toEqual(['objects', 'text']);
  });

  it('refuses a detection the analyzer throttles without decoding the photo', async () => {
    const throttling: Analyzer = {
      ready: Promise.resolve(),
      detectors: true,
      run: () => Promise.reject(new RekognitionError('ThrottlingException', 'Rate exceeded')),
      close: () => Promise.resolve(),
    };
    const service = new RekognitionService(throttling, undefined);
    const bytes = await noiseJpeg(900, 600);
    expect(await errorType(service.call('DetectFaces', { Image: base64(bytes) }))).toBe('ThrottlingException');
    expect(await errorType(service.call('DetectLabels', { Image: base64(bytes) }))).toBe('ThrottlingException');
    expect(decodes.count).toBe(0);
  });
});
