import type { DominantColor } from '../../../schema/generated/graphql.ts';
import { type DecodedImage, fromDecoded } from './decode.ts';

/** Long edge of the sample the colours are counted on: 4096 pixels at most are plenty for shares in %. */
export const COLOR_SAMPLE_EDGE = 64;
const MAX_COLORS = 5;
/**
 * CIE76 distance (in Lab) under which two colour cells count as one colour. ~2.3 is "just
 * noticeable"; 12 merges shades of one surface (a sky's gradient) but keeps distinct hues apart.
 */
const SAME_COLOR = 12;

interface Cell {
  count: number;
  r: number;
  g: number;
  b: number;
}

/**
 * Up to 5 colours, most prominent first, with their share of the opaque pixels (floored to 0.1,
 * so the shares never sum above 100).
 *
 * On a small sample (bilinear, so edges do not ring into colours the image does not have), each
 * opaque pixel falls into one of 16x16x16 RGB cells. Cells are visited most populated first; each
 * joins the first colour whose seed is within SAME_COLOR in Lab, or seeds a new colour. A colour is
 * reported as its seed cell's mean (its most common shade, not a blend of everything merged into it)
 * with the share of all the pixels merged into it.
 */
export async function dominantColors(image: DecodedImage): Promise<DominantColor[]> {
  const sample = await fromDecoded(image)
    .resize(COLOR_SAMPLE_EDGE, COLOR_SAMPLE_EDGE, { fit: 'inside', withoutEnlargement: true, kernel: 'linear' })
    .ensureAlpha()
    .raw()
    .toBuffer();

  const cells = new Map<number, Cell>();
  let opaque = 0;
  for (let i = 0; i + 3 < sample.length; i += 4) {
    const [r = 0, g = 0, b = 0, alpha = 0] = sample.subarray(i, i + 4);
    if (alpha < 128) continue;
    opaque++;
    const key = ((r >> 4) << 8) | ((g >> 4) << 4) | (b >> 4);
    const cell = cells.get(key) ?? { count: 0, r: 0, g: 0, b: 0 };
    cell.count++;
    cell.r += r;
    cell.g += g;
    cell.b += b;
    cells.set(key, cell);
  }

  const colors: { hex: string; lab: Lab; count: number }[] = [];
  for (const cell of [...cells.values()].sort((a, b) => b.count - a.count)) {
    const mean = [cell.r / cell.count, cell.g / cell.count, cell.b / cell.count] as const;
    const lab = toLab(...mean);
    const same = colors.find((color) => distance(color.lab, lab) < SAME_COLOR);
    if (same) same.count += cell.count;
    else colors.push({ hex: toHex(...mean), lab, count: cell.count });
  }
  return colors
    .sort((a, b) => b.count - a.count)
    .slice(0, MAX_COLORS)
    .map(({ hex, count }) => ({ hex, pixelPercent: Math.floor((count * 1000) / opaque) / 10 }));
}

type Lab = readonly [number, number, number];

/** sRGB (0-255) to CIE Lab, D65 white. */
function toLab(r: number, g: number, b: number): Lab {
  const linear = (c: number) => (c <= 10.31475 ? c / 3294.6 : ((c / 255 + 0.055) / 1.055) ** 2.4);
  const [lr, lg, lb] = [linear(r), linear(g), linear(b)];
  const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 * t + 16) / 116);
  const x = f((0.4124 * lr + 0.3576 * lg + 0.1805 * lb) / 0.95047);
  const y = f(0.2126 * lr + 0.7152 * lg + 0.0722 * lb);
  const z = f((0.0193 * lr + 0.1192 * lg + 0.9505 * lb) / 1.08883);
  return [116 * y - 16, 500 * (x - y), 200 * (y - z)];
}

function distance(a: Lab, b: Lab): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}

function toHex(r: number, g: number, b: number): string {
  return `#${[r, g, b].map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`;
}
