import { INestApplication } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { Server } from 'node:http';
import { json, type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { PUBLIC_EXTENSION, REQUIRED_SCOPE_EXTENSION } from './common/auth/decorators';
import { createValidationPipe } from './common/errors/validation';
import { recordHttpMetrics } from './common/metrics/http-metrics';
import { Metrics } from './common/metrics/metrics';
import { API_PREFIX } from './common/http/api-prefix';
import { answerClientErrorsWithProblems } from './common/http/client-errors';
import { guardInput } from './common/http/input-guards';
import { isRedocPath, REDOC_CSP_DIRECTIVES, redocRoutes } from './common/http/redoc';
import { assignRequestId } from './common/http/request-id';
import { API_TAGS } from './common/swagger/api-tags';
import { namedSchemas } from './common/swagger/named-schemas';
import { PROBLEM_SCHEMA_NAME, problemSchema } from './common/swagger/problem.schema';
import { AppConfig } from './config/app-config';
import { applyHttpTimeouts, corsOptions } from './common/http/server-options';

/** Every JSON body but those below: the largest DTO (a team of 500 members) is a few kilobytes. */
export const JSON_BODY_LIMIT = '100kb';
/** Routes whose bodies are large by nature: a policy of up to 100 rules, a batch of 100 identity events. */
export const LARGE_JSON_ROUTES = ['policies', 'events/webhook'];
export const LARGE_JSON_BODY_LIMIT = '1mb';
export const CSV_BODY_LIMIT = '5mb';
const JSON_TYPES = ['application/json', 'application/*+json'];

/**
 * Everything about the HTTP surface that is not a route: shared by `main.ts` and the e2e
 * tests so that both run the same application.
 */
export function configureApp(app: NestExpressApplication, config: AppConfig): OpenAPIObject {
  app.useLogger(app.get(Logger));
  answerClientErrorsWithProblems(app.getHttpServer());
  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');
  applyHttpTimeouts(app.getHttpServer() as Server, config.httpTimeouts);
  app.use(assignRequestId);
  // Requests are timed only where someone can read the figures.
  if (config.metrics.enabled) app.use(recordHttpMetrics(app.get(Metrics)));
  // Browsers of the origins CORS_ORIGINS names may call the API; with none set, no CORS header at all.
  if (config.cors.origins.length > 0) app.enableCors(corsOptions(config.cors.origins));
  // One policy for everything but ReDoc's page and bundle, whose relaxation (workers from blob:
  // URLs) stays on those two routes.
  const directives = {
    // Swagger UI at /docs needs inline styles and data: images; nothing else does.
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:'],
    // Plain-http deployments (localhost, behind a TLS-terminating proxy) must keep working.
    'upgrade-insecure-requests': null,
  };
  const strict = helmet({ contentSecurityPolicy: { directives } });
  const forRedoc = helmet({ contentSecurityPolicy: { directives: { ...directives, ...REDOC_CSP_DIRECTIVES } } });
  app.use((request: Request, response: Response, next: NextFunction) =>
    (isRedocPath(request.path) ? forRedoc : strict)(request, response, next),
  );
  // The bytes of a JSON body are kept beside what they parse to: a signature (the identity
  // provider's) is over the exact bytes sent, which re-serializing the parsed body would not
  // give. Express's parser itself, since Nest's useBodyParser keeps `verify` to NestFactory's
  // rawBody option, which each caller of configureApp would have to remember. The first parser
  // that matches parses the body; the next ones see it parsed and pass.
  const keepBytes = (request: Request & { rawBody?: Buffer }, _response: unknown, bytes: Buffer) => {
    request.rawBody = bytes;
  };
  app.use(
    LARGE_JSON_ROUTES.map((route) => `/${API_PREFIX}/${route}`),
    json({ limit: LARGE_JSON_BODY_LIMIT, type: JSON_TYPES, verify: keepBytes }),
  );
  app.use(json({ limit: JSON_BODY_LIMIT, type: JSON_TYPES, verify: keepBytes }));
  // CSV imports (exchange rates) arrive as text; only routes marked @AcceptsContentType take them.
  app.useBodyParser('text', { limit: CSV_BODY_LIMIT, type: ['text/csv'] });
  app.use(guardInput);
  // Answers of the API carry tokens, spends and receipts: no cache (a shared proxy, a browser's
  // back button) keeps them. A route that may be cached says so itself.
  app.use(
    `/${API_PREFIX}`,
    (_request: unknown, response: { setHeader(name: string, value: string): void }, next: () => void) => {
      response.setHeader('Cache-Control', 'no-store');
      next();
    },
  );
  // The queue board is a web page for the installation's operator, at /admin/queues (see QueueBoardController);
  // /metrics is for the installation's scraper (MetricsController).
  app.setGlobalPrefix(API_PREFIX, {
    exclude: ['health', 'health/ready', 'metrics', 'admin/queues', 'admin/queues/{*path}'],
  });
  app.useGlobalPipes(createValidationPipe());
  return setupSwagger(app);
}

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const options = new DocumentBuilder()
    .setTitle('Spendin API')
    .setDescription(
      'Team expense management: spends, receipts, policies, approvals and payouts.\n\n' +
        'Log in with `POST /api/v1/auth/login`, then press **Authorize** and paste the `access_token`. ' +
        'Errors are RFC 9457 problem details (`application/problem+json`) with a stable `code`.',
    )
    .setVersion('1.0.0')
    .setLicense('MIT', 'https://opensource.org/license/mit')
    // Relative: the document describes the installation that serves it, wherever that is.
    .addServer('/', 'The installation serving this document')
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'The access_token from /auth/login' },
      'bearer',
    )
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'sk_live_…',
        description:
          'An organization API key (`sk_live_<public id>_<secret>`, from POST /organization/api-keys), sent as `Authorization: Bearer <key>`. ' +
          "Accepted only on operations that list this scheme, and only when the key holds the operation's `x-required-scope`; elsewhere 403 INSUFFICIENT_SCOPE.",
      },
      'apiKey',
    )
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description:
          "An access token (JWT) from the organization's own OpenID provider, whose issuer an admin configured with PUT /organization/identity-provider; see docs/integrations-oidc.md",
      },
      'oidc',
    )
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description: "The installation operator's access_token from /operator/auth/login: the /operator routes only",
      },
      'operator',
    )
    .addApiKey(
      {
        type: 'apiKey',
        in: 'header',
        name: 'webhook-signature',
        description:
          "For the identity provider's POST /events/webhook/{organization_id} only: a Standard Webhooks signature (`v1,<base64 HMAC-SHA256>` over `<webhook-id>.<webhook-timestamp>.<body>`) made with the organization's identity-provider secret, sent with `webhook-id` and `webhook-timestamp`",
      },
      'webhook-signature',
    )
    .build();
  options.tags = API_TAGS;
  const document = SwaggerModule.createDocument(app, options, {
    operationIdFactory: (controller, method) => `${controller.replace(/Controller$/, '')}_${method}`,
  });
  document.components ??= {};
  document.components.schemas ??= {};
  document.components.schemas[PROBLEM_SCHEMA_NAME] = problemSchema as never;
  Object.assign(document.components.schemas, namedSchemas());
  markPublicOperations(document);
  describeRequiredScopes(document);
  return document;
}

