import { actorProps, responseForLog } from './logger';

describe('request log fields', () => {
  it("names the actor's user and organization (and API key), and nothing for an anonymous request", () => {
    expect(actorProps({ userId: 'u-1', organizationId: 'o-1', role: 'admin', ip: '10.0.0.1' })).toEqual({
      userId: 'u-1',
      organizationId: 'o-1',
    });
    expect(actorProps({ userId: 'u-1', organizationId: 'o-1', apiKeyId: 'k-1' })).toEqual({
      userId: 'u-1',
      organizationId: 'o-1',
      apiKeyId: 'k-1',
    });
    expect(actorProps(undefined)).toEqual({});
    expect(actorProps({ operatorId: 'op-1' })).toEqual({});
  });

  it('keeps the status and a few response headers, never Set-Cookie nor the rest', () => {
    expect(
      responseForLog({
        statusCode: 429,
        headers: {
          'content-type': 'application/problem+json',
          'retry-after': '30',
          'set-cookie': ['session=secret'],
          'content-security-policy': "default-src 'self'",
          'x-request-id': 'r-1',
        },
      }),
    ).toEqual({ statusCode: 429, headers: { 'content-type': 'application/problem+json', 'retry-after': '30' } });
    expect(responseForLog({ statusCode: 204 })).toEqual({ statusCode: 204, headers: {} });
  });
});
