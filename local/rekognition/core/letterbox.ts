/**
 * How the object detector sees a photo. CenterNet reads a square input and was trained on photos
 * scaled with their aspect ratio kept (padding the rest); stretching a 3:2 photo into the square
 * changes what it sees: on the judged photos of bench/eval a cat stretched 1.5x scored as a Dog
 * (0.47) and as a Cat only at 0.08, letterboxed as a Cat at 0.52. So the photo is scaled to fit the
 * square, centred on black, and boxes found in the square are mapped back onto the photo.
 *
 * Animals are also looked for zoomed out (the photo filling only the middle of the square): pets
 * are photographed close up, larger than the objects the detector learnt, and it confuses close-up
 * animals with each other and with furniture. On bench/eval's photos the zoomed-out view raised
 * the close-up dog from 0.23 to 0.60 and the cat to 0.74 while no false animal passed 0.47; for
 * other classes it added noise (scissors and balls in textures), so only animal classes use it.
 * And only when the letterboxed view already saw an animal: on all 37 photos, every animal the
 * zoomed-out view found (dog, cat, birds) was one the letterboxed view had found too, if weakly
 * (the dog at 0.23), so photos without one are spared the second detector pass (about 210 ms).
 */
import type { Box, ObjectDetection } from './detections.ts';
import { isAnimalClass } from './taxonomy.ts';

/** The zoomed-out view: the photo fitted into this share of the square's side. */
export const ZOOMED_OUT_FILL = 0.625;
/** Detections of one object in both views overlap at least this much (intersection over union). */
const SAME_OBJECT_IOU = 0.5;

/**
 * Where a width x height photo lies inside the square, as ratios of the square's side: fitted to
 * `fill` of it (1: letterboxed) and centred.
 */
export function letterboxContent(width: number, height: number, fill = 1): Box {
  const side = Math.max(width, height);
  const w = (fill * width) / side;
  const h = (fill * height) / side;
  return { left: (1 - w) / 2, top: (1 - h) / 2, width: w, height: h };
}

/** A box found in the square, as ratios of the photo (clipped to it: padding holds nothing). */
export function fromLetterbox(box: Box, content: Box): Box {
  const clip = (value: number) => Math.min(1, Math.max(0, value));
  const left = clip((box.left - content.left) / content.width);
  const top = clip((box.top - content.top) / content.height);
  const right = clip((box.left + box.width - content.left) / content.width);
  const bottom = clip((box.top + box.height - content.top) / content.height);
  return { left, top, width: right - left, height: bottom - top };
}

/** Detections in the square as detections in the photo; those lying wholly in the padding are dropped. */
export function toPhoto(objects: ObjectDetection[], content: Box): ObjectDetection[] {
  return objects.map((object) => ({ ...object, box: fromLetterbox(object.box, content) })).filter(({ box }) => box.width > 0 && box.height > 0);
}

/** Whether the zoomed-out view is worth a detector pass: the letterboxed view found an animal. */
export function needsZoomedOutView(letterboxed: readonly ObjectDetection[]): boolean {
  return letterboxed.some((object) => isAnimalClass(object.className));
}

/**
 * The letterboxed view's detections with the zoomed-out view's animals (both in photo
 * coordinates): an animal found in both keeps one box with the higher score.
 */
export function withZoomedOutAnimals(letterboxed: ObjectDetection[], zoomedOut: ObjectDetection[]): ObjectDetection[] {
  const merged = [...letterboxed];
  for (const animal of zoomedOut.filter((object) => isAnimalClass(object.className))) {
    const same = merged.findIndex((object) => object.className === animal.className && iou(object.box, animal.box) >= SAME_OBJECT_IOU);
    const known = merged[same];
    if (!known) merged.push(animal);
    else if (animal.score > known.score) merged[same] = { ...known, score: animal.score };
  }
  return merged;
}

function iou(a: Box, b: Box): number {
  const width = Math.min(a.left + a.width, b.left + b.width) - Math.max(a.left, b.left);
  const height = Math.min(a.top + a.height, b.top + b.height) - Math.max(a.top, b.top);
  const intersection = Math.max(0, width) * Math.max(0, height);
  return intersection / (a.width * a.height + b.width * b.height - intersection);
}
