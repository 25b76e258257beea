/**
 * The public account pages: register (citizen or enterprise), sign in, my account, sign out. Forms
 * post application/x-www-form-urlencoded, parsed by a parser registered in this plugin only; each
 * answer is a whole page, so everything works without JavaScript (there is none).
 *
 * A submission that fails re-renders the form with the reader's values (never the password), an
 * error summary and the error beside each field, with the status the API would give (422, 409, 401,
 * 429 with Retry-After). A success redirects (303), so reloading the next page posts nothing again.
 *
 * Cross-site posts: the session cookie is SameSite=Lax, so a post from another site carries no
 * session; and a post whose Origin is another site is refused, so no other site can sign a visitor
 * in to an account of its choosing (login CSRF).
 */
import { parse as parseQueryString } from 'node:querystring';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import {
  authenticatePublic,
  clearedSessionCookie,
  cookieValue,
  endSessionByToken,
  getMyAccount,
  openSession,
  type PublicAccountDeps,
  type PublicAccountKind,
  presentMyPublicAccount,
  publicRequestContext,
  refuseStaff,
  registerCitizen,
  registerEnterprise,
  SESSION_COOKIE,
  sessionCookie,
} from '../../modules/identity/index.js';
import type { Database } from '../../platform/db/database.js';
import {
  DomainError,
  ForbiddenError,
  NotFoundError,
  RateLimitedError,
  ValidationError,
} from '../../platform/errors.js';
import { type Locale, translate } from '../../platform/i18n/messages.js';
import { EMPTY_FORM, type FormState } from './account-form.js';
import { renderAccountHomePage } from './account-home.page.js';
import { ACCOUNT_CSS, ACCOUNT_CSS_VERSION } from './account-pages.css.js';
import { type RegistrationKind, renderRegisterPage } from './account-register.page.js';
import { renderSignInPage, type SignInNotice } from './account-signin.page.js';
import type { SafeHtml } from './html.js';
import { langCookie, portalLocale } from './portal-locale.js';

export interface PublicAccountPagesDeps extends PublicAccountDeps {
  database: Database;
  /** Whether the platform is reached over https: the session cookie is then marked Secure. */
  secureCookie: boolean;
}

/** A form is a handful of short fields; anything larger is not one of ours. */
const FORM_BODY_LIMIT_BYTES = 16 * 1024;
const FORM_FIELD_MAX_LENGTH = 1024;

const PageQuery = Type.Object({
  lang: Type.Optional(Type.String({ maxLength: 16 })),
  type: Type.Optional(Type.String({ maxLength: 16 })),
  kind: Type.Optional(Type.String({ maxLength: 16 })),
  notice: Type.Optional(Type.String({ maxLength: 16 })),
});
const StylesheetQuery = Type.Object({ v: Type.Optional(Type.String({ maxLength: 64 })) });
const FormBody = Type.Record(Type.String({ maxLength: 64 }), Type.String({ maxLength: FORM_FIELD_MAX_LENGTH }));

/** Fields typed into the forms that are echoed back when a submission fails: never a password. */
const ECHOED_FIELDS = [
  'residentId',
  'name',
  'mobile',
  'email',
  'creditCode',
  'enterpriseName',
  'agentRole',
  'agentName',
  'agentResidentId',
  'kind',
  'login',
] as const;

/**
 * The account pages' routes, for `runtime.routes`.
 * @example runtime.routes.push(publicAccountPages({ database, secureCookie: config.publicUrl.startsWith('https:') }));
 */
