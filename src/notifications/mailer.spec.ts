import { scrubCredentials } from './mailer';

describe('scrubCredentials', () => {
  const url = 'smtp://mailer%40acme:p%40ss-w0rd!@mail.example.com:587';

  it('removes the password and user name, raw or URL-decoded, and the URL itself', () => {
    expect(scrubCredentials(`connect failed for ${url}`, url)).toBe('connect failed for smtp://mail.example.com:587');
    expect(scrubCredentials('535 Invalid login for mailer@acme with p@ss-w0rd!', url)).toBe(
      '535 Invalid login for *** with ***',
    );
    expect(scrubCredentials('auth p%40ss-w0rd! refused', url)).toBe('auth *** refused');
  });

  it('leaves a text without credentials as it is', () => {
    expect(scrubCredentials('connect ECONNREFUSED 127.0.0.1:587', 'smtp://mail.example.com:587')).toBe(
      'connect ECONNREFUSED 127.0.0.1:587',
    );
  });
});
