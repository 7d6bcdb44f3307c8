import { webConcurrency } from './web-concurrency';

describe('webConcurrency', () => {
  it('is 1 when unset', () => {
    expect(webConcurrency(undefined, 8)).toBe(1);
  });

  it('is one process per core with auto, at most 64', () => {
    expect(webConcurrency('auto', 2)).toBe(2);
    expect(webConcurrency('auto', 128)).toBe(64);
    expect(webConcurrency('auto', 0)).toBe(1);
  });

  it('is the number given', () => {
    expect(webConcurrency('3', 2)).toBe(3);
  });
});
