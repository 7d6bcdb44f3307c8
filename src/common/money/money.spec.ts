import fc from 'fast-check';
import {
  convert,
  formatAmount,
  formatRate,
  isCurrency,
  minorDigits,
  MoneyError,
  parseAmount,
  parseRate,
} from './money';

describe('money', () => {
  it('knows ISO-4217 minor digits and refuses non-money codes', () => {
    expect([minorDigits('USD'), minorDigits('JPY'), minorDigits('BHD'), minorDigits('EUR')]).toEqual([2, 0, 3, 2]);
    expect(isCurrency('XAU')).toBe(false);
    expect(isCurrency('XXX')).toBe(false);
    expect(isCurrency('ABC')).toBe(false);
    expect(() => minorDigits('ABC')).toThrow(MoneyError);
  });

  describe('parseAmount', () => {
    it.each([
      ['123.45', 'USD', 12345n],
      ['123.4', 'USD', 12340n],
      ['123', 'USD', 12300n],
      ['0.01', 'USD', 1n],
      ['1200', 'JPY', 1200n],
      ['1.234', 'BHD', 1234n],
      [12.5, 'USD', 1250n],
      [1200, 'JPY', 1200n],
      [' 7.00 ', 'EUR', 700n],
    ])('reads %p %s as %p minor units', (input, currency, minor) => {
      expect(parseAmount(input, currency)).toBe(minor);
    });

    it.each([
      ['1.234', 'USD'],
      ['1.5', 'JPY'],
      ['-1', 'USD'],
      ['1e3', 'USD'],
      [1e21, 'USD'],
      ['12,50', 'EUR'],
      ['', 'USD'],
      ['abc', 'USD'],
      ['1.', 'USD'],
      ['.5', 'USD'],
      [-3, 'USD'],
      [Number.NaN, 'USD'],
      ['1000000000000', 'USD'],
    ])('refuses %p %s', (input, currency) => {
      expect(() => parseAmount(input, currency)).toThrow(MoneyError);
    });
  });

  it('formats with exactly the currency digits', () => {
    expect(formatAmount(12345n, 'USD')).toBe('123.45');
    expect(formatAmount(5n, 'USD')).toBe('0.05');
    expect(formatAmount(1200n, 'JPY')).toBe('1200');
    expect(formatAmount(1234n, 'BHD')).toBe('1.234');
    expect(formatAmount(-5n, 'USD')).toBe('-0.05');
  });

  it('round-trips every amount through its decimal string', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 11n }), fc.constantFrom('USD', 'JPY', 'BHD'), (minor, currency) => {
        expect(parseAmount(formatAmount(minor, currency), currency)).toBe(minor);
      }),
    );
  });

  describe('rates and conversion', () => {
    it('parses and formats rates exactly', () => {
      expect(parseRate('1.0823')).toEqual({ units: 10823n, scale: 4 });
      expect(formatRate(parseRate('157.300'))).toBe('157.3');
      expect(() => parseRate('0')).toThrow(MoneyError);
      expect(() => parseRate('-1.2')).toThrow(MoneyError);
    });

    it('converts across different minor digits with half-up rounding', () => {
      expect(convert(10000n, 'EUR', 'USD', parseRate('1.0823'))).toBe(10823n); // 100.00 EUR → 108.23 USD
      expect(convert(1200n, 'JPY', 'USD', parseRate('0.0066'))).toBe(792n); // ¥1200 → $7.92
      expect(convert(10000n, 'USD', 'JPY', parseRate('151.235'))).toBe(15124n); // $100 → ¥15123.5 → ¥15124
      expect(convert(1n, 'USD', 'USD', parseRate('0.5'))).toBe(1n); // 0.005 rounds half up
      expect(convert(1000n, 'BHD', 'USD', parseRate('2.65957'))).toBe(266n); // 1.000 BHD → 2.66 USD
    });

    it('is the identity at rate 1 between currencies of equal digits', () => {
      fc.assert(
        fc.property(fc.bigInt({ min: 0n, max: 10n ** 14n }), (minor) => {
          expect(convert(minor, 'EUR', 'USD', parseRate('1'))).toBe(minor);
        }),
      );
    });
  });
});
