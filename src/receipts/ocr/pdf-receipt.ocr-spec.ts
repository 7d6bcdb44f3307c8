import sharp from 'sharp';
import { blankPagePdf } from '../../../test/helpers/pdf';
import { readPdf } from './pdf-receipt';

// The real PDF reader (pdf.js in its worker thread) on pages that claim absurd sizes: what the
// upload check lets through, or cannot see, is still rendered within the pixel budget.
describe('readPdf renders a text-less page within its pixel budget', () => {
  const rendered = async (width: number, height: number) => {
    const started = Date.now();
    const { text, pageImage } = await readPdf(blankPagePdf(width, height));
    expect(text).toBeNull();
    const { width: w, height: h } = await sharp(pageImage!).metadata();
    return { width: w, height: h, ms: Date.now() - started };
  };

  it('renders a 333×44,000-point page (2000×264,000 px and 4 GB before) at 123×16,384 px, in moments', async () => {
    const page = await rendered(333, 44_000);
    expect(page).toMatchObject({ width: 123, height: 16_384 });
    expect(page.ms).toBeLessThan(10_000);
  });

  it('renders a 4 m till roll, which the upload check accepts, at 327×16,384 px rather than 93 megapixels', async () => {
    expect(await rendered(227, 11_340)).toMatchObject({ width: 327, height: 16_384 });
  });

  it('renders an A4 page 2000 px wide, as before', async () => {
    expect(await rendered(595.28, 841.89)).toMatchObject({ width: 2000, height: 2828 });
  });
});