/** An operation an API key may call says which scope it needs in its description too, for readers of Swagger UI. */
function describeRequiredScopes(document: OpenAPIObject): void {
  for (const methods of Object.values(document.paths)) {
    for (const operation of Object.values(methods) as Array<Record<string, unknown>>) {
      const scope =
        typeof operation === 'object' && operation !== null ? operation[REQUIRED_SCOPE_EXTENSION] : undefined;
      if (typeof scope !== 'string') continue;
      const said = `API keys need the \`${scope}\` scope.`;
      operation.description = operation.description ? `${String(operation.description)}\n\n${said}` : said;
    }
  }
}

/**
 * A route marked `@Public()` needs no credentials: its operation says so with `security: []`
 * (what generators and linters read), unless it has a scheme of its own (the identity
 * provider's signature). The `x-public` marker that carried it here is not part of the contract.
 */
function markPublicOperations(document: OpenAPIObject): void {
  for (const methods of Object.values(document.paths)) {
    for (const operation of Object.values(methods) as Array<Record<string, unknown>>) {
      if (typeof operation !== 'object' || operation === null || !(PUBLIC_EXTENSION in operation)) continue;
      delete operation[PUBLIC_EXTENSION];
      operation.security ??= [];
    }
  }
}

function setupSwagger(app: INestApplication): OpenAPIObject {
  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    // Tags start collapsed: the document has over 150 operations, and Swagger UI 5 stops
    // rendering the expanded list past about 125 of them (the page then ends after the second tag).
    swaggerOptions: { persistAuthorization: true, docExpansion: 'none' },
    customSiteTitle: 'Spendin API',
  });
  // ReDoc beside Swagger UI: the same document, read-only, as one long page.
  app.use(redocRoutes('/docs-json', 'Spendin API reference'));
  return document;
}
