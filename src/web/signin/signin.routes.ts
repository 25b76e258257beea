/**
 * The staff sign-in page: GET and POST /signin, and POST /signout from a form. Works without
 * JavaScript: plain form posts (application/x-www-form-urlencoded, parsed here and only here), answered
 * with a redirect on success (303, so a reload does not post again) or the page again with the problem.
 *
 * After a right password for an account with two-step verification, the code step carries the sealed,
 * five-minute pending token the identity module issues, never the password.
 *
 * `next` may only name a path on this site (`/workbench/cases?id=1`): anything else (`//evil.example`,
 * `https://…`, `/\evil`) falls back to the workbench, so the page cannot be used to bounce someone to a
 * look-alike site. Posts carrying an Origin of another site are refused (login CSRF: signing a victim
 * into the attacker's account); the session cookie itself is SameSite=Lax.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import {
  authenticateStaff,
  authenticateStaffSecondFactor,
  type Clock,
  clearedSessionCookie,
  cookieValue,
  endSessionByToken,
  openSession,
  SESSION_COOKIE,
  type StaffAuthentication,
  sessionCookie,
} from '../../modules/identity/index.js';
import type { Database } from '../../platform/db/database.js';
import { DomainError, RateLimitedError } from '../../platform/errors.js';
import { type Locale, translate } from '../../platform/i18n/messages.js';
import type { SecretBox } from '../../platform/secrets/secret-box.js';
import { langCookie, portalLocale } from '../portal/portal-locale.js';
import { SIGNIN_CSS, SIGNIN_CSS_VERSION } from './signin.css.js';
import { renderSignInPage, type SignInView } from './signin.page.js';

export interface SigninRoutesDeps {
  database: Database;
  secrets: SecretBox;
  /** The platform's public URL: the cookie is Secure when it is https, and form posts must come from its origin. */
  publicUrl: string;
  clock?: Clock;
}

/** Where a signed-in civil servant lands when `next` says nothing usable. */
export const DEFAULT_NEXT = '/workbench/';
/** A sign-in form is a few hundred bytes; nothing larger is a sign-in. */
const FORM_LIMIT_BYTES = 16 * 1024;

const PageQuery = Type.Object({
  lang: Type.Optional(Type.String({ maxLength: 16 })),
  next: Type.Optional(Type.String({ maxLength: 2048 })),
});
const Field = Type.Optional(Type.String({ maxLength: 2048 }));
const SignInForm = Type.Object({
  step: Field,
  login: Field,
  password: Field,
  code: Field,
  pending: Field,
  next: Field,
});

/**
 * The sign-in page's routes, for `runtime.routes`.
 * @example runtime.routes.push(signinRoutes({ database, secrets, publicUrl: config.publicUrl }));
 */
