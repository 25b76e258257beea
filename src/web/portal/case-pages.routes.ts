/**
 * The citizens' case pages: applying online (`/services/{code}/apply`), my applications and messages
 * (`/account/cases`, `/account/cases/{id}`), tracking by number (`/track`), and their stylesheet.
 * Server-rendered, no JavaScript; they call the cases module's functions, never its HTTP API.
 *
 * Encapsulated in this plugin only: the form parsers (url-encoded for the small forms, multipart for
 * files) and the refusal of posts from other sites (with the SameSite=Lax session cookie, CSRF).
 */
import multipart from '@fastify/multipart';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { applicationRoutes } from './application.routes.js';
import { CASES_CSS, CASES_CSS_VERSION } from './cases.css.js';
import { caseAccountRoutes } from './cases-account.routes.js';
import type { CasePagesDeps } from './cases-pages.deps.js';
import { acceptFormPosts } from './form-posts.js';
import { trackRoutes } from './track.routes.js';

/** The small forms (withdraw, rate, track, mark read) are a few short fields. */
const FORM_BODY_LIMIT_BYTES = 16 * 1024;
const StylesheetQuery = Type.Object({ v: Type.Optional(Type.String({ maxLength: 64 })) });

/**
 * The case pages' routes, for `runtime.routes`.
 * @example runtime.routes.push(casePages({ database, policy, calendar, blobs, clock, warnDays, followUpDays, maxUploadBytes }));
 */
export function casePages(deps: CasePagesDeps): FastifyPluginAsync {
  // Named, so the runtime's list of plugins can be searched for it.
  return async function casePagesPlugin(instance) {
    // Limits per route (the item's materials decide how many files); these are the ceilings.
    await instance.register(multipart, {
      limits: { fileSize: deps.maxUploadBytes, fieldSize: 16 * 1024, fields: 250, files: 105, headerPairs: 100 },
    });
    acceptFormPosts(instance, { bodyLimitBytes: FORM_BODY_LIMIT_BYTES });
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();

    applicationRoutes(app, deps);
    caseAccountRoutes(app, deps);
    trackRoutes(app, deps);

    app.get('/assets/cases.css', { schema: { hide: true, querystring: StylesheetQuery } }, async (request, reply) => {
      const current = request.query.v === CASES_CSS_VERSION;
      return reply
        .type('text/css; charset=utf-8')
        .header('cache-control', current ? 'public, max-age=31536000, immutable' : 'public, max-age=300')
        .send(CASES_CSS);
    });
  };
}
