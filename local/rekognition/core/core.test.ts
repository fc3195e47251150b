import { describe, expect, it } from 'vitest';
import type { Box, ObjectDetection } from './detections.ts';
import { RekognitionError } from './errors.ts';
import { FACE_GATES, facesResponse } from './faces.ts';
import { fromLetterbox, letterboxContent, needsZoomedOutView, toPhoto, withZoomedOutAnimals } from './letterbox.ts';
import { labelsResponse, objectConfidence } from './labels.ts';
import { checkDimensions, checkImageSize, imageFormat, MAX_BYTES_IMAGE, MAX_S3_IMAGE } from './limits.ts';
import { moderationResponse } from './moderation.ts';
import { type LabelOptions, parseRequest } from './requests.ts';
import { DETECTOR_CLASSES, taxonomyOf } from './taxonomy.ts';
import { legibleLines, mergeTextPasses, textResponse } from './text.ts';
import { imageProperties, imagePropertiesResponse } from './colors.ts';

const box = { left: 0.1, top: 0.2, width: 0.3, height: 0.4 };
const labelOptions = (overrides: Partial<LabelOptions> = {}): LabelOptions => ({
  ...(parseRequest('DetectLabels', { Image: { Bytes: 'AA==' } }).options as LabelOptions),
  ...overrides,
});

function rejects(run: () => unknown, type: string, message?: RegExp): void {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(RekognitionError);
    expect((error as RekognitionError).type).toBe(type);
    if (message) expect((error as RekognitionError).message).toMatch(message);
    return;
  }
  throw new Error(`expected ${type}`);
}

describe('taxonomy', () => {
  it('maps every COCO class to a named label with a category', () => {
    expect(DETECTOR_CLASSES).toHaveLength(80);
    for (const cocoClass of DETECTOR_CLASSES) {
      const entry = taxonomyOf(cocoClass);
      expect(entry?.name).toMatch(/^[A-Z]/);
      expect(entry?.category).toMatch(/^[A-Z]/);
    }
    expect(taxonomyOf('truck')).toMatchObject({ name: 'Truck', parents: ['Vehicle', 'Transportation'], category: 'Vehicles and Automotive' });
    expect(taxonomyOf('cup')).toMatchObject({ name: 'Cup', category: 'Food and Beverage' });
    expect(taxonomyOf('unicorn')).toBeUndefined();
  });
});

