/**
 * The pipeline asks for labels, faces, text and moderation of one image at once, and labels need
 * the text (Text/Document labels) while faces need the objects (the person gate): each model runs
 * once per image, and every call for that image shares its result. Keyed by the bytes' SHA-256,
 * computed once per image read (service.ts); a failed run is forgotten so that a retry runs
 * again; the oldest images are dropped first.
 */
import { createHash } from 'node:crypto';
import type { DetectionKind, Detections } from './analysis.ts';

/** An image that passed Rekognition's checks, with the hash of its bytes. */
export interface CheckedImage {
  bytes: Uint8Array;
  hash: string;
}

export function contentHash(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export type Detect = <K extends DetectionKind>(kind: K, image: CheckedImage) => Promise<Detections[K]>;

/** Images whose results are kept: a few batches' worth of concurrent calls. */
const DEFAULT_IMAGES = 32;

export class DetectionCache {
  private readonly images = new Map<string, Map<DetectionKind, Promise<unknown>>>();

  constructor(
    private readonly detect: Detect,
    private readonly maxImages = DEFAULT_IMAGES,
  ) {}

  /** One image's detections, each run on first use. */
  of(image: CheckedImage): <K extends DetectionKind>(kind: K) => Promise<Detections[K]> {
    const runs = this.images.get(image.hash) ?? new Map<DetectionKind, Promise<unknown>>();
    // Re-inserted on every use: Map order is then least recently used first.
    this.images.delete(image.hash);
    this.images.set(image.hash, runs);
    for (const oldest of this.images.keys()) {
      if (this.images.size <= this.maxImages) break;
      this.images.delete(oldest);
    }
    return <K extends DetectionKind>(kind: K) => {
      const known = runs.get(kind) as Promise<Detections[K]> | undefined;
      if (known) return known;
      const run = this.detect(kind, image);
      runs.set(kind, run);
      run.catch(() => runs.get(kind) === run && runs.delete(kind));
      return run;
    };
  }
}
