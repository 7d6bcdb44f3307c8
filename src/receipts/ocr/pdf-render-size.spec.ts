import fc from 'fast-check';
import { RENDER_LIMITS } from './pdf-receipt';
import { renderSize } from './pdf-render-size';

const size = (width: number, height: number) => renderSize(width, height, RENDER_LIMITS);

describe('renderSize (the canvas a PDF page is rendered on)', () => {
  it('renders an ordinary page 2000 px wide, and a small one at most 6 px a point', () => {
    expect(size(595.28, 841.89)).toMatchObject({ width: 2000, height: 2828 });
    expect(size(612, 792)).toMatchObject({ width: 2000, height: 2588 });
    expect(size(252, 144)).toEqual({ scale: 6, width: 1512, height: 864 });
  });

  it('shrinks a page that claims to be huge, whatever its MediaBox or UserUnit says', () => {
    // 2000×264,000 px (528 megapixels) as it was rendered before.
    expect(size(333, 44_000)).toMatchObject({ width: 123, height: 16_384 });
    expect(size(227, 11_340)).toMatchObject({ width: 327, height: 16_384 });
    expect(size(14_400, 14_400)).toMatchObject({ width: 2000, height: 2000 });
    expect(size(10_000, 10_000 * 3)).toMatchObject({ width: 2000, height: 6000 });
    expect(size(612 * 75_000, 792 * 75_000)).toMatchObject({ width: 2000, height: 2588 });
    expect(size(1e-3, 1e9)).toMatchObject({ width: 1, height: 16_384 });
  });

  it('never exceeds the pixel budget nor the side limit, never upscales past 6, never answers an empty canvas', () => {
    const side = fc.double({ min: 1e-3, max: 1e9, noNaN: true });
    fc.assert(
      fc.property(side, side, (width, height) => {
        const out = size(width, height);
        expect(out.width * out.height).toBeLessThanOrEqual(Math.max(RENDER_LIMITS.maxPixels, RENDER_LIMITS.maxSide));
        expect(Math.max(out.width, out.height)).toBeLessThanOrEqual(RENDER_LIMITS.maxSide);
        expect(Math.min(out.width, out.height)).toBeGreaterThanOrEqual(1);
        expect(out.scale).toBeLessThanOrEqual(RENDER_LIMITS.maxScale);
        expect(out.width).toBeLessThanOrEqual(Math.max(1, RENDER_LIMITS.width));
      }),
      { numRuns: 10_000 },
    );
  });
});
