import type { ImageDetailFragment } from '../../../src/generated/graphql.ts';

export interface Box {
  kind: 'object' | 'face';
  label: string;
  confidence: number;
  /** Ratios of the image's width and height, 0 to 1. */
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Every located object instance and face, as boxes to draw over the image. */
export function detectionBoxes(image: Pick<ImageDetailFragment, 'labels' | 'faces'>): Box[] {
  const objects = image.labels.flatMap((label) =>
    label.instances.map(({ boundingBox, confidence }) => ({ kind: 'object' as const, label: label.name, confidence, ...boundingBox })),
  );
  const faces = (image.faces?.details ?? []).map(({ boundingBox, confidence, emotions }) => ({
    kind: 'face' as const,
    label: emotions[0] ? `Face, ${emotions[0].type.toLowerCase()}` : 'Face',
    confidence,
    ...boundingBox,
  }));
  return [...objects, ...faces].map(({ kind, label, confidence, left, top, width, height }) => ({ kind, label, confidence, left, top, width, height }));
}

/** The EXIF rows worth showing, in words and units. */
export function exifRows(image: Pick<ImageDetailFragment, 'camera' | 'takenAt' | 'width' | 'height' | 'format' | 'bytes'>): [string, string][] {
  const camera = image.camera;
  const rows: [string, string | null | undefined][] = [
    ['Taken', image.takenAt ? new Date(image.takenAt).toLocaleString() : null],
    ['Camera', camera?.name ?? null],
    ['Lens', camera?.lens],
    ['Focal length', camera?.focalLength ? `${camera.focalLength} mm` : null],
    ['Aperture', camera?.aperture ? `f/${camera.aperture}` : null],
    ['Exposure', camera?.exposureTime ? exposure(camera.exposureTime) : null],
    ['ISO', camera?.iso ? String(camera.iso) : null],
    ['Size', image.width && image.height ? `${image.width} × ${image.height}` : null],
    ['Format', image.format],
    ['File size', image.bytes ? `${(image.bytes / 1024 ** 2).toFixed(1)} MB` : null],
  ];
  return rows.filter((row): row is [string, string] => Boolean(row[1]));
}

function exposure(seconds: number): string {
  return seconds >= 1 ? `${seconds} s` : `1/${Math.round(1 / seconds)} s`;
}

export function mapUrl(lat: number, lon: number): string {
  return `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=15/${lat}/${lon}`;
}