describe('DetectLabels response', () => {
  const objects: ObjectDetection[] = [
    { className: 'truck', score: 0.6, box },
    { className: 'truck', score: 0.4, box: { ...box, left: 0.5 } },
    { className: 'person', score: 0.25, box },
    { className: 'unicorn', score: 0.9, box },
  ];

  it('calibrates detector scores monotonically onto 0-100', () => {
    expect(objectConfidence(0.2)).toBeCloseTo(55);
    expect(objectConfidence(0.3)).toBeCloseTo(70);
    expect(objectConfidence(0.45)).toBeGreaterThan(objectConfidence(0.3));
    expect(objectConfidence(1)).toBeLessThanOrEqual(100);
  });

  it('asks more of animals, which the detector confuses with each other', () => {
    expect(objectConfidence(0.47, 'dog')).toBeLessThan(70);
    expect(objectConfidence(0.5, 'bird')).toBeCloseTo(70);
    expect(objectConfidence(0.47, 'car')).toBeGreaterThan(70);
  });

  it('labels legible writing Text, and a page of it Document, without instances', () => {
    const word = (text: string, confidence = 90) => ({ text, confidence, box });
    const line = (...words: ReturnType<typeof word>[]) => ({ ...word(words.map((w) => w.text).join(' ')), words });
    const names = (lines: ReturnType<typeof line>[]) => (labelsResponse([], lines, undefined, labelOptions()).Labels ?? []).map((l) => [l.Name, l.Instances?.length]);
    expect(names([line(word('NOTICE', 80))])).toEqual([['Text', 0]]);
    expect(names([line(word('No'), word('parking'))])).toEqual([['Text', 0]]);
    // Texture read as symbols or at low confidence is no text.
    expect(names([line(word('|'), word('=='), word('Ee', 40), word('SEPA', 55))])).toEqual([]);
    // So are short fragments, however confident: water read as "I d 77", fur as "FAK re".
    expect(names([line(word('77'), word('ii'), word('FAK'), word('re'))])).toEqual([]);
    expect(names([line(word('FAK'), word('vil'))])).toEqual([['Text', 0]]);
    const page = line(...Array.from({ length: 20 }, (_, i) => word(`word${i}`)));
    expect(names([page])).toEqual([
      ['Text', 0],
      ['Document', 0],
    ]);
    expect(labelsResponse([], [page], undefined, labelOptions()).Labels?.[1]?.Parents).toEqual([{ Name: 'Text' }]);
    // Legible (60+) writing passes the pipeline's MinConfidence of 70.
    const faint = labelsResponse([], [line(word('centre', 61))], undefined, labelOptions({ minConfidence: 70 })).Labels ?? [];
    expect(faint.map((l) => l.Name)).toEqual(['Text']);
    expect(faint[0]?.Confidence).toBeGreaterThanOrEqual(70);
  });

  it('groups instances per label, adds ancestors as labels, sorts by confidence', () => {
    const { Labels = [], LabelModelVersion } = labelsResponse(objects, [], undefined, labelOptions());
    expect(LabelModelVersion).toBe('3.0');
    expect(Labels.map((l) => l.Name)).toEqual(['Truck', 'Vehicle', 'Transportation', 'Person']);
    const truck = Labels[0];
    expect(truck?.Instances).toHaveLength(2);
    expect(truck?.Parents).toEqual([{ Name: 'Vehicle' }, { Name: 'Transportation' }]);
    expect(truck?.Categories).toEqual([{ Name: 'Vehicles and Automotive' }]);
    expect(truck?.Aliases).toEqual([{ Name: 'Lorry' }]);
    expect(Labels[1]).toMatchObject({ Name: 'Vehicle', Parents: [{ Name: 'Transportation' }], Instances: [] });
    expect(truck?.Instances?.[0]?.BoundingBox).toEqual({ Left: 0.1, Top: 0.2, Width: 0.3, Height: 0.4 });
  });

  it('honours MinConfidence, MaxLabels and the inclusion and exclusion filters', () => {
    const names = (options: Partial<LabelOptions>) => (labelsResponse(objects, [], undefined, labelOptions(options)).Labels ?? []).map((l) => l.Name);
    expect(names({ minConfidence: 70 })).toEqual(['Truck', 'Vehicle', 'Transportation']);
    expect(labelsResponse(objects, [], undefined, labelOptions({ minConfidence: 80 })).Labels?.[0]?.Instances).toHaveLength(1);
    expect(names({ maxLabels: 1 })).toEqual(['Truck']);
    const filters = labelOptions().filters;
    expect(names({ filters: { ...filters, includeLabels: ['Person'] } })).toEqual(['Person']);
    expect(names({ filters: { ...filters, excludeCategories: ['Vehicles and Automotive'] } })).toEqual(['Person']);
  });

  it('adds ImageProperties only when asked, and labels only with GENERAL_LABELS', () => {
    const properties = { brightness: 50, sharpness: 10, contrast: 20, dominantColors: [{ red: 255, green: 0, blue: 0, pixelPercent: 100 }] };
    expect(labelsResponse(objects, [], properties, labelOptions()).ImageProperties).toBeUndefined();
    const both = labelsResponse(objects, [], properties, labelOptions({ imageProperties: true }));
    expect(both.ImageProperties?.DominantColors?.[0]).toMatchObject({ HexCode: '#ff0000', CSSColor: 'red', SimplifiedColor: 'red' });
    const only = parseRequest('DetectLabels', { Image: { Bytes: 'AA==' }, Features: ['IMAGE_PROPERTIES'] }).options as LabelOptions;
    expect(labelsResponse(objects, [], properties, only).Labels).toBeUndefined();
  });
});

