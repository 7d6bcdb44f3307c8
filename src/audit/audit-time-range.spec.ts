import { instantRange, isAuditInstant } from './audit-time-range';

describe('isAuditInstant', () => {
  it.each([
    '2026-03-01',
    '2024-02-29',
    '2026-03-01T12:00Z',
    '2026-03-01T12:00:00Z',
    '2026-03-01T12:00:00.5Z',
    '2026-03-01T12:00:00.123Z',
    '2026-03-01T12:00:00.123+01:00',
    '2026-03-01T23:59:59-05:30',
  ])('accepts %s', (value) => expect(isAuditInstant(value)).toBe(true));

  it.each([
    '2026-02-30',
    '2025-02-29',
    '2026-3-1',
    '2026-03-01T12:00:00',
    '2026-03-01 12:00:00Z',
    '2026-03-01T24:00:00Z',
    '2026-03-01T12:60:00Z',
    '2026-03-01T12:00:00.1234Z',
    '2026-03-01T12:00:00+1:00',
    'yesterday',
    '',
    '1709294400000',
    42,
    null,
    ['2026-03-01'],
  ])('refuses %p', (value) => expect(isAuditInstant(value)).toBe(false));
});

describe('instantRange', () => {
  it('makes a calendar date a whole UTC day, both ends inclusive', () => {
    expect(instantRange('2026-03-01', '2026-03-01')).toEqual({
      from: new Date('2026-03-01T00:00:00.000Z'),
      before: new Date('2026-03-02T00:00:00.000Z'),
    });
    expect(instantRange('2026-02-28', '2026-02-28').before).toEqual(new Date('2026-03-01T00:00:00.000Z'));
  });

  it('includes the very millisecond a date-time names, in its own offset', () => {
    expect(instantRange('2026-03-01T10:00:00.250+01:00', '2026-03-01T12:00:00.999Z')).toEqual({
      from: new Date('2026-03-01T09:00:00.250Z'),
      before: new Date('2026-03-01T12:00:01.000Z'),
    });
  });

  it('leaves an absent bound open', () => {
    expect(instantRange(undefined, undefined)).toEqual({ from: undefined, before: undefined });
    expect(instantRange('2026-03-01', undefined)).toEqual({
      from: new Date('2026-03-01T00:00:00.000Z'),
      before: undefined,
    });
  });
});
