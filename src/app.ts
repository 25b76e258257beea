/**
 * Builds the HTTP application from the platform and its modules, without listening, so tests run
 * requests in process with `app.inject`. `main.ts` listens.
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Config } from './config.js';
import { DomainError, NotFoundError, RateLimitedError } from './platform/errors.js';
import { registerAuthentication } from './platform/http/authentication.js';
import { healthRoutes } from './platform/http/health.routes.js';
import { problemFrom, sendProblem } from './platform/http/problem.js';
import { problemTypeRoutes } from './platform/http/problem-types.routes.js';
import { REQUEST_ID_HEADER, requestIdOf } from './platform/http/request-id.js';
import { registerSecurityHeaders } from './platform/http/security-headers.js';
import { logRedactPaths } from './platform/logging.js';
import type { Runtime } from './runtime.js';

export type App = FastifyInstance;

export interface BuildAppOptions {
  /** Log to stdout (the server); tests pass false. */
  logger?: boolean;
}

export async function buildApp(runtime: Runtime, options: BuildAppOptions = {}): Promise<App> {
  const { config } = runtime;
  const app = Fastify({
    logger: options.logger === false ? false : loggerOptions(config),
    genReqId: requestIdOf,
    bodyLimit: config.bodyLimitBytes,
    trustProxy: true,
    return503OnClosing: true,
    ajv: { customOptions: { allErrors: true, coerceTypes: 'array', removeAdditional: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.addHook('onRequest', async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
  });
  app.setErrorHandler((error, request, reply) => {
    const problem = problemFrom(error, request);
    if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
    if (error instanceof RateLimitedError) reply.header('retry-after', String(error.retryAfterSeconds));
    // RFC 6750 §3: a refused bearer token is answered with the challenge that says so.
    if (error instanceof DomainError && error.code === 'identity.token_invalid') {
      reply.header('www-authenticate', 'Bearer error="invalid_token"');
    }
    return sendProblem(reply, problem);
  });
  app.setNotFoundHandler((request, reply) => {
    const route = { method: request.method, url: request.url.split('?')[0] };
    return sendProblem(reply, problemFrom(new NotFoundError('http.route_not_found', route), request));
  });

  registerSecurityHeaders(app);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Huitong 汇通 API',
        version: runtime.version,
        description:
          '汇通电子政务集成平台的 HTTP 接口。错误一律以 RFC 9457 problem+json 返回。\n\nThe HTTP API of the Huitong e-government integration platform. Every error is RFC 9457 problem+json.',
      },
      servers: [{ url: config.publicUrl }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });

  registerAuthentication(app, runtime.authenticators);
  await app.register(healthRoutes, { database: runtime.database });
  await app.register(problemTypeRoutes);
  for (const register of runtime.routes) await app.register(register);

  return app;
}

function loggerOptions(config: Config) {
  return {
    level: config.logLevel,
    redact: { paths: logRedactPaths, censor: '[redacted]' },
    serializers: {
      // The query string can carry personal data (an identity number to track a case): log the path only.
      req: (request: { method: string; url: string; id: string }) => ({
        method: request.method,
        path: request.url.split('?')[0],
      }),
    },
  };
}