describe('image properties', () => {
  it('finds the dominant colours and their shares', () => {
    // 3 red pixels, 1 blue.
    const pixels = Uint8Array.from([250, 10, 10, 250, 10, 10, 250, 10, 10, 10, 10, 250]);
    const properties = imageProperties(pixels, 2, 2);
    expect(properties.dominantColors.map((c) => [c.red, c.blue, c.pixelPercent])).toEqual([
      [250, 10, 75],
      [10, 250, 25],
    ]);
    const response = imagePropertiesResponse(properties, 1);
    expect(response.DominantColors).toHaveLength(1);
    expect(response.Quality?.Brightness).toBeGreaterThan(0);
  });
});

describe('DetectModerationLabels response', () => {
  it('maps nsfwjs classes onto the moderation taxonomy above MinConfidence', () => {
    const scores = { Porn: 0.8, Sexy: 0.15, Neutral: 0.05, Drawing: 0, Hentai: 0 };
    expect(moderationResponse(scores, { minConfidence: 50 })).toEqual({
      ModerationLabels: [
        { Name: 'Explicit', ParentName: '', Confidence: 80, TaxonomyLevel: 1 },
        { Name: 'Explicit Nudity', ParentName: 'Explicit', Confidence: 80, TaxonomyLevel: 2 },
      ],
      ModerationModelVersion: '7.0',
    });
    expect(moderationResponse(scores, { minConfidence: 10 }).ModerationLabels?.map((l) => l.Name)).toContain('Swimwear or Underwear');
    expect(moderationResponse({ Neutral: 1 }, { minConfidence: 0 }).ModerationLabels).toEqual([]);
  });
});

describe('DetectText response', () => {
  const word = (text: string, confidence: number, left: number) => ({ text, confidence, box: { left, top: 0.1, width: 0.1, height: 0.05 } });
  const lines = [
    { ...word('hello world', 90, 0.1), words: [word('hello', 95, 0.1), word('world', 65, 0.3)] },
    { ...word('goodbye', 80, 0.7), words: [word('goodbye', 80, 0.7)] },
  ];

  it('lists LINEs then WORDs with ParentId and polygons', () => {
    const { TextDetections = [] } = textResponse(lines, { minConfidence: 0, minBoxHeight: 0, minBoxWidth: 0, regions: [] });
    expect(TextDetections.map((d) => [d.Type, d.Id, d.ParentId, d.DetectedText])).toEqual([
      ['LINE', 0, undefined, 'hello world'],
      ['LINE', 1, undefined, 'goodbye'],
      ['WORD', 2, 0, 'hello'],
      ['WORD', 3, 0, 'world'],
      ['WORD', 4, 1, 'goodbye'],
    ]);
    expect(TextDetections[0]?.Geometry?.Polygon).toHaveLength(4);
  });

  it('applies WordFilter and RegionsOfInterest to words', () => {
    const confident = textResponse(lines, { minConfidence: 70, minBoxHeight: 0, minBoxWidth: 0, regions: [] });
    expect(confident.TextDetections?.filter((d) => d.Type === 'LINE').map((d) => d.DetectedText)).toEqual(['hello', 'goodbye']);
    const region = textResponse(lines, { minConfidence: 0, minBoxHeight: 0, minBoxWidth: 0, regions: [{ left: 0.6, top: 0, width: 0.4, height: 1 }] });
    expect(region.TextDetections?.map((d) => d.DetectedText)).toEqual(['goodbye', 'goodbye']);
  });

  it("drops what is below the OCR model's noise floor: symbols, single characters, low confidence", () => {
    const noisy = [{ ...word('| == a Ee x9 EXIT', 90, 0.1), words: [word('|', 93, 0.1), word('==', 78, 0.2), word('a', 90, 0.3), word('Ee', 40, 0.4), word('x9', 61, 0.5), word('EXIT', 61, 0.6)] }];
    expect(textResponse(noisy, { minConfidence: 0, minBoxHeight: 0, minBoxWidth: 0, regions: [] }).TextDetections?.map((d) => d.DetectedText)).toEqual(['x9 EXIT', 'x9', 'EXIT']);
  });

  it('drops a line left with one word of fewer than 4 letters or digits: texture read as "ok" or "77"', () => {
    const alone = (text: string, confidence = 94) => ({ ...word(text, confidence, 0.1), words: [word(text, confidence, 0.1)] });
    const lines = [alone('ok'), alone('FAK'), alone('21.'), alone('TAXI', 61), alone('2024'), { ...word('TO LET | x', 90, 0.1), words: [word('TO', 90, 0.1), word('LET', 90, 0.2), word('|', 90, 0.3)] }];
    expect(legibleLines(lines).map((line) => line.words.map((w) => w.text).join(' '))).toEqual(['TAXI', '2024', 'TO LET']);
    // A short word and symbols: one legible word of two letters, so no line.
    expect(legibleLines([{ ...word('NO =', 96, 0.1), words: [word('NO', 96, 0.1), word('=', 96, 0.2)] }])).toEqual([]);
  });
});