export function signinRoutes(deps: SigninRoutesDeps): FastifyPluginAsync {
  const { database, secrets } = deps;
  const secure = deps.publicUrl.startsWith('https:');
  const origin = new URL(deps.publicUrl).origin;
  const clockOptions = deps.clock ? { clock: deps.clock } : {};
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();

    // Encapsulated: only these routes read form posts; the JSON API elsewhere keeps refusing them.
    app.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: FORM_LIMIT_BYTES },
      (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
    );

    app.get('/signin', { schema: { hide: true, querystring: PageQuery } }, async (request, reply) => {
      const locale = localeOf(request, reply, request.query.lang);
      const next = safeNext(request.query.next);
      if (request.principal?.kind === 'staff') return reply.code(303).header('location', next).send();
      return sendPage(reply, 200, { locale, step: 'password', next });
    });

    app.post('/signin', { schema: { hide: true, body: SignInForm } }, async (request, reply) => {
      const locale = localeOf(request, reply, undefined);
      const form = request.body;
      const next = safeNext(form.next);
      const t = (key: string, params: Record<string, unknown> = {}) => translate(key, locale, params);
      const login = form.login?.trim() ?? '';
      if (!sameOrigin(request, origin)) {
        return sendPage(reply, 403, { locale, step: 'password', next, login, error: t('signin.error.cross_site') });
      }
      const ip = request.ip ?? null;

      if (form.step === 'code') {
        const pendingToken = form.pending ?? '';
        const code = form.code?.trim() ?? '';
        if (code === '') {
          return sendPage(reply, 422, {
            locale,
            step: 'code',
            next,
            pendingToken,
            error: t('signin.error.missing_code'),
          });
        }
        try {
          const authenticated = await authenticateStaffSecondFactor(
            database,
            { secrets, ...clockOptions },
            {
              pendingToken,
              ...(/^\d{6}$/.test(code.normalize('NFKC').replace(/\s/g, ''))
                ? { totpCode: code }
                : { recoveryCode: code }),
              ip,
            },
          );
          return signedIn(request, reply, authenticated, next);
        } catch (error) {
          const problem = pageProblem(error, locale, reply);
          // An expired step starts again from the password; a wrong code may be tried again.
          return problem.code === 'identity.sign_in_expired'
            ? sendPage(reply, problem.status, { locale, step: 'password', next, error: problem.text })
            : sendPage(reply, problem.status, { locale, step: 'code', next, pendingToken, error: problem.text });
        }
      }

      const password = form.password ?? '';
      if (login === '' || password === '') {
        return sendPage(reply, 422, { locale, step: 'password', next, login, error: t('signin.error.missing') });
      }
      try {
        const result = await authenticateStaff(database, { secrets, ...clockOptions }, { login, password, ip });
        if (result.status === 'second_factor_required') {
          return sendPage(reply, 200, { locale, step: 'code', next, pendingToken: result.pendingToken });
        }
        return signedIn(request, reply, result, next);
      } catch (error) {
        const problem = pageProblem(error, locale, reply);
        return sendPage(reply, problem.status, { locale, step: 'password', next, login, error: problem.text });
      }
    });

    app.post('/signout', { schema: { hide: true } }, async (request, reply) => {
      const token = cookieValue(request.headers.cookie, SESSION_COOKIE);
      if (token && sameOrigin(request, origin))
        await endSessionByToken(database.kysely, token, 'sign_out', clockOptions);
      return reply
        .code(303)
        .header('set-cookie', clearedSessionCookie({ secure }))
        .header('location', '/signin')
        .send();
    });

    app.get('/assets/signin.css', { schema: { hide: true } }, async (request, reply) => {
      const current = (request.query as { v?: string }).v === SIGNIN_CSS_VERSION;
      return reply
        .type('text/css; charset=utf-8')
        .header('cache-control', current ? 'public, max-age=31536000, immutable' : 'public, max-age=300')
        .send(SIGNIN_CSS);
    });

    async function signedIn(
      request: FastifyRequest,
      reply: FastifyReply,
      authenticated: Extract<StaffAuthentication, { status: 'authenticated' }>,
      next: string,
    ) {
      const { token } = await openSession(
        database.kysely,
        {
          subjectKind: 'staff',
          subjectId: authenticated.personId,
          ip: request.ip ?? null,
          userAgent: request.headers['user-agent'] ?? null,
          secondFactor: authenticated.secondFactor,
        },
        clockOptions,
      );
      return reply.code(303).header('set-cookie', sessionCookie(token, { secure })).header('location', next).send();
    }
  };
}

/**
 * `next` when it is a path on this site, else the workbench. Parsed as a URL against a placeholder
 * origin: whatever leaves that origin (`//host`, `/\host`, `https:`, `javascript:`) is refused.
 * @example safeNext('/workbench/cases?id=1'); // '/workbench/cases?id=1'
 * @example safeNext('//evil.example/');       // '/workbench/'
 */
export function safeNext(next: string | undefined): string {
  // Browsers drop tabs and newlines from URLs and read a backslash as a slash: `/\t/evil` would become `//evil`.
  if (!next?.startsWith('/') || next.includes('\\') || hasControlCharacter(next)) return DEFAULT_NEXT;
  const placeholder = 'http://huitong.invalid';
  try {
    const url = new URL(next, placeholder);
    if (url.origin !== placeholder) return DEFAULT_NEXT;
    return `${url.pathname}${url.search}${url.hash}`;
  } catch {
    return DEFAULT_NEXT;
  }
}

function hasControlCharacter(text: string): boolean {
  return [...text].some((character) => character.charCodeAt(0) < 0x20 || character.charCodeAt(0) === 0x7f);
}

/** A post without an Origin header (old browsers, tools) is allowed; one from another origin is not. */
function sameOrigin(request: FastifyRequest, origin: string): boolean {
  const sent = request.headers.origin;
  return sent === undefined || sent === origin;
}

function localeOf(request: FastifyRequest, reply: FastifyReply, lang: string | undefined): Locale {
  const { locale, chosen } = portalLocale(lang, request.headers.cookie, request.headers['accept-language']);
  if (chosen) reply.header('set-cookie', langCookie(locale));
  return locale;
}

function sendPage(reply: FastifyReply, status: number, view: SignInView) {
  return (
    reply
      .code(status)
      .type('text/html; charset=utf-8')
      .header('content-language', view.locale)
      .header('vary', 'Accept-Language, Cookie')
      // A page with a pending token or a typed login is nobody else's to see.
      .header('cache-control', 'no-store')
      .send(renderSignInPage(view).markup)
  );
}

/** A failed sign-in as the page shows it: the identity module's message, and the status to send. */
function pageProblem(
  error: unknown,
  locale: Locale,
  reply: FastifyReply,
): { code: string; status: number; text: string } {
  if (!(error instanceof DomainError) || (error.kind !== 'unauthenticated' && error.kind !== 'rate_limited'))
    throw error;
  if (error instanceof RateLimitedError) reply.header('retry-after', String(error.retryAfterSeconds));
  return {
    code: error.code,
    status: error instanceof RateLimitedError ? 429 : 401,
    text: translate(`${error.code}.detail`, locale, error.params),
  };
}