export function publicAccountPages(deps: PublicAccountPagesDeps): FastifyPluginAsync {
  const { database, secureCookie, ...serviceDeps } = deps;
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();

    // Encapsulated: only these routes accept form posts; the JSON API never does (CSRF).
    app.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT_BYTES },
      (_request, body, done) => {
        const parsed = parseQueryString(String(body));
        // A repeated field keeps its last value, as a browser never sends one twice.
        done(
          null,
          Object.fromEntries(Object.entries(parsed).map(([key, value]) => [key, [value].flat().at(-1) ?? ''])),
        );
      },
    );
    app.addHook('preHandler', async (request) => {
      if (request.method === 'POST') refuseCrossSite(request);
    });

    app.get('/account/register', { schema: { hide: true, querystring: PageQuery } }, async (request, reply) => {
      const locale = pageLocale(request, reply, request.query.lang);
      const kind: RegistrationKind = request.query.type === 'enterprise' ? 'enterprise' : 'citizen';
      return sendPage(reply, locale, renderRegisterPage(kind, EMPTY_FORM, locale));
    });

    for (const kind of ['citizen', 'enterprise'] as const) {
      app.post(`/account/register/${kind}`, { schema: { hide: true, body: FormBody } }, async (request, reply) => {
        const locale = pageLocale(request, reply);
        const form = request.body;
        try {
          refuseStaff(request);
          const context = publicRequestContext(request);
          if (kind === 'citizen') {
            await registerCitizen(
              database,
              {
                residentId: form.residentId ?? '',
                name: form.name ?? '',
                mobile: form.mobile ?? '',
                email: form.email,
                password: form.password ?? '',
              },
              context,
              serviceDeps,
            );
          } else {
            await registerEnterprise(
              database,
              {
                creditCode: form.creditCode ?? '',
                enterpriseName: form.enterpriseName ?? '',
                agentRole: form.agentRole ?? '',
                agentName: form.agentName ?? '',
                agentResidentId: form.agentResidentId ?? '',
                mobile: form.mobile ?? '',
                email: form.email,
                password: form.password ?? '',
              },
              context,
              serviceDeps,
            );
          }
          return reply.redirect(`/account/signin?notice=registered&kind=${kind}`, 303);
        } catch (error) {
          const { state, status } = failure(error, form, locale, reply);
          return sendPage(reply, locale, renderRegisterPage(kind, state, locale), status);
        }
      });
    }

    app.get('/account/signin', { schema: { hide: true, querystring: PageQuery } }, async (request, reply) => {
      const locale = pageLocale(request, reply, request.query.lang);
      const notice = (['registered', 'signed_out'] as const).find((known) => known === request.query.notice);
      const state: FormState = {
        values: { kind: request.query.kind === 'enterprise' ? 'enterprise' : 'citizen' },
        errors: [],
      };
      return sendPage(reply, locale, renderSignInPage(state, locale, notice as SignInNotice | undefined));
    });

    app.post('/account/signin', { schema: { hide: true, body: FormBody } }, async (request, reply) => {
      const locale = pageLocale(request, reply);
      const form = request.body;
      try {
        refuseStaff(request);
        const kind: PublicAccountKind = form.kind === 'enterprise' ? 'enterprise' : 'citizen';
        const context = publicRequestContext(request);
        const account = await authenticatePublic(
          database,
          { kind, login: form.login ?? '', password: form.password ?? '' },
          context,
          serviceDeps,
        );
        const { token } = await openSession(
          database.kysely,
          {
            subjectKind: 'public',
            subjectId: account.id,
            ip: context.ip,
            userAgent: context.userAgent ?? null,
            secondFactor: false,
          },
          serviceDeps.clock ? { clock: serviceDeps.clock } : {},
        );
        return reply.header('set-cookie', sessionCookie(token, { secure: secureCookie })).redirect('/account', 303);
      } catch (error) {
        const { state, status } = failure(error, form, locale, reply);
        return sendPage(reply, locale, renderSignInPage(state, locale), status);
      }
    });

    app.get('/account', { schema: { hide: true, querystring: PageQuery } }, async (request, reply) => {
      const locale = pageLocale(request, reply, request.query.lang);
      const principal = request.principal;
      if (principal?.kind !== 'public') return reply.redirect('/account/signin', 303);
      try {
        const account = presentMyPublicAccount(await getMyAccount(database.kysely, principal.id));
        return sendPage(reply, locale, renderAccountHomePage(account, locale));
      } catch (error) {
        // The account is gone (an administrator removed it): the session names nobody any more.
        if (error instanceof NotFoundError) return reply.redirect('/account/signin', 303);
        throw error;
      }
    });

    app.post('/account/signout', { schema: { hide: true } }, async (request, reply) => {
      const token = cookieValue(request.headers.cookie, SESSION_COOKIE);
      if (token && request.principal?.kind === 'public') await endSessionByToken(database.kysely, token, 'sign_out');
      return reply
        .header('set-cookie', clearedSessionCookie({ secure: secureCookie }))
        .redirect('/account/signin?notice=signed_out', 303);
    });

    app.get('/assets/account.css', { schema: { hide: true, querystring: StylesheetQuery } }, async (request, reply) => {
      const current = request.query.v === ACCOUNT_CSS_VERSION;
      return reply
        .type('text/css; charset=utf-8')
        .header('cache-control', current ? 'public, max-age=31536000, immutable' : 'public, max-age=300')
        .send(ACCOUNT_CSS);
    });
  };
}

