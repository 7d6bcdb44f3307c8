import { checkWebhookUrl, isPublicAddress } from './address-policy';

const verdicts = (addresses: string[]) => addresses.map((ip) => [ip, isPublicAddress(ip)]);

describe('isPublicAddress', () => {
  it('allows global unicast addresses', () => {
    const allowed = [
      '93.184.216.34',
      '8.8.8.8',
      '1.1.1.1',
      '172.32.0.1',
      '100.128.0.1',
      '2606:4700:4700::1111',
      '2a00:1450:4001:82b::200e',
      '2001:4860:4860::8888',
    ];
    expect(verdicts(allowed)).toEqual(allowed.map((ip) => [ip, true]));
  });

  it('refuses loopback, private, link-local, CGNAT, broadcast, documentation, benchmarking, multicast and reserved IPv4', () => {
    const refused = [
      '127.0.0.1',
      '127.255.255.254',
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '0.1.2.3',
      '192.0.0.8',
      '192.0.2.10',
      '198.51.100.7',
      '203.0.113.9',
      '198.18.0.1',
      '224.0.0.1',
      '239.255.255.250',
      '255.255.255.255',
      '240.0.0.1',
    ];
    expect(verdicts(refused)).toEqual(refused.map((ip) => [ip, false]));
  });

  it('refuses every IPv6 address outside global unicast: unspecified, loopback, unique-local, link-local, site-local, multicast, documentation, discard, unallocated', () => {
    const refused = [
      '::',
      '::1',
      'fc00::1',
      'fd12:3456::1',
      'fe80::1',
      'fe80::1%eth0',
      'fec0::1',
      'ff02::1',
      'ff0e::1',
      '2001:db8::1',
      '3fff::1',
      '100::1',
      '4000::1',
      '2001:2::1',
      '5f00::1',
    ];
    expect(verdicts(refused)).toEqual(refused.map((ip) => [ip, false]));
  });

  it('refuses the IPv4-compatible form ::a.b.c.d, which ipaddr.js alone calls unicast', () => {
    const refused = ['::127.0.0.1', '::7f00:1', '::10.0.0.1', '::8.8.8.8', '::169.254.169.254'];
    expect(verdicts(refused)).toEqual(refused.map((ip) => [ip, false]));
  });

  it('judges mapped, translated, NAT64, 6to4 and Teredo addresses by the IPv4 addresses inside', () => {
    const refused = [
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '::ffff:a9fe:a9fe',
      '::ffff:10.0.0.1',
      '::ffff:0.0.0.0',
      '::ffff:0:127.0.0.1',
      '::ffff:0:7f00:1',
      '::ffff:0:192.168.0.1',
      '64:ff9b::7f00:1',
      '64:ff9b::127.0.0.1',
      '64:ff9b::a9fe:a9fe',
      '64:ff9b::10.0.0.1',
      '2002:7f00:1::',
      '2002:c0a8:0101::1',
      '2002:a00:1::1',
      // Teredo with a loopback server, and with a client 127.0.0.1 (stored inverted: 80ff:fffe).
      '2001:0:7f00:1::1',
      '2001:0:808:808:0:0:80ff:fffe',
    ];
    expect(verdicts(refused)).toEqual(refused.map((ip) => [ip, false]));
    const allowed = [
      '::ffff:8.8.8.8',
      '::ffff:0:8.8.8.8',
      '64:ff9b::808:808',
      '2002:0808:0808::1',
      '2001:0:808:808:0:0:f7f7:f7f7',
    ];
    expect(verdicts(allowed)).toEqual(allowed.map((ip) => [ip, true]));
  });

  it('refuses the local-use NAT64 prefix 64:ff9b:1::/48 whatever it embeds', () => {
    expect(verdicts(['64:ff9b:1::808:808', '64:ff9b:1::1'])).toEqual([
      ['64:ff9b:1::808:808', false],
      ['64:ff9b:1::1', false],
    ]);
  });

  it('is false for anything that is not an IP address, legacy IPv4 spellings included (URLs normalise those first)', () => {
    for (const text of [
      '',
      'localhost',
      'example.com',
      '1.2.3',
      '999.1.1.1',
      ':::',
      '2130706433',
      '0x7f.1',
      '017700000001',
      '[::1]',
    ])
      expect([text, isPublicAddress(text)]).toEqual([text, false]);
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
    expect(checkWebhookUrl('https://[2606:4700:4700::1111]/in', false)).toMatchObject({ ok: true });
    expect(checkWebhookUrl('http://[::ffff:8.8.8.8]/in', false)).toMatchObject({ ok: true });
  });

  it('refuses other schemes, credentials and nonsense', () => {
    expect(refused('ftp://example.com/x')).toMatch(/http/);
    expect(refused('file:///etc/passwd')).toMatch(/http/);
    expect(refused('https://user:pw@example.com/')).toMatch(/user name or password/);
    expect(refused('not a url')).toMatch(/not a valid URL/);
  });

  it('refuses private and loopback hosts in every spelling, unless private addresses are allowed', () => {
    const urls = [
      'http://127.0.0.1:9000/',
      'http://localhost/',
      'http://api.localhost/',
      'http://169.254.169.254/latest/meta-data/',
      'http://10.0.0.5/',
      'http://0.0.0.0/',
      'http://[::1]/',
      'http://[::]/',
      'http://[::127.0.0.1]/',
      'http://[::ffff:127.0.0.1]/',
      'http://[::ffff:0:127.0.0.1]/',
      'http://[64:ff9b::7f00:1]/',
      'http://[2002:7f00:1::]/',
      'http://[fd00::1]/',
      'http://[fe80::1]/',
      // Decimal, hex, octal and short IPv4 forms: the URL parser turns each into 127.0.0.1.
      'http://2130706433/',
      'http://0x7f.1/',
      'http://0x7f000001/',
      'http://017700000001/',
      'http://0177.0.0.1/',
      'http://127.1/',
    ];
    expect(urls.map((url) => [url, refused(url)])).toEqual(
      urls.map((url) => [url, expect.stringMatching(/not a public internet address/)]),
    );
    expect(checkWebhookUrl('http://127.0.0.1:9000/', true)).toMatchObject({ ok: true });
    expect(checkWebhookUrl('http://[::127.0.0.1]:9000/', true)).toMatchObject({ ok: true });
  });
});
