/**
 * Mounts the OpenID Provider in the Fastify app: discovery at `/.well-known/openid-configuration` and
 * the endpoints under `/oidc/`. The provider is a Koa application that reads its own request bodies,
 * so this encapsulated plugin has no body parsers and hands the raw request and response over
 * (`reply.hijack()`). Its errors stay in OAuth's own format there (RFC 6749 §5.2): that is what
 * relying parties understand.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { OpenIdProvider } from './openid-provider.js';

/**
 * The provider's HTTP plugin, for `runtime.routes`.
 * @example runtime.routes.push(oidcProviderRoutes({ oidc }));
 */
export function oidcProviderRoutes(deps: { oidc: OpenIdProvider }): FastifyPluginAsync {
  const { oidc } = deps;
  return async (instance) => {
    instance.removeAllContentTypeParsers();
    // Accept any body without reading it: the provider reads the stream itself.
    instance.addContentTypeParser('*', (_request, _payload, done) => done(null));

    const handle = async (request: FastifyRequest, reply: FastifyReply) => {
      reply.hijack();
      // Headers set by the app's hooks (request id) on the Fastify reply travel with the raw response.
      for (const [name, value] of Object.entries(reply.getHeaders())) {
        if (value !== undefined) reply.raw.setHeader(name, value);
      }
      await oidc.handle(request.raw, reply.raw);
    };
    const hidden = { schema: { hide: true } };
    instance.get('/.well-known/openid-configuration', hidden, handle);
    instance.all('/oidc/*', hidden, handle);
  };
}
