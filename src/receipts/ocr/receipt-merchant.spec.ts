import { parseReceipt } from './receipt-parser';

// Each case is a kind of receipt header, written for the test: what OCR typically makes of it.
const receipt = (lines: string[]) => lines.join('\n');
const body = ['Date: 04/03/2018 15:41', 'COFFEE   3.20', 'TOTAL   3.20'];
const merchantOf = (head: string[], tail: string[] = []) => parseReceipt(receipt([...head, ...body, ...tail])).merchant;

describe('merchant: the name, however OCR printed it', () => {
  it('joins a name whose legal form is on a line of its own', () => {
    expect(
      merchantOf(['PASARAYA BORONG PINTAR |', 'SDN BHD', 'BR No.: (124625-H)', 'NO 19-G JALAN TASIK UTAMA 4']),
    ).toBe('PASARAYA BORONG PINTAR SDN BHD');
  });

  it('joins a name that runs over three lines inside a parenthesis', () => {
    const name = merchantOf([
      'LIM HUAT HARDWARE',
      'ENTERPRISE (SETIA',
      'ALAM) SDN BHD',
      '(622747-T)',
      'NO. 17-G, JALAN SETIA INDAH',
    ]);
    expect(name).toContain('ENTERPRISE (SETIA ALAM) SDN BHD');
  });

  it('takes the shop above an "owned by" line, not its owner', () => {
    const head = [
      'TEO STATIONERY SHOP',
      'NO. 31G, JALAN SETIA INDAH',
      '40170 SETIA ALAM',
      'GST ID No: 001531760640',
      'Owned By :',
      'TEO SUPPLY SDN BHD (1135772-K)',
    ];
    expect(merchantOf(head)).toBe('TEO STATIONERY SHOP');
    expect(merchantOf(head.map((l) => (l === 'Owned By :' ? 'wvned By :' : l)))).toBe('TEO STATIONERY SHOP');
  });

  it('skips logo letters OCR made up above the name', () => {
    expect(
      merchantOf(['Ao2pkb f', 'Rodos', 'HASHA PETROKIOSK', 'Company No: JHD632980-V', 'Lot PTD 198718 Jalan Sierra']),
    ).toBe('HASHA PETROKIOSK');
  });

  it('lets the footer\'s "thank you for shopping at" confirm the header line it names', () => {
    const name = merchantOf(
      ['KEDAI RUNCIT ZBH', 'MAJU MART', 'NO. 17, JALAN PERMAS 1/7'],
      ['Thank you for shopping at MAJU', 'MART'],
    );
    expect(name).toBe('MAJU MART');
  });

  it("falls back to the footer's name when the header is unreadable", () => {
    expect(merchantOf(['yt', '§asare', 'pic'], ['Thank you for shopping at FUYI MINI', 'MARKET'])).toBe(
      'FUYI MINI MARKET',
    );
  });

  it('reads a legal form as OCR misreads it, and gives it back spelled right', () => {
    expect(merchantOf(['99 SPEED MART 5/8 (519537-1)', 'LOT P.T. 2811, JALAN ANGSA'])).toBe('99 SPEED MART S/B');
    expect(merchantOf(['GARDENIA BAKERIES (KL) SON BHD (139386 X)', 'Lot 3, Jalan Pelabur 23/1'])).toBe(
      'GARDENIA BAKERIES (KL) SDN BHD',
    );
    expect(merchantOf(["KING'S CONFECTIONERY §/B 273500-U (KSB)", 'NO.41, JALAN SERI BINTANG 2'])).toBe(
      "KING'S CONFECTIONERY S/B 273500-U (KSB)",
    );
  });

  it('does not take a store-number line with OCR noise around it for the name', () => {
    expect(merchantOf(['A » Store 042 23 er', '~~ Lone Star BBQ & Grill', '2375 Oak Ave', 'Raleigh, NC 27604'])).toBe(
      'Lone Star BBQ & Grill',
    );
  });

  it('does not take a lone short word with a stray letter for the name', () => {
    expect(
      merchantOf(['| iis a', 'CUSTOMER COPY', 'WELCOME', 'TAX INVOICE', 'REPRINT', 'MAJU JAYA', 'LOT 5, JALAN BESAR']),
    ).toBe('MAJU JAYA');
  });

  it('does not take a misread "TAX INVOICE" heading for the name', () => {
    expect(
      merchantOf(['(GST ID = 000294040032)', 'Tax Imvoice va', 'CORNER BAKERY', 'NO.41, JALAN SERI BINTANG 2']),
    ).toBe('CORNER BAKERY');
  });
});
