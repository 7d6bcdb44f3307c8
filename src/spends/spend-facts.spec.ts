import { spendFacts, SpendFactSource } from './spend-facts';

const spend: SpendFactSource = {
  baseAmountMinor: '65050',
  baseCurrency: 'USD',
  currency: 'EUR',
  categoryId: 'c1',
  vendorId: null,
  teamId: 't1',
  userId: 'u1',
  merchant: 'Hotel Lux',
  description: null,
  source: 'manual',
  computation: null,
  receiptCount: 0,
  receiptVerified: false,
  spendDate: '2026-01-10',
  systemFlags: ['duplicate_suspected'],
  ownerRole: 'manager',
  categoryName: 'Travel',
};

describe('spendFacts', () => {
  it('maps a spend to the facts the engine judges, in major units of the base currency', () => {
    expect(spendFacts(spend, '2026-01-12')).toEqual({
      amount: 650.5,
      currency: 'EUR',
      category: 'Travel',
      category_id: 'c1',
      vendor_id: null,
      team_id: 't1',
      user_id: 'u1',
      merchant: 'Hotel Lux',
      description: null,
      user_role: 'manager',
      source: 'manual',
      has_receipt: false,
      receipt_verified: false,
      weekday: 'saturday',
      days_since_spend: 2,
      distance: 0,
      per_diem_days: 0,
      flags: ['duplicate_suspected'],
    });
  });

  it('counts days_since_spend to the date it is given (a backtest gives the submission date)', () => {
    expect(spendFacts(spend, '2026-01-10').days_since_spend).toBe(0);
    expect(spendFacts(spend, '2026-02-09').days_since_spend).toBe(30);
  });

  it('reads a missing owner as an employee and a computed spend as having its evidence', () => {
    const mileage = spendFacts(
      {
        ...spend,
        ownerRole: null,
        source: 'mileage',
        computation: { kind: 'mileage', distance_km: 42.5 } as SpendFactSource['computation'],
      },
      '2026-01-10',
    );
    expect(mileage).toMatchObject({ user_role: 'employee', has_receipt: true, distance: 42.5, per_diem_days: 0 });
  });
});
