/**
 * A small, hand-checked set of image documents for the resolver conformance cases: two owners,
 * every status, a moderated image, and values chosen so that each filter, sort and facet has an
 * answer that can be worked out by reading this file.
 */
import { ALICE, BOB } from '../../../resolvers/__tests__/context.ts';
import type { ImageDocument } from '../../../resolvers/lib/imageDocument.ts';
import { deletedDocument, failedDocument } from '../../../functions/process-image/image-document.ts';

export { ALICE, BOB };

export const MARSEILLE = { lat: 43.2965, lon: 5.3698 };
/** ~17 km from Marseille. */
export const CASSIS = { lat: 43.214, lon: 5.5396 };
export const LYON = { lat: 45.764, lon: 4.8357 };

function image(id: string, ownerSub: string, fields: Partial<ImageDocument>): ImageDocument {
  const fileName = fields.fileName ?? `${id}.jpg`;
  const labelNames = fields.labelNames ?? [];
  const uploadedAt = fields.uploadedAt ?? '2024-01-01T00:00:00.000Z';
  return {
    id,
    ownerSub,
    fileName,
    contentType: 'image/jpeg',
    bytes: 123_456,
    uploadedAt,
    originalKey: `uploads/${ownerSub}/${id}/${fileName}`,
    etag: `etag-${id}`,
    sequencer: `00${id}`,
    status: 'PROCESSED',
    thumbnails: [{ size: 160, width: 160, height: 160, format: 'WEBP', square: true, key: `thumbnails/${ownerSub}/${id}/160s.webp` }],
    labels: labelNames.map((name) => ({ name, confidence: 95, parents: [], categories: [], instances: [] })),
    labelNames,
    detectedText: [],
    moderationLabels: [],
    moderated: false,
    faces: null,
    faceCount: 0,
    dominantColors: [{ hex: '#336699', pixelPercent: 40 }],
    location: null,
    altitude: null,
    cameraName: null,
    sha256: id.padEnd(64, '0'),
    ...fields,
  };
}

function faces(count: number): Pick<ImageDocument, 'faces' | 'faceCount'> {
  const details = Array.from({ length: count }, () => ({
    confidence: 99,
    boundingBox: { left: 0.1, top: 0.1, width: 0.2, height: 0.2 },
    emotions: [{ type: 'HAPPY', confidence: 90 }],
  }));
  return { faces: { count, details }, faceCount: count };
}

function camera(make: string, model: string): Pick<ImageDocument, 'camera' | 'cameraName'> {
  return { camera: { make, model, iso: 100, aperture: 2.8, exposureTime: 0.004, focalLength: 35 }, cameraName: `${make} ${model}` };
}

