/**
 * Image quality and dominant colours (DetectLabels' IMAGE_PROPERTIES) from raw RGB pixels: a
 * 512-bin colour histogram (3 bits per channel), each bin's colour the mean of its pixels.
 */
import type { DominantColor as RekognitionDominantColor, DetectLabelsImageProperties } from '@aws-sdk/client-rekognition';
import { createRequire } from 'node:module';
import type ColorLibrary from '@img/colour';
import type { DominantColor, ImageProperties } from './detections.ts';

/**
 * sharp's own colour library (its dependency) names the nearest CSS colour. Required: it is
 * CommonJS exporting the function itself, which its types declare as a default export.
 */
const Color = createRequire(import.meta.url)('@img/colour') as (typeof ColorLibrary)['default'];

/** Rekognition's simplified colour names, each at a representative RGB. */
const SIMPLIFIED: [name: string, rgb: [number, number, number]][] = [
  ['black', [0, 0, 0]],
  ['white', [255, 255, 255]],
  ['grey', [128, 128, 128]],
  ['red', [200, 30, 30]],
  ['orange', [240, 140, 20]],
  ['yellow', [240, 220, 40]],
  ['green', [40, 160, 60]],
  ['blue', [30, 80, 200]],
  ['purple', [120, 50, 160]],
  ['pink', [240, 150, 190]],
  ['brown', [120, 75, 40]],
];

/** `pixels`: interleaved RGB, `width` x `height`. */
export function imageProperties(pixels: Uint8Array, width: number, height: number): ImageProperties {
  const count = width * height;
  const bins = new Map<number, { n: number; r: number; g: number; b: number }>();
  const luma = new Float64Array(count);
  for (let p = 0; p < count; p++) {
    const r = pixels[p * 3] ?? 0;
    const g = pixels[p * 3 + 1] ?? 0;
    const b = pixels[p * 3 + 2] ?? 0;
    luma[p] = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    const key = ((r >> 5) << 6) | ((g >> 5) << 3) | (b >> 5);
    const bin = bins.get(key) ?? { n: 0, r: 0, g: 0, b: 0 };
    bin.n++;
    bin.r += r;
    bin.g += g;
    bin.b += b;
    bins.set(key, bin);
  }
  const dominantColors: DominantColor[] = [...bins.values()]
    .sort((x, y) => y.n - x.n)
    .map((bin) => ({ red: Math.round(bin.r / bin.n), green: Math.round(bin.g / bin.n), blue: Math.round(bin.b / bin.n), pixelPercent: (bin.n / count) * 100 }));
  const mean = luma.reduce((sum, v) => sum + v, 0) / count;
  const deviation = Math.sqrt(luma.reduce((sum, v) => sum + (v - mean) ** 2, 0) / count);
  // Sharpness: mean absolute horizontal and vertical luminance step, scaled so crisp photos near 100.
  let steps = 0;
  for (let y = 0; y < height - 1; y++) {
    for (let x = 0; x < width - 1; x++) {
      const here = luma[y * width + x] ?? 0;
      steps += Math.abs(here - (luma[y * width + x + 1] ?? 0)) + Math.abs(here - (luma[(y + 1) * width + x] ?? 0));
    }
  }
  const meanStep = steps / Math.max(1, 2 * (width - 1) * (height - 1));
  return {
    brightness: (mean / 255) * 100,
    contrast: Math.min(100, (deviation / 128) * 100),
    sharpness: Math.min(100, meanStep * 5),
    dominantColors,
  };
}

export function imagePropertiesResponse(properties: ImageProperties, maxDominantColors: number): DetectLabelsImageProperties {
  return {
    Quality: { Brightness: properties.brightness, Sharpness: properties.sharpness, Contrast: properties.contrast },
    DominantColors: properties.dominantColors.slice(0, maxDominantColors).map(dominantColor),
  };
}

function dominantColor({ red, green, blue, pixelPercent }: DominantColor): RekognitionDominantColor {
  return {
    Red: red,
    Green: green,
    Blue: blue,
    HexCode: `#${[red, green, blue].map((v) => v.toString(16).padStart(2, '0')).join('')}`,
    CSSColor: Color.rgb(red, green, blue).keyword(),
    SimplifiedColor: nearest(red, green, blue),
    PixelPercent: pixelPercent,
  };
}

function nearest(red: number, green: number, blue: number): string {
  let best = SIMPLIFIED[0]?.[0] ?? 'black';
  let bestDistance = Infinity;
  for (const [name, [r, g, b]] of SIMPLIFIED) {
    const distance = (r - red) ** 2 + (g - green) ** 2 + (b - blue) ** 2;
    if (distance < bestDistance) {
      best = name;
      bestDistance = distance;
    }
  }
  return best;
}
