import { DELIVERY_ATTEMPTS, retryDelayMs } from './retry-schedule';

const noJitter = () => 0;

describe('retryDelayMs', () => {
  it('doubles from the base and stops after the last attempt', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, 30_000, noJitter))).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(retryDelayMs(DELIVERY_ATTEMPTS - 1, 30_000, noJitter)).not.toBeNull();
    expect(retryDelayMs(DELIVERY_ATTEMPTS, 30_000, noJitter)).toBeNull();
    expect(retryDelayMs(DELIVERY_ATTEMPTS + 5, 30_000, noJitter)).toBeNull();
  });

  it('never waits more than six hours between attempts with the default base', () => {
    for (let n = 1; n < DELIVERY_ATTEMPTS; n++)
      expect(retryDelayMs(n, 30_000, () => 0.999)).toBeLessThanOrEqual(6 * 3600_000 * 1.1);
    expect(retryDelayMs(12, 30_000, noJitter)).toBe(6 * 3600_000);
  });

  it('keeps retrying for at least 24 hours with the default base, jitter or not', () => {
    for (const jitter of [() => 0, () => 0.5, () => 0.999]) {
      let total = 0;
      for (let n = 1; n < DELIVERY_ATTEMPTS; n++) total += retryDelayMs(n, 30_000, jitter)!;
      expect(total).toBeGreaterThanOrEqual(24 * 3600_000);
      expect(total).toBeLessThan(31 * 3600_000);
    }
  });

  it('adds at most 10% of jitter, and only later', () => {
    expect(retryDelayMs(3, 1_000, () => 0)).toBe(4_000);
    expect(retryDelayMs(3, 1_000, () => 0.999)).toBe(4_400);
  });
});
