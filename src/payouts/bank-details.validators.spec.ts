import {
  accountNumberProblem,
  bicProblem,
  ibanProblem,
  maskAccountNumber,
  maskIban,
  routingNumberProblem,
} from './bank-details.validators';

describe('bank details validators', () => {
  it.each([
    'DE89 3704 0044 0532 0130 00',
    'GB82WEST12345698765432',
    'FR1420041010050500013M02606',
    'NL91ABNA0417164300',
    'BE68539007547034',
    'ES9121000418450200051332',
    'IT60X0542811101000000123456',
    'CH9300762011623852957',
    'NO9386011117947',
    'de89370400440532013000',
  ])('accepts the valid IBAN %s', (iban) => {
    expect(ibanProblem(iban)).toBeNull();
  });

  it.each([
    ['DE89370400440532013001', /check digit/],
    ['GB82WEST12345698765431', /check digit/],
    ['DE8937040044053201300', /22 characters/],
    ['NL91ABNA04171643001', /18 characters/],
    ['XX89370400440532013000', /not supported/],
    ['89370400440532013000', /country code/],
    ['DE89-3704-0044', /country code/],
  ])('refuses the IBAN %s', (iban, problem) => {
    expect(ibanProblem(iban)).toMatch(problem);
  });

  it('checks BICs', () => {
    expect(bicProblem('COBADEFFXXX')).toBeNull();
    expect(bicProblem('DEUTDEFF')).toBeNull();
    expect(bicProblem('DEUTDEF')).not.toBeNull();
    expect(bicProblem('1EUTDEFF')).not.toBeNull();
    expect(bicProblem('DEUTDEFF50')).not.toBeNull();
  });

  it.each(['011000015', '021000021', '111000025', '122105155'])('accepts the routing number %s', (aba) => {
    expect(routingNumberProblem(aba)).toBeNull();
  });

  it.each([
    ['011000016', /check digit/],
    ['021000020', /check digit/],
    ['02100002', /9 digits/],
    ['02100002a', /9 digits/],
  ])('refuses the routing number %s', (aba, problem) => {
    expect(routingNumberProblem(aba)).toMatch(problem);
  });

  it('checks account numbers: 4 to 17 digits', () => {
    expect(accountNumberProblem('1234')).toBeNull();
    expect(accountNumberProblem('12345678901234567')).toBeNull();
    expect(accountNumberProblem('123')).not.toBeNull();
    expect(accountNumberProblem('123456789012345678')).not.toBeNull();
    expect(accountNumberProblem('1234-5678')).not.toBeNull();
  });

  it('masks', () => {
    expect(maskIban('DE89370400440532013000')).toBe('DE89 **** **** **** **30 00');
    expect(maskAccountNumber('123456789')).toBe('****6789');
  });
});
