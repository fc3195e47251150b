/** Images as the API answers them, for the web app's component tests. */
const bbox = (left: number) => ({ __typename: 'BoundingBox', left, top: 0.2, width: 0.3, height: 0.4 });

/** A processed image with every field the web app's Image query selects. */
export const image = {
  __typename: 'Image',
  id: 'img-1',
  fileName: 'dog.jpg',
  contentType: 'image/jpeg',
  bytes: 2 * 1024 ** 2,
  width: 4000,
  height: 3000,
  format: 'JPEG',
  orientation: 1,
  takenAt: null,
  uploadedAt: '2026-01-01T00:00:00Z',
  camera: { __typename: 'Camera', name: 'SONY NEX-3N', make: 'SONY', model: 'NEX-3N', lens: null, focalLength: 16, aperture: 2.8, exposureTime: 0.004, iso: 200 },
  location: { __typename: 'GeoPoint', lat: 45.76, lon: 4.84, altitude: null },
  labels: [
    { __typename: 'Label', name: 'Dog', confidence: 97.52, parents: ['Animal'], categories: [], instances: [{ __typename: 'LabelInstance', confidence: 97, boundingBox: bbox(0.1) }] },
    { __typename: 'Label', name: 'Grass', confidence: 81, parents: [], categories: [], instances: [] },
  ],
  detectedText: ['GOOD BOY'],
  faces: { __typename: 'Faces', count: 1, details: [{ __typename: 'Face', confidence: 99, boundingBox: bbox(0.6), emotions: [] }] },
  moderationLabels: [],
  dominantColors: [],
  sha256: 'ab',
  perceptualHash: '00',
  duplicateOf: 'img-0',
  nearDuplicateOf: null,
  thumbnails: [{ __typename: 'Thumbnail', size: 1280, width: 1280, height: 960, format: 'WEBP', square: false, url: 'http://s3.test/1280.webp' }],
  originalUrl: 'http://s3.test/original.jpg',
  status: 'PROCESSED',
  failureReason: null,
};
