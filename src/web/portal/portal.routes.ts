/**
 * The public portal: server-rendered HTML that works without JavaScript (there is none), and its
 * stylesheet. Chinese first; `?lang=en` or `?lang=zh` switches and is remembered in a cookie.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { Database } from '../../platform/db/database.js';
import { loadHomePage, renderHomePage } from './home.page.js';
import { PORTAL_CSS, PORTAL_CSS_VERSION } from './portal.css.js';
import { langCookie, portalLocale } from './portal-locale.js';

/** Any other query parameter (a campaign tag, a cache buster) is ignored, never refused: these are pages. */
const PageQuery = Type.Object({ lang: Type.Optional(Type.String({ maxLength: 16 })) });
const StylesheetQuery = Type.Object({ v: Type.Optional(Type.String({ maxLength: 64 })) });

/**
 * The portal's routes, for `runtime.routes`.
 * @example runtime.routes.push(portalRoutes({ database }));
 */
export function portalRoutes(deps: { database: Database }): FastifyPluginAsync {
  const { database } = deps;
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();

    app.get('/', { schema: { hide: true, querystring: PageQuery } }, async (request, reply) => {
      const { locale, chosen } = portalLocale(
        request.query.lang,
        request.headers.cookie,
        request.headers['accept-language'],
      );
      if (chosen) reply.header('set-cookie', langCookie(locale));
      const page = await loadHomePage(database.kysely);
      return (
        reply
          .type('text/html; charset=utf-8')
          .header('content-language', locale)
          // The same URL answers in either language: caches must keep them apart.
          .header('vary', 'Accept-Language, Cookie')
          .header('cache-control', 'no-cache')
          .send(renderHomePage(page, locale).markup)
      );
    });

    app.get('/assets/portal.css', { schema: { hide: true, querystring: StylesheetQuery } }, async (request, reply) => {
      // Pages link the current version (?v=…), which never changes, so it may be kept for good;
      // any other request gets a short lifetime, so an edit reaches it soon.
      const current = request.query.v === PORTAL_CSS_VERSION;
      return reply
        .type('text/css; charset=utf-8')
        .header('cache-control', current ? 'public, max-age=31536000, immutable' : 'public, max-age=300')
        .send(PORTAL_CSS);
    });
  };
}