describe('DetectFaces response', () => {
  const face = { score: 0.9, meshScore: 0.99, box, emotions: [{ emotion: 'happy', score: 0.7 }, { emotion: 'neutral', score: 0.3 }] };
  const person: ObjectDetection = { className: 'person', score: 0.6, box: { left: 0, top: 0, width: 0.6, height: 1 } };
  it('reports emotions only when asked for, as Rekognition types', () => {
    expect(facesResponse([face], [person], { emotions: false }).FaceDetails?.[0]).toEqual({ BoundingBox: { Left: 0.1, Top: 0.2, Width: 0.3, Height: 0.4 }, Confidence: 90 });
    const emotions = facesResponse([face], [person], { emotions: true }).FaceDetails?.[0]?.Emotions ?? [];
    expect(emotions.slice(0, 2)).toEqual([
      { Type: 'HAPPY', Confidence: 70 },
      { Type: 'CALM', Confidence: 30 },
    ]);
    expect(emotions).toHaveLength(7);
  });

  it('keeps only faces that pass every gate: detector, mesh, size and a person around them', () => {
    const count = (faces: (typeof face)[], objects: ObjectDetection[] = [person]) => facesResponse(faces, objects, { emotions: false }).FaceDetails?.length;
    expect(count([face])).toBe(1);
    expect(count([{ ...face, score: FACE_GATES.minScore - 0.01 }])).toBe(0);
    expect(count([{ ...face, meshScore: FACE_GATES.minMeshScore - 0.01 }])).toBe(0);
    expect(count([{ ...face, box: { ...box, width: FACE_GATES.minSide / 2 } }])).toBe(0);
    // The baboon: a confident face and mesh, but no person in the picture.
    expect(count([face], [])).toBe(0);
    expect(count([face], [{ ...person, box: { left: 0.7, top: 0, width: 0.3, height: 1 } }])).toBe(0);
    expect(count([face], [{ ...person, className: 'dog' }])).toBe(0);
  });
});

