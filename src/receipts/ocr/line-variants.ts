/**
 * One cropped line of print drawn five ways, for a vote among re-readings of it. Tesseract's
 * LSTM misreads a digit of thin receipt print (6/8, 5/6, 3/8) the same way at every scale,
 * but not always the same way when the strokes are thickened, thinned, binarized or darkened:
 * a value that several of these readings agree on against the page's reading is the better
 * one. Pure pixel work on 8-bit grey rows.
 */
import { otsuThreshold } from './receipt-image';

export interface GreyImage {
  pixels: Uint8Array;
  width: number;
  height: number;
}

/** The line as cropped, strokes thickened, strokes thinned, binarized (Otsu), darkened (gamma 2). */
export function lineVariants(line: GreyImage): GreyImage[] {
  return [line, rankFilter(line, 'min'), rankFilter(line, 'max'), binarized(line), darkened(line)];
}

/** 3×3 minimum (ink spreads: thicker strokes) or maximum (paper spreads: thinner strokes). */
export function rankFilter({ pixels, width, height }: GreyImage, kind: 'min' | 'max'): GreyImage {
  const out = new Uint8Array(width * height);
  const pick = kind === 'min' ? Math.min : Math.max;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let value = kind === 'min' ? 255 : 0;
      for (let dy = -1; dy <= 1; dy++) {
        const row = Math.min(height - 1, Math.max(0, y + dy)) * width;
        for (let dx = -1; dx <= 1; dx++) value = pick(value, pixels[row + Math.min(width - 1, Math.max(0, x + dx))]);
      }
      out[y * width + x] = value;
    }
  }
  return { pixels: out, width, height };
}

function binarized({ pixels, width, height }: GreyImage): GreyImage {
  const threshold = otsuThreshold(pixels);
  return { pixels: Uint8Array.from(pixels, (p) => (p > threshold ? 255 : 0)), width, height };
}

function darkened({ pixels, width, height }: GreyImage): GreyImage {
  return { pixels: Uint8Array.from(pixels, (p) => Math.round(255 * (p / 255) ** 2)), width, height };
}
