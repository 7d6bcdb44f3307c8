import { checkWebhookUrl, isPublicAddress } from './address-policy';

describe('isPublicAddress', () => {
  it('allows public unicast addresses', () => {
    for (const ip of ['93.184.216.34', '8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '2a00:1450:4001:82b::200e', '::ffff:8.8.8.8']) {
      expect([ip, isPublicAddress(ip)]).toEqual([ip, true]);
    }
  });

  it('refuses loopback, private, link-local, CGNAT, reserved, documentation and multicast addresses', () => {
    for (const ip of [
      '127.0.0.1', '127.255.255.254', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0',
      '192.0.2.10', '198.51.100.7', '203.0.113.9', '198.18.0.1', '224.0.0.1', '239.255.255.250', '255.255.255.255', '240.0.0.1',
      '::', '::1', 'fc00::1', 'fd12:3456::1', 'fe80::1', 'fe80::1%eth0', 'ff02::1', '2001:db8::1', '64:ff9b:1::1',
    ]) {
      expect([ip, isPublicAddress(ip)]).toEqual([ip, false]);
    }
  });

  it('judges IPv6 forms that carry an IPv4 address by that address', () => {
    for (const ip of ['::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:a9fe:a9fe', '64:ff9b::a9fe:a9fe', '64:ff9b::10.0.0.1', '2002:c0a8:0101::1', '2002:7f00:1::']) {
      expect([ip, isPublicAddress(ip)]).toEqual([ip, false]);
    }
    expect(isPublicAddress('64:ff9b::808:808')).toBe(true);
    expect(isPublicAddress('2002:0808:0808::1')).toBe(true);
  });

  it('is false for anything that is not an IP address', () => {
    for (const text of ['', 'localhost', 'example.com', '1.2.3', '999.1.1.1', ':::']) expect(isPublicAddress(text)).toBe(false);
  });
});

describe('checkWebhookUrl', () => {
  const refused = (url: string) => {
    const verdict = checkWebhookUrl(url, false);
    return verdict.ok ? null : verdict.reason;
  };

  it('accepts http and https URLs of public hosts', () => {
    expect(checkWebhookUrl('https://hooks.example.com/spendin?team=1', false)).toMatchObject({ ok: true });
    expect(checkWebhookUrl('http://93.184.216.34:8080/in', false)).toMatchObject({ ok: true });
  });

  it('refuses other schemes, credentials and nonsense', () => {
    expect(refused('ftp://example.com/x')).toMatch(/http/);
    expect(refused('file:///etc/passwd')).toMatch(/http/);
    expect(refused('https://user:pw@example.com/')).toMatch(/user name or password/);
    expect(refused('not a url')).toMatch(/not a valid URL/);
  });

  it('refuses private and loopback hosts, in any spelling, unless private addresses are allowed', () => {
    for (const url of ['http://127.0.0.1:9000/', 'http://localhost/', 'http://api.localhost/', 'http://[::1]/', 'http://[::ffff:127.0.0.1]/', 'http://169.254.169.254/latest/meta-data/',
      'http://10.0.0.5/', 'http://2130706433/', 'http://0x7f.1/', 'http://0177.0.0.1/']) {
      expect([url, refused(url)]).toEqual([url, expect.stringMatching(/not a public internet address/)]);
    }
    expect(checkWebhookUrl('http://127.0.0.1:9000/', true)).toMatchObject({ ok: true });
  });
});
