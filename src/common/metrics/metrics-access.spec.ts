import { metricsAccess } from './metrics-access';

describe('metricsAccess', () => {
  const token = 'a-scrape-token-of-this-installation-0123';

  it('answers not-found while metrics are off, whatever the credentials', () => {
    expect(metricsAccess({ enabled: false }, undefined)).toBe('not-found');
    expect(metricsAccess({ enabled: false, token }, `Bearer ${token}`)).toBe('not-found');
  });

  it('lets every scrape in when no token is set', () => {
    expect(metricsAccess({ enabled: true }, undefined)).toBe('allowed');
    expect(metricsAccess({ enabled: true }, 'Bearer anything')).toBe('allowed');
  });

  it('asks for exactly the token when one is set', () => {
    const settings = { enabled: true, token };
    expect(metricsAccess(settings, `Bearer ${token}`)).toBe('allowed');
    expect(metricsAccess(settings, `bearer ${token}`)).toBe('allowed');
    for (const header of [
      undefined,
      '',
      token,
      `Bearer ${token}x`,
      `Bearer ${token.slice(1)}`,
      `Basic ${token}`,
      'Bearer ',
    ])
      expect(metricsAccess(settings, header)).toBe('unauthorized');
  });
});
