import { describe, expect, it } from 'vitest';
import { detectionBoxes, exifRows, mapUrl } from './boxes.ts';

const box = (left: number) => ({ __typename: 'BoundingBox' as const, left, top: 0.1, width: 0.2, height: 0.3 });

describe('detectionBoxes', () => {
  it('draws every object instance and every face', () => {
    const boxes = detectionBoxes({
      labels: [
        { name: 'Dog', confidence: 98, parents: [], categories: [], instances: [{ confidence: 97, boundingBox: box(0.1) }, { confidence: 90, boundingBox: box(0.5) }] },
        { name: 'Grass', confidence: 80, parents: [], categories: [], instances: [] },
      ],
      faces: { count: 1, details: [{ confidence: 99, boundingBox: box(0.7), emotions: [{ type: 'HAPPY', confidence: 90 }] }] },
    });
    expect(boxes).toEqual([
      { kind: 'object', label: 'Dog', confidence: 97, left: 0.1, top: 0.1, width: 0.2, height: 0.3 },
      { kind: 'object', label: 'Dog', confidence: 90, left: 0.5, top: 0.1, width: 0.2, height: 0.3 },
      { kind: 'face', label: 'Face, happy', confidence: 99, left: 0.7, top: 0.1, width: 0.2, height: 0.3 },
    ]);
  });
});

describe('exifRows', () => {
  it('shows the known fields in words and units, and skips unknown ones', () => {
    const rows = exifRows({
      takenAt: null,
      width: 4000,
      height: 3000,
      format: 'JPEG',
      bytes: 3 * 1024 ** 2,
      camera: { name: 'Sony NEX-3N', make: 'SONY', model: 'NEX-3N', lens: null, focalLength: 16, aperture: 2.8, exposureTime: 0.004, iso: 200 },
    });
    expect(rows).toEqual([
      ['Camera', 'Sony NEX-3N'],
      ['Focal length', '16 mm'],
      ['Aperture', 'f/2.8'],
      ['Exposure', '1/250 s'],
      ['ISO', '200'],
      ['Size', '4000 × 3000'],
      ['Format', 'JPEG'],
      ['File size', '3.0 MB'],
    ]);
  });

  it('links a place to the map', () => {
    expect(mapUrl(45.76, 4.84)).toBe('https://www.openstreetmap.org/?mlat=45.76&mlon=4.84#map=15/45.76/4.84');
  });
});