/** The page language: `?lang=` on a GET (remembered), else the remembered choice or the browser's. */
function pageLocale(request: FastifyRequest, reply: FastifyReply, lang?: string): Locale {
  const { locale, chosen } = portalLocale(lang, request.headers.cookie, request.headers['accept-language']);
  if (chosen) reply.header('set-cookie', langCookie(locale));
  return locale;
}

function sendPage(reply: FastifyReply, locale: Locale, page: SafeHtml, status = 200): FastifyReply {
  return (
    reply
      .code(status)
      .type('text/html; charset=utf-8')
      .header('content-language', locale)
      .header('vary', 'Accept-Language, Cookie')
      // Pages with personal data or a form's echo are never kept by a shared or back-button cache.
      .header('cache-control', 'no-store')
      .send(page.markup)
  );
}

/** The status the API gives each kind of domain error; a page answers the same. */
const STATUS_OF: Partial<Record<DomainError['kind'], number>> = {
  validation: 422,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
};

/**
 * What the form shows after a failed submission, and the status to answer with: the values back, the
 * field errors or the problem's text. Anything but a domain error is a fault, for the error handler.
 */
function failure(
  error: unknown,
  form: Record<string, string>,
  locale: Locale,
  reply: FastifyReply,
): { state: FormState; status: number } {
  if (!(error instanceof DomainError)) throw error;
  if (error instanceof RateLimitedError) reply.header('retry-after', String(error.retryAfterSeconds));
  const status = STATUS_OF[error.kind] ?? 400;
  const values = Object.fromEntries(ECHOED_FIELDS.filter((name) => name in form).map((name) => [name, form[name]!]));
  if (error instanceof ValidationError && error.fields.length > 0)
    return { state: { values, errors: error.fields }, status };
  const problem =
    error.code === 'auth.wrong_principal_kind'
      ? translate('portal.account.staff_signed_in', locale)
      : problemText(error, locale);
  return { state: { values, errors: [], problem }, status };
}

function problemText(error: DomainError, locale: Locale): string {
  const detailKey = `${error.code}.detail`;
  const detail = translate(detailKey, locale, error.params);
  return detail === detailKey ? translate(error.code, locale, error.params) : detail;
}

/**
 * Refuses a form post whose Origin is another site. Browsers send Origin with every form post; a
 * request without one is not a browser's cross-site post and passes.
 * @throws ForbiddenError `auth.forbidden`
 */
function refuseCrossSite(request: FastifyRequest): void {
  const origin = request.headers.origin;
  if (!origin) return;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    throw new ForbiddenError('auth.forbidden');
  }
  if (host !== request.host) throw new ForbiddenError('auth.forbidden');
}
