/**
 * Letterboxing for the object detector. CenterNet reads a square input and was trained on photos
 * scaled with their aspect ratio kept (padding the rest); stretching a 3:2 photo into the square
 * changes what it sees: on the judged photos of bench/eval a cat stretched 1.5x scored as a Dog
 * (0.47) and as a Cat only at 0.08, letterboxed as a Cat at 0.52. So the photo is scaled to fit the
 * square, centred on black, and boxes found in the square are mapped back onto the photo.
 */
import type { Box } from './detections.ts';

/** Where a width x height photo lies inside its letterboxed square, as ratios of the square's side. */
export function letterboxContent(width: number, height: number): Box {
  const side = Math.max(width, height);
  return { left: (side - width) / 2 / side, top: (side - height) / 2 / side, width: width / side, height: height / side };
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