describe('requests', () => {
  it('reads Bytes and S3Object images and the defaults', () => {
    const parsed = parseRequest('DetectLabels', { Image: { S3Object: { Bucket: 'photos', Name: 'a.jpg' } } });
    expect(parsed).toMatchObject({ image: { s3: { bucket: 'photos', name: 'a.jpg' } }, options: { minConfidence: 55, generalLabels: true, imageProperties: false } });
    const moderation = parseRequest('DetectModerationLabels', { Image: { Bytes: 'AQID' } });
    expect(moderation.options).toEqual({ minConfidence: 50 });
    expect('bytes' in moderation.image && [...moderation.image.bytes]).toEqual([1, 2, 3]);
    expect(parseRequest('DetectFaces', { Image: { Bytes: 'AA==' }, Attributes: ['ALL'] }).options).toEqual({ emotions: true });
  });

  it('refuses malformed requests with InvalidParameterException', () => {
    rejects(() => parseRequest('DetectLabels', {}), 'InvalidParameterException');
    rejects(() => parseRequest('DetectLabels', { Image: { Bytes: 'AA==', S3Object: { Bucket: 'abc', Name: 'x' } } }), 'InvalidParameterException', /either contain bytes or s3 object/);
    rejects(() => parseRequest('DetectLabels', { Image: { Bytes: 'AA==' }, MinConfidence: 101 }), 'InvalidParameterException', /MinConfidence/);
    rejects(() => parseRequest('DetectLabels', { Image: { Bytes: 'AA==' }, MaxLabels: -1 }), 'InvalidParameterException', /MaxLabels/);
    rejects(() => parseRequest('DetectLabels', { Image: { Bytes: 'AA==' }, Features: ['COLORS'] }), 'InvalidParameterException', /COLORS/);
    rejects(() => parseRequest('DetectLabels', { Image: { Bytes: 'AA==' }, Settings: { ImageProperties: { MaxDominantColors: 21 } } }), 'InvalidParameterException');
    rejects(() => parseRequest('DetectLabels', { Image: { S3Object: { Bucket: 'ab', Name: 'x' } } }), 'InvalidParameterException', /Bucket/);
    rejects(() => parseRequest('DetectText', { Image: { Bytes: 'AA==' }, Filters: { RegionsOfInterest: [{ Polygon: [] }] } }), 'InvalidParameterException', /Polygon/);
    rejects(() => parseRequest('DetectFaces', { Image: { Bytes: 'AA==' }, Attributes: ['AURA'] }), 'InvalidParameterException', /AURA/);
    rejects(() => parseRequest('DetectModerationLabels', { Image: { Bytes: 'AA==' }, HumanLoopConfig: {} }), 'InvalidParameterException', /HumanLoopConfig/);
  });
});

