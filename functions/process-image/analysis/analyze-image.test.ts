import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULTS, thumbnailSpecs } from '../../shared/config.ts';
import { type AnalysisOptions, type ImageAnalysis, type RenderedThumbnail, analyzeImage } from './analyze-image.ts';
import {
  EMPTY,
  FRAME_COLORS,
  HEIC,
  PDF,
  QUADRANTS,
  type Rgb,
  SVG,
  TEXT_NAMED_JPG,
  UPRIGHT,
  animated,
  apng,
  cmykJpeg,
  damagedButDecodableJpeg,
  greyscaleJpeg,
  halfTransparentPng,
  heicDeclaring,
  malformedExifJpeg,
  orientedJpeg,
  photo,
  pixelAt,
  png16,
  pngDeclaring,
  rejectionOf,
  solid,
  truncatedJpeg,
} from './fixtures/corpus.ts';

/** The production defaults: 160 px square, 480 and 1280 fitted, 100 MP. */
const options: AnalysisOptions = { maxInputPixels: DEFAULTS.maxInputPixels, thumbnails: thumbnailSpecs(DEFAULTS.thumbnailSizes) };

function thumbnail(analysis: ImageAnalysis, name: string): RenderedThumbnail {
  const found = analysis.thumbnails.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no thumbnail ${name} in ${analysis.thumbnails.map((t) => t.name).join(', ')}`);
  return found;
}

/** Within `tolerance` per channel of the expected colour (lossy WebP/JPEG move solid colours a little). */
async function expectColorAt(encoded: Buffer, x: number, y: number, expected: Rgb, tolerance = 24): Promise<void> {
  const actual = (await pixelAt(encoded, x, y)).slice(0, 3);
  const off = actual.map((value, channel) => Math.abs(value - (expected[channel] ?? 0)));
  expect(Math.max(...off), `pixel (${x}, ${y}) is ${actual.join(',')}, expected ${expected.join(',')}`).toBeLessThanOrEqual(tolerance);
}

describe('analyzeImage on a real photo (SONY NEX-3N, EXIF with GPS)', () => {
  let analysis: ImageAnalysis;
  beforeAll(async () => {
    analysis = await analyzeImage(photo('cups'), options);
  });

  it('reports format, size, orientation and how the file is stored', () => {
    expect(analysis).toMatchObject({
      format: 'JPEG',
      contentType: 'image/jpeg',
      width: 1024,
      height: 640,
      orientation: 1,
      metadata: { colorSpace: 'srgb', channels: 3, bitDepth: '8', density: 350, hasAlpha: false, pages: 1 },
    });
  });

  it('reads the EXIF facts', () => {
    expect(analysis.exif).toEqual({
      takenAt: '2014-04-29T14:25:26Z',
      camera: { name: 'Sony NEX-3N', make: 'SONY', model: 'NEX-3N', lens: null, focalLength: 28, aperture: 8, exposureTime: 0.0015625, iso: 400 },
      location: { lat: 56.1559951, lon: 10.2082048 },
      altitude: null,
    });
  });

  it('fingerprints the original bytes (sha256sum of the fixture) and the picture', () => {
    expect(analysis.sha256).toBe('2f0029f9cd34bf2cf51c7b9788a3b1ec9e450bf6e4217473097d29c1f843d812');
    expect(analysis.perceptualHash).toMatch(/^[0-9a-f]{16}$/);
  });

  it('makes every spec as WebP, smallest first, plus a JPEG of the smallest', () => {
    expect(analysis.thumbnails.map(({ body: _body, ...facts }) => facts)).toEqual([
      { size: 160, square: true, width: 160, height: 160, format: 'WEBP', name: '160-square.webp', contentType: 'image/webp' },
      { size: 160, square: true, width: 160, height: 160, format: 'JPEG', name: '160-square.jpg', contentType: 'image/jpeg' },
      { size: 480, square: false, width: 480, height: 300, format: 'WEBP', name: '480.webp', contentType: 'image/webp' },
      // Fitted thumbnails are never enlarged: the photo is only 1024 wide.
      { size: 1280, square: false, width: 1024, height: 640, format: 'WEBP', name: '1280.webp', contentType: 'image/webp' },
    ]);
  });

  it('encodes each thumbnail as it says, at the size it says, without EXIF (no GPS), XMP or ICC', async () => {
    for (const { body, format, width, height } of analysis.thumbnails) {
      const meta = await sharp(body).metadata();
      expect(meta).toMatchObject({ format: format === 'WEBP' ? 'webp' : 'jpeg', width, height, space: 'srgb', depth: 'uchar' });
      expect(meta.exif).toBeUndefined();
      expect(meta.xmp).toBeUndefined();
      expect(meta.hasProfile).toBe(false);
    }
  });

  it('has up to 5 dominant colours summing to at most 100%', () => {
    expect(analysis.dominantColors.length).toBeGreaterThan(0);
    expect(analysis.dominantColors.length).toBeLessThanOrEqual(5);
    expect(analysis.dominantColors.reduce((sum, color) => sum + color.pixelPercent, 0)).toBeLessThanOrEqual(100);
  });

  it('leaves Rekognition to read the original JPEG', () => {
    expect(analysis.visionRendition).toBeNull();
  });
});

describe('analyzeImage on a real photo without GPS or orientation tag (Olympus E-M1)', () => {
  it('reports no orientation, a trimmed camera and no location', async () => {
    const analysis = await analyzeImage(photo('path'), options);
    expect(analysis).toMatchObject({
      width: 1024,
      height: 640,
      orientation: null,
      metadata: { density: 72 },
      exif: {
        takenAt: '2015-09-06T18:46:57Z',
        camera: { name: 'Olympus E-M1', make: 'OLYMPUS IMAGING CORP.', model: 'E-M1', focalLength: 7, aperture: 4.5, exposureTime: 1 / 15, iso: 200 },
        location: null,
        altitude: null,
      },
    });
  });
});

describe('analyzeImage refuses bad input with the right code', () => {
  it.each([
    ['zero bytes', 'EMPTY', /^The file is empty\.$/, () => EMPTY],
    [`text named ${TEXT_NAMED_JPG.name}`, 'UNSUPPORTED_TYPE', /the file is plain text/, () => TEXT_NAMED_JPG.bytes],
    ['SVG', 'UNSUPPORTED_TYPE', /the file is SVG/, () => SVG],
    ['PDF', 'UNSUPPORTED_TYPE', /the file is PDF/, () => PDF],
    ['an HEIC ftyp box and nothing else', 'CORRUPT', /damaged or incomplete/, () => HEIC],
    ['a truncated HEIC', 'CORRUPT', /^The image is damaged or incomplete \(bad seek to \d+\)\.$/, () => photo('pathHeicTruncated')],
    [
      'a HEIC declaring 20000 x 20000',
      'TOO_MANY_PIXELS',
      /^The image is 20000 x 20000 pixels \(400 MP\); the limit is 100 MP\.$/,
      () => heicDeclaring(20_000, 20_000),
    ],
    [
      'a HEIC of 56 MP, under maxInputPixels but over what decoding HEVC in WebAssembly may take',
      'TOO_MANY_PIXELS',
      /^The image is 8000 x 7000 pixels \(56 MP\); the limit is 50 MP\.$/,
      () => heicDeclaring(8000, 7000),
    ],
    ['a truncated JPEG', 'CORRUPT', /^The image is damaged or incomplete \(premature end of JPEG image\)\.$/, truncatedJpeg],
    [
      'a JPEG signature followed by garbage',
      'CORRUPT',
      /damaged or incomplete/,
      () => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(200, 0x41)]),
    ],
    ['a PNG whose pixel data is missing', 'CORRUPT', /damaged or incomplete/, () => pngDeclaring(20, 20)],
    [
      'a PNG header declaring 100000 x 100000',
      'TOO_MANY_PIXELS',
      /^The image is 100000 x 100000 pixels \(10,000 MP\); the limit is 100 MP\.$/,
      () => pngDeclaring(100_000, 100_000),
    ],
  ] as const)('%s: %s', async (_name, code, reason, make) => {
    const error = await rejectionOf(analyzeImage(await make(), options));
    expect(error.code).toBe(code);
    expect(error.reason).toMatch(reason);
  });

  it('refuses the decompression bomb from its header, without decoding it', async () => {
    const bomb = pngDeclaring(100_000, 100_000);
    expect(bomb.length).toBeLessThan(100);
    const started = performance.now();
    await rejectionOf(analyzeImage(bomb, options));
    // Decoding 10 gigapixels would take minutes and 30 GB; the header takes milliseconds. The
    // bound is far from both, so a busy machine cannot fail it.
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('counts pixels against maxInputPixels: at the limit is fine, above it is refused', async () => {
    const small = { ...options, maxInputPixels: 5000 };
    await expect(analyzeImage(await solid(100, 50, [1, 2, 3]).png().toBuffer(), small)).resolves.toMatchObject({ width: 100, height: 50 });
    expect(await rejectionOf(analyzeImage(await solid(101, 50, [1, 2, 3]).png().toBuffer(), small))).toMatchObject({
      code: 'TOO_MANY_PIXELS',
    });
  });
});

describe('analyzeImage accepts damaged-but-usable input', () => {
  it('decodes a JPEG with a corrupt but recoverable scan (libjpeg warns, failOn "error" lets it through)', async () => {
    await expect(analyzeImage(await damagedButDecodableJpeg(), options)).resolves.toMatchObject({ format: 'JPEG', width: 400, height: 300 });
  });

  it('ignores malformed EXIF: no facts, no orientation, thumbnails as usual', async () => {
    const analysis = await analyzeImage(await malformedExifJpeg(), options);
    expect(analysis.exif).toEqual({ takenAt: null, camera: null, location: null, altitude: null });
    expect(analysis.orientation).toBeNull();
    expect(analysis.thumbnails).toHaveLength(4);
  });
});

describe('analyzeImage on unusual encodings', () => {
  it.each(['gif', 'webp'] as const)('uses the first frame of an animated %s and reports its frame count', async (format) => {
    const analysis = await analyzeImage(await animated(format), options);
    expect(analysis).toMatchObject({ format: format.toUpperCase(), width: 40, height: 30, metadata: { pages: 3 } });
    expect(thumbnail(analysis, '480.webp')).toMatchObject({ width: 40, height: 30 });
    for (const { body } of analysis.thumbnails) await expectColorAt(body, 10, 10, FRAME_COLORS[0] ?? [0, 0, 0]);
    expect(analysis.dominantColors).toEqual([{ hex: '#ff0000', pixelPercent: 100 }]);
    // Only the first frame goes to Rekognition too, as a still JPEG.
    expect(await sharp(analysis.visionRendition ?? Buffer.alloc(0)).metadata()).toMatchObject({ format: 'jpeg', width: 40, height: 30 });
  });

  it('reads an animated PNG (APNG) as a PNG, left for Rekognition to read as it is', async () => {
    const analysis = await analyzeImage(await apng(), options);
    expect(analysis).toMatchObject({ format: 'PNG', contentType: 'image/png', width: 20, height: 10, visionRendition: null });
    await expectColorAt(thumbnail(analysis, '480.webp').body, 5, 5, [255, 0, 0]);
  });

  it('converts CMYK to sRGB through a colour profile', async () => {
    const color: Rgb = [200, 60, 40];
    const analysis = await analyzeImage(await cmykJpeg(color), options);
    expect(analysis.metadata).toMatchObject({ colorSpace: 'cmyk', channels: 4, bitDepth: '8' });
    for (const { body } of analysis.thumbnails) {
      expect(await sharp(body).metadata()).toMatchObject({ space: 'srgb', channels: 3, depth: 'uchar' });
      await expectColorAt(body, 20, 20, color, 30);
    }
  });

  it('reduces 16-bit PNG to 8-bit sRGB thumbnails with the same colour', async () => {
    const color: Rgb = [51, 102, 204];
    const analysis = await analyzeImage(await png16(color), options);
    expect(analysis.metadata).toMatchObject({ colorSpace: 'rgb16', channels: 3, bitDepth: '16' });
    for (const { body } of analysis.thumbnails) {
      expect(await sharp(body).metadata()).toMatchObject({ depth: 'uchar', channels: 3 });
      await expectColorAt(body, 20, 20, color, 8);
    }
    expect(analysis.dominantColors).toEqual([{ hex: '#3366cc', pixelPercent: 100 }]);
  });

  it('keeps greyscale grey', async () => {
    const analysis = await analyzeImage(await greyscaleJpeg(90), options);
    expect(analysis.metadata).toMatchObject({ colorSpace: 'b-w', channels: 1, bitDepth: '8' });
    for (const { body } of analysis.thumbnails) await expectColorAt(body, 20, 20, [90, 90, 90], 4);
  });

  it('keeps transparency in WebP and puts it on white in the JPEG', async () => {
    const analysis = await analyzeImage(await halfTransparentPng(), options);
    expect(analysis.metadata).toMatchObject({ hasAlpha: true, channels: 4 });
    const webp = thumbnail(analysis, '480.webp').body;
    expect((await pixelAt(webp, 5, 20))[3]).toBe(0);
    expect((await pixelAt(webp, 75, 20))[3]).toBe(255);
    await expectColorAt(thumbnail(analysis, '160-square.jpg').body, 5, 80, [255, 255, 255], 4);
    expect(analysis.dominantColors).toEqual([{ hex: '#00ff00', pixelPercent: 100 }]);
  });

  it.each([
    ['AVIF', 'image/avif', () => solid(64, 48, [0, 128, 255]).avif().toBuffer()],
    ['TIFF', 'image/tiff', () => solid(64, 48, [0, 128, 255]).tiff().toBuffer()],
  ] as const)('accepts %s and renders a JPEG for Rekognition', async (format, contentType, make) => {
    const analysis = await analyzeImage(await make(), options);
    expect(analysis).toMatchObject({ format, contentType, width: 64, height: 48 });
    expect(await sharp(analysis.visionRendition ?? Buffer.alloc(0)).metadata()).toMatchObject({ format: 'jpeg', width: 64, height: 48 });
  });

  it('enlarges small images into full square crops but never enlarges fitted thumbnails', async () => {
    const analysis = await analyzeImage(await solid(40, 30, [9, 9, 9]).png().toBuffer(), options);
    expect(analysis.thumbnails.map(({ name, width, height }) => [name, width, height])).toEqual([
      ['160-square.webp', 160, 160],
      ['160-square.jpg', 160, 160],
      ['480.webp', 40, 30],
      ['1280.webp', 40, 30],
    ]);
  });

  it('orders thumbnails smallest first and gives the JPEG fallback to the smallest, whatever order the specs come in', async () => {
    const analysis = await analyzeImage(await solid(800, 600, [9, 9, 9]).png().toBuffer(), {
      ...options,
      thumbnails: [
        { size: 300, square: false },
        { size: 64, square: false },
        { size: 100, square: true },
      ],
    });
    expect(analysis.thumbnails.map(({ name, width, height }) => [name, width, height])).toEqual([
      ['64.webp', 64, 48],
      ['64.jpg', 64, 48],
      ['100-square.webp', 100, 100],
      ['300.webp', 300, 225],
    ]);
  });
});

describe('analyzeImage applies EXIF orientation', () => {
  /**
   * Points 10% in from each corner. They fall in the matching quadrant of a fitted thumbnail and of
   * any square crop too: a crop is the full height and 1000 of the 1600 columns, so it always
   * straddles the vertical middle, wherever the smart crop puts it.
   */
  const corners = (width: number, height: number): [number, number, Rgb][] => [
    [Math.round(width * 0.1), Math.round(height * 0.1), QUADRANTS.topLeft],
    [Math.round(width * 0.9), Math.round(height * 0.1), QUADRANTS.topRight],
    [Math.round(width * 0.1), Math.round(height * 0.9), QUADRANTS.bottomLeft],
    [Math.round(width * 0.9), Math.round(height * 0.9), QUADRANTS.bottomRight],
  ];

  it.each([1, 2, 3, 4, 5, 6, 7, 8])('orientation %i: reported upright and every thumbnail comes out upright', async (orientation) => {
    const analysis = await analyzeImage(await orientedJpeg(orientation), options);
    expect(analysis).toMatchObject({ orientation, width: UPRIGHT.width, height: UPRIGHT.height });
    expect(analysis.thumbnails.map(({ name, width, height }) => [name, width, height])).toEqual([
      ['160-square.webp', 160, 160],
      ['160-square.jpg', 160, 160],
      ['480.webp', 480, 300],
      ['1280.webp', 1280, 800],
    ]);
    for (const { body, width, height } of analysis.thumbnails) {
      for (const [x, y, color] of corners(width, height)) await expectColorAt(body, x, y, color);
    }
  });

  it('renders an upright vision JPEG from an oriented WebP', async () => {
    const stored = await sharp(await orientedJpeg(6)).webp({ quality: 90 }).keepExif().toBuffer();
    const analysis = await analyzeImage(stored, options);
    expect(analysis).toMatchObject({ format: 'WEBP', orientation: 6, width: UPRIGHT.width, height: UPRIGHT.height });
    const rendition = analysis.visionRendition ?? Buffer.alloc(0);
    expect(await sharp(rendition).metadata()).toMatchObject({ format: 'jpeg', width: 1600, height: 1000 });
    for (const [x, y, color] of corners(1600, 1000)) await expectColorAt(rendition, x, y, color);
  });
});

describe('analyzeImage on HEIC (HEVC-coded HEIF, as iPhones save photos)', () => {
  let analysis: ImageAnalysis;
  let jpeg: ImageAnalysis;
  beforeAll(async () => {
    [analysis, jpeg] = await Promise.all([analyzeImage(photo('pathHeic'), options), analyzeImage(photo('path'), options)]);
  });

  it('reports the format and the displayed size after the container rotation (irot), not the stored one', () => {
    expect(analysis).toMatchObject({ format: 'HEIC', contentType: 'image/heic', width: 1024, height: 640, orientation: null });
    expect(analysis.metadata).toMatchObject({ colorSpace: 'srgb', channels: 3, bitDepth: '8', hasAlpha: false, pages: 1 });
  });

  it('reads camera, time and GPS from the EXIF item in the HEIF container', () => {
    expect(analysis.exif).toMatchObject({
      takenAt: '2015-09-06T18:46:57Z',
      camera: { make: 'OLYMPUS IMAGING CORP.', model: 'E-M1', focalLength: 7, aperture: 4.5, iso: 200 },
      location: { lat: 48.8582, lon: 2.2945 },
      altitude: 35,
    });
  });

  it('makes upright thumbnails: the same picture as the upright JPEG of the photo', () => {
    expect(analysis.thumbnails.map((t) => [t.name, t.width, t.height])).toEqual(jpeg.thumbnails.map((t) => [t.name, t.width, t.height]));
    // Sideways pixels would share almost nothing with the upright dHash; lossy coding moves a few bits.
    const differing = [...(BigInt(`0x${analysis.perceptualHash}`) ^ BigInt(`0x${jpeg.perceptualHash}`)).toString(2)].filter((bit) => bit === '1');
    expect(differing.length).toBeLessThanOrEqual(6);
  });

  it('renders the upright JPEG Rekognition reads, since Rekognition cannot read HEIC', async () => {
    expect(analysis.visionRendition).not.toBeNull();
    const rendition = await sharp(analysis.visionRendition ?? Buffer.alloc(0)).metadata();
    expect(rendition).toMatchObject({ format: 'jpeg', width: 1024, height: 640 });
  });

  it('decodes the primary image of a multi-image file, not the first one', async () => {
    const burst = await analyzeImage(photo('burstHeic'), options);
    expect(burst).toMatchObject({ format: 'HEIC', width: 96, height: 64 });
    await expectColorAt(thumbnail(burst, '480.webp').body, 40, 30, [0, 0, 255], 40);
  });
});
