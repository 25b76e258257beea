/**
 * The service catalogue's public pages, `/services` and `/services/{code}`, and their stylesheet.
 * Server-rendered HTML without scripts, Chinese first; `?lang=en` or `?lang=zh` switches and is
 * remembered, as on the rest of the portal.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Database } from '../../platform/db/database.js';
import { NotFoundError } from '../../platform/errors.js';
import { translate } from '../../platform/i18n/messages.js';
import { html } from './html.js';
import { renderPage } from './portal-layout.js';
import { langCookie, portalLocale } from './portal-locale.js';
import {
  loadServiceItem,
  loadServicesList,
  renderServiceItem,
  renderServicesList,
  SERVICES_CSS,
  SERVICES_CSS_VERSION,
  servicesQuery,
} from './services.page.js';

// Pages take what they know and ignore the rest (a campaign tag, a cache buster): links get shared and edited.
const Text = Type.Optional(Type.String({ maxLength: 200 }));
const ListQuery = Type.Object({ lang: Text, q: Text, department: Text, type: Text, online: Text, page: Text });
const ItemQuery = Type.Object({ lang: Text });
const ItemParams = Type.Object({ code: Type.String({ maxLength: 200 }) });
const StylesheetQuery = Type.Object({ v: Type.Optional(Type.String({ maxLength: 64 })) });

/**
 * The service pages' routes, for `runtime.routes`.
 * @example runtime.routes.push(servicePages({ database }));
 */
export function servicePages(deps: { database: Database }): FastifyPluginAsync {
  const db = deps.database.kysely;
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();

    app.get('/services', { schema: { hide: true, querystring: ListQuery } }, async (request, reply) => {
      const locale = pageLocale(request, reply, request.query.lang);
      const page = await loadServicesList(db, servicesQuery(request.query));
      return sendPage(reply, locale, renderServicesList(page, locale).markup);
    });

    app.get(
      '/services/:code',
      { schema: { hide: true, params: ItemParams, querystring: ItemQuery } },
      async (request, reply) => {
        const locale = pageLocale(request, reply, request.query.lang);
        try {
          const page = await loadServiceItem(db, request.params.code);
          return sendPage(reply, locale, renderServiceItem(page, locale).markup);
        } catch (error) {
          if (!(error instanceof NotFoundError)) throw error;
          // A page, not problem+json: whoever followed a stale link gets a way back.
          const title = translate('services.item_not_found', locale);
          const main = html`<h1>${title}</h1>
<p>${translate('services.item_not_found.detail', locale, { code: request.params.code })}</p>
<p><a href="/services">${translate('portal.services.back', locale)}</a></p>`;
          reply.code(404);
          return sendPage(reply, locale, renderPage({ locale, title, sections: [], main }).markup);
        }
      },
    );

    app.get(
      '/assets/services.css',
      { schema: { hide: true, querystring: StylesheetQuery } },
      async (request, reply) => {
        const current = request.query.v === SERVICES_CSS_VERSION;
        return reply
          .type('text/css; charset=utf-8')
          .header('cache-control', current ? 'public, max-age=31536000, immutable' : 'public, max-age=300')
          .send(SERVICES_CSS);
      },
    );
  };
}

function pageLocale(request: FastifyRequest, reply: FastifyReply, lang: string | undefined) {
  const { locale, chosen } = portalLocale(lang, request.headers.cookie, request.headers['accept-language']);
  if (chosen) reply.header('set-cookie', langCookie(locale));
  return locale;
}

function sendPage(reply: FastifyReply, locale: string, markup: string): FastifyReply {
  return (
    reply
      .type('text/html; charset=utf-8')
      .header('content-language', locale)
      // The same URL answers in either language: caches must keep them apart.
      .header('vary', 'Accept-Language, Cookie')
      .header('cache-control', 'no-cache')
      .send(markup)
  );
}
