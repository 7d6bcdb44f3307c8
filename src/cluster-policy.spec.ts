import { FIRST_RESTART_DELAY_MS, HEALTHY_LIFETIME_MS, MAX_RESTART_DELAY_MS, restartDelayMs } from './cluster-policy';

describe('restartDelayMs', () => {
  it('waits the first delay for the first restart', () => {
    expect(restartDelayMs(0, 10)).toBe(FIRST_RESTART_DELAY_MS);
  });

  it('doubles while workers keep dying quickly, up to the maximum', () => {
    const delays: number[] = [];
    let delay = 0;
    for (let i = 0; i < 8; i++) delays.push((delay = restartDelayMs(delay, 100)));
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
    expect(Math.max(...delays)).toBe(MAX_RESTART_DELAY_MS);
  });

  it('starts over after a worker that lived long enough', () => {
    expect(restartDelayMs(16_000, HEALTHY_LIFETIME_MS)).toBe(FIRST_RESTART_DELAY_MS);
    expect(restartDelayMs(16_000, HEALTHY_LIFETIME_MS - 1)).toBe(30_000);
  });
});
