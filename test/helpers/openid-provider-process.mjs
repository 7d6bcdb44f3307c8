// A real OpenID provider (oidc-provider, ESM-only) for the e2e tests, run as a child process by
// test/helpers/oidc-provider.ts. It reads its settings as JSON from OIDC_TEST_SETTINGS:
//   { port, keys: [private JWKs], clients: [{ client_id, client_secret, claims, alg, ttl }], clockOffsetSeconds }
// and issues JWT access tokens through the client credentials grant: the token's `sub` is the
// client id (one client per test user), its `aud` the requested resource, its extra claims the
// client's `claims`, signed with the client's `alg`, valid for its `ttl` seconds. With
// `clockOffsetSeconds` the provider's clock runs that far behind (its tokens are expired when
// issued, however long they are valid). It writes "ready <issuer>" on stdout once it listens.
import Provider from 'oidc-provider';

const settings = JSON.parse(process.env.OIDC_TEST_SETTINGS);
if (settings.clockOffsetSeconds) {
  const now = Date.now.bind(Date);
  Date.now = () => now() - settings.clockOffsetSeconds * 1000;
}
const issuer = `http://127.0.0.1:${settings.port}`;
const byId = new Map(settings.clients.map((client) => [client.client_id, client]));

const provider = new Provider(issuer, {
  clients: settings.clients.map((client) => ({
    client_id: client.client_id,
    client_secret: client.client_secret,
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    token_endpoint_auth_method: 'client_secret_post',
  })),
  jwks: { keys: settings.keys },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: (_ctx, _client, oneOf) => oneOf ?? 'https://api.spendin.test',
      useGrantedResource: () => true,
      getResourceServerInfo: (_ctx, resource, client) => ({
        scope: 'api',
        audience: resource,
        accessTokenFormat: 'jwt',
        accessTokenTTL: byId.get(client.clientId).ttl ?? 600,
        jwt: { sign: { alg: byId.get(client.clientId).alg ?? 'RS256' } },
      }),
    },
  },
  ttl: {
    ClientCredentials: (_ctx, token, client) => byId.get(client.clientId).ttl ?? 600,
  },
  extraTokenClaims: (_ctx, token) => byId.get(token.clientId)?.claims ?? {},
});
provider.proxy = false;

const server = provider.listen(settings.port, '127.0.0.1', () => process.stdout.write(`ready ${issuer}\n`));
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