describe('image limits', () => {
  it('accepts JPEG and PNG only', () => {
    expect(imageFormat(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('jpeg');
    expect(imageFormat(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe('png');
    rejects(() => imageFormat(Buffer.from('GIF89a')), 'InvalidImageFormatException');
  });

  it('enforces 5 MB for Bytes, 15 MB for S3 objects and 80 pixels per side', () => {
    expect(MAX_BYTES_IMAGE).toBe(5_242_880);
    checkImageSize(MAX_BYTES_IMAGE, 'Bytes');
    rejects(() => checkImageSize(MAX_BYTES_IMAGE + 1, 'Bytes'), 'ImageTooLargeException');
    checkImageSize(MAX_S3_IMAGE, 'S3Object');
    rejects(() => checkImageSize(MAX_S3_IMAGE + 1, 'S3Object'), 'ImageTooLargeException');
    checkDimensions(80, 80);
    rejects(() => checkDimensions(79, 500), 'InvalidParameterException');
  });
});

describe('letterbox', () => {
  const expectBox = (actual: Box, expected: Box) => {
    for (const side of ['left', 'top', 'width', 'height'] as const) expect(actual[side], side).toBeCloseTo(expected[side]);
  };

  it('places a landscape photo across the square, centred, and maps boxes back onto it', () => {
    const content = letterboxContent(600, 400);
    expectBox(content, { left: 0, top: 1 / 6, width: 1, height: 2 / 3 });
    // The photo's lower half, as the detector saw it in the square.
    expectBox(fromLetterbox({ left: 0.25, top: 0.5, width: 0.5, height: 1 / 3 }, content), { left: 0.25, top: 0.5, width: 0.5, height: 0.5 });
  });

  it('clips what reaches into the padding, and leaves a square photo as it is', () => {
    const portrait = letterboxContent(300, 600);
    expectBox(portrait, { left: 0.25, top: 0, width: 0.5, height: 1 });
    expectBox(fromLetterbox({ left: 0.1, top: 0.2, width: 0.3, height: 0.9 }, portrait), { left: 0, top: 0.2, width: 0.3, height: 0.8 });
    const box = { left: 0.1, top: 0.2, width: 0.3, height: 0.4 };
    expectBox(fromLetterbox(box, letterboxContent(512, 512)), box);
  });

  it('drops what was found in the padding alone', () => {
    const content = letterboxContent(600, 300);
    const found: ObjectDetection[] = [
      { className: 'cup', score: 0.5, box: { left: 0.2, top: 0.3, width: 0.2, height: 0.2 } },
      { className: 'kite', score: 0.3, box: { left: 0.2, top: 0.05, width: 0.2, height: 0.1 } },
    ];
    expect(toPhoto(found, content).map((object) => object.className)).toEqual(['cup']);
  });

  it('zoomed out, places the photo in the middle of the square', () => {
    const content = letterboxContent(600, 400, 0.5);
    expectBox(content, { left: 0.25, top: 1 / 3, width: 0.5, height: 1 / 3 });
    expectBox(fromLetterbox({ left: 0.5, top: 0.5, width: 0.25, height: 1 / 6 }, content), { left: 0.5, top: 0.5, width: 0.5, height: 0.5 });
  });

  it('takes only animals from the zoomed-out view, one box per animal with the higher score', () => {
    const whole = { left: 0, top: 0, width: 0.9, height: 0.9 };
    const letterboxed: ObjectDetection[] = [
      { className: 'dog', score: 0.23, box: whole },
      { className: 'person', score: 0.21, box: whole },
    ];
    const zoomedOut: ObjectDetection[] = [
      { className: 'dog', score: 0.6, box: { ...whole, left: 0.05 } },
      { className: 'cat', score: 0.3, box: { left: 0.5, top: 0.5, width: 0.2, height: 0.2 } },
      { className: 'scissors', score: 0.5, box: whole },
      { className: 'dog', score: 0.1, box: { left: 0.9, top: 0.9, width: 0.05, height: 0.05 } },
    ];
    expect(withZoomedOutAnimals(letterboxed, zoomedOut)).toEqual([
      { className: 'dog', score: 0.6, box: whole },
      { className: 'person', score: 0.21, box: whole },
      zoomedOut[1],
      zoomedOut[3],
    ]);
    expect(withZoomedOutAnimals(letterboxed, [])).toEqual(letterboxed);
  });

  it('looks zoomed out only when the letterboxed view found an animal, however weakly', () => {
    const box = { left: 0, top: 0, width: 0.9, height: 0.9 };
    expect(needsZoomedOutView([{ className: 'person', score: 0.8, box }, { className: 'dog', score: 0.21, box }])).toBe(true);
    expect(needsZoomedOutView([{ className: 'bird', score: 0.2, box }])).toBe(true);
    expect(needsZoomedOutView([{ className: 'person', score: 0.8, box }, { className: 'couch', score: 0.5, box }])).toBe(false);
    expect(needsZoomedOutView([])).toBe(false);
  });
});

describe('merging OCR passes', () => {
  const at = (text: string, left: number, top: number, confidence = 90) => ({ text, confidence, box: { left, top, width: 0.2, height: 0.05 } });
  const line = (text: string, left: number, top: number, confidence = 90) => ({ ...at(text, left, top, confidence), words: text.split(' ').map((word, i) => at(word, left + i * 0.05, top, confidence)) });

  it('keeps the better reading of the same line and adds lines only the other pass read', () => {
    const first = [line('NOTICE', 0.1, 0.1), line('PARK1NG x', 0.1, 0.3, 65), line('ship', 0.5, 0.8)];
    const second = [line('DOUBLE PARKING', 0.12, 0.3), line('TIMES', 0.4, 0.5), line('NO', 0.1, 0.1)];
    expect(mergeTextPasses(first, second).map((l) => l.text)).toEqual(['NOTICE', 'DOUBLE PARKING', 'TIMES', 'ship']);
  });

  it('drops what neither pass read legibly', () => {
    expect(mergeTextPasses([line('|', 0.1, 0.1)], [line('~ =', 0.5, 0.5), line('Ee', 0.2, 0.2, 40)])).toEqual([]);
  });
});
