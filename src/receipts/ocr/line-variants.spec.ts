import { lineVariants, rankFilter } from './line-variants';

describe('lineVariants', () => {
  const img = { pixels: Uint8Array.from([255, 255, 255, 255, 0, 255, 255, 255, 255]), width: 3, height: 3 };

  it('thickens and thins strokes with a 3×3 rank filter', () => {
    expect([...rankFilter(img, 'min').pixels]).toEqual(new Array(9).fill(0));
    expect([...rankFilter(img, 'max').pixels]).toEqual(new Array(9).fill(255));
  });

  it('draws a line five ways of the same size, the first as cropped', () => {
    const variants = lineVariants(img);
    expect(variants).toHaveLength(5);
    expect(variants[0]).toBe(img);
    for (const v of variants) expect(v.pixels).toHaveLength(9);
  });
});