export const IMAGES: ImageDocument[] = [
  image('00000000000000000000000A01', ALICE, {
    fileName: 'beach-sunset.jpg',
    labelNames: ['Beach', 'Sunset', 'Sea'],
    format: 'JPEG',
    width: 4000,
    height: 3000,
    takenAt: '2023-07-14T18:00:00.000Z',
    uploadedAt: '2024-01-10T10:00:00.000Z',
    ...camera('Canon', 'EOS R5'),
    location: MARSEILLE,
    altitude: 12,
  }),
  image('00000000000000000000000A02', ALICE, {
    fileName: 'IMG_0002.png',
    contentType: 'image/png',
    labelNames: ['Dog', 'Grass'],
    format: 'PNG',
    width: 1200,
    height: 800,
    takenAt: '2022-05-01T09:00:00.000Z',
    uploadedAt: '2024-01-11T10:00:00.000Z',
    ...camera('Apple', 'iPhone 13'),
    location: LYON,
    ...faces(2),
  }),
  image('00000000000000000000000A03', ALICE, {
    fileName: 'family-dinner.jpg',
    labelNames: ['Person', 'Food', 'Table'],
    format: 'JPEG',
    width: 3000,
    height: 4000,
    takenAt: '2023-12-24T20:00:00.000Z',
    uploadedAt: '2024-01-12T10:00:00.000Z',
    ...camera('Apple', 'iPhone 13'),
    ...faces(4),
  }),
  image('00000000000000000000000A04', ALICE, {
    fileName: 'scan.webp',
    contentType: 'image/webp',
    labelNames: ['Text', 'Document'],
    format: 'WEBP',
    width: 800,
    height: 600,
    uploadedAt: '2024-01-13T10:00:00.000Z',
    detectedText: ['INVOICE 42', 'Total due'],
    duplicateOf: '00000000000000000000000A03',
  }),
  image('00000000000000000000000A05', ALICE, {
    fileName: 'beach-volley.jpg',
    labelNames: ['Beach', 'Person', 'Ball'],
    format: 'JPEG',
    width: 2000,
    height: 1500,
    takenAt: '2021-08-02T15:00:00.000Z',
    uploadedAt: '2024-01-14T10:00:00.000Z',
    ...camera('Canon', 'EOS R5'),
    location: CASSIS,
    ...faces(3),
    nearDuplicateOf: '00000000000000000000000A01',
  }),
  image('00000000000000000000000A06', ALICE, {
    fileName: 'party.jpg',
    labelNames: ['Person', 'Beach'],
    format: 'JPEG',
    width: 1000,
    height: 1000,
    takenAt: '2023-06-01T22:00:00.000Z',
    uploadedAt: '2024-01-15T10:00:00.000Z',
    moderationLabels: [{ name: 'Suggestive', parentName: '', confidence: 91 }],
    moderated: true,
  }),
  deletedDocument(ALICE, '00000000000000000000000A07', '00a07'),
  {
    ...image('00000000000000000000000A08', ALICE, { fileName: 'upload.heic', uploadedAt: '2024-01-17T10:00:00.000Z' }),
    status: 'PROCESSING',
    thumbnails: [],
    dominantColors: [],
    sha256: null,
  },
  failedDocument(
    {
      ownerSub: ALICE,
      imageId: '00000000000000000000000A09',
      key: `uploads/${ALICE}/a09/notes.txt`,
      fileName: 'notes.txt',
      contentType: 'text/plain',
      bytes: 512,
      etag: 'etag-a09',
      sequencer: '00a09',
      uploadedAt: '2024-01-18T10:00:00.000Z',
    },
    'not an image',
  ),
  image('00000000000000000000000A10', ALICE, {
    fileName: 'dog-walk.jpg',
    labelNames: ['Park', 'Tree', 'Sky'],
    format: 'JPEG',
    width: 1600,
    height: 1200,
    takenAt: '2020-04-04T08:00:00.000Z',
    uploadedAt: '2024-01-09T10:00:00.000Z',
    ...camera('SONY', 'ILCE-7M3'),
  }),
  image('00000000000000000000000B01', BOB, {
    fileName: 'beach.jpg',
    labelNames: ['Beach', 'Dog'],
    format: 'JPEG',
    width: 1000,
    height: 800,
    takenAt: '2023-07-14T18:00:00.000Z',
    uploadedAt: '2024-01-10T11:00:00.000Z',
    ...camera('Canon', 'EOS R5'),
    location: MARSEILLE,
  }),
  image('00000000000000000000000B02', BOB, {
    fileName: 'dog-park.png',
    contentType: 'image/png',
    labelNames: ['Dog'],
    format: 'PNG',
    width: 640,
    height: 480,
    uploadedAt: '2024-01-11T11:00:00.000Z',
  }),
];

/** Alice's images that searchImages shows by default (not deleted, not moderated), newest first. */
export const ALICE_VISIBLE_NEWEST = ['00000000000000000000000A09', '00000000000000000000000A08', '00000000000000000000000A05', '00000000000000000000000A04', '00000000000000000000000A03', '00000000000000000000000A02', '00000000000000000000000A01', '00000000000000000000000A10'];
