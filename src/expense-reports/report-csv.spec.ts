import { neutralized } from './report-csv';

describe('report CSV cells', () => {
  it('quotes what a spreadsheet would run as a formula, never a plain negative decimal', () => {
    expect(neutralized('-100.00')).toBe('-100.00');
    expect(neutralized('-5')).toBe('-5');
    expect(neutralized('200.00')).toBe('200.00');
    expect(neutralized('=June')).toBe("'=June");
    expect(neutralized('-1+1')).toBe("'-1+1");
    expect(neutralized('-100.00)*cmd')).toBe("'-100.00)*cmd");
    expect(neutralized('+1')).toBe("'+1");
    expect(neutralized('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(neutralized('\uFF1D1')).toBe("'\uFF1D1");
    expect(neutralized('Hotel Adlon')).toBe('Hotel Adlon');
  });
});
