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
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
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
import { DomainError, NotFoundError, ValidationError } from '../../platform/errors.js';
import { type Locale, translate } from '../../platform/i18n/messages.js';
import { EMPTY_FORM, type FormState } from './account-form.js';
import { renderAccountHomePage } from './account-home.page.js';
import { ACCOUNT_CSS, ACCOUNT_CSS_VERSION } from './account-pages.css.js';
import { type RegistrationKind, renderRegisterPage } from './account-register.page.js';
import { renderSignInPage, type SignInNotice } from './account-signin.page.js';
import { acceptFormPosts } from './form-posts.js';
import { pageLocale, problemText, sendPage, statusOfFailure } from './page-reply.js';

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
  next: Type.Optional(Type.String({ maxLength: 512 })),
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
    // Encapsulated: only these routes accept form posts; the JSON API never does (CSRF).
    acceptFormPosts(instance, { bodyLimitBytes: FORM_BODY_LIMIT_BYTES });
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();

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
      const next = backPath(request.query.next);
      return sendPage(reply, locale, renderSignInPage(state, locale, notice as SignInNotice | undefined, next));
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
        return reply
          .header('set-cookie', sessionCookie(token, { secure: secureCookie }))
          .redirect(backPath(form.next) ?? '/account', 303);
      } catch (error) {
        const { state, status } = failure(error, form, locale, reply);
        return sendPage(reply, locale, renderSignInPage(state, locale, undefined, backPath(form.next)), status);
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
  const status = statusOfFailure(error, reply);
  if (!(error instanceof DomainError)) throw error;
  const values = Object.fromEntries(ECHOED_FIELDS.filter((name) => name in form).map((name) => [name, form[name]!]));
  if (error instanceof ValidationError && error.fields.length > 0)
    return { state: { values, errors: error.fields }, status };
  const problem =
    error.code === 'auth.wrong_principal_kind'
      ? translate('portal.account.staff_signed_in', locale)
      : problemText(error, locale);
  return { state: { values, errors: [], problem }, status };
}

/**
 * Where to go after signing in, when a page sent the visitor here (`?next=`): a path of this site
 * only, never another site (`//host`, `/\\host` or a scheme), so the sign-in page is no open redirect.
 * @example backPath('/account/cases'); // '/account/cases'
 * @example backPath('//evil.example/'); // undefined
 */
function backPath(next: string | undefined): string | undefined {
  if (!next?.startsWith('/') || next.startsWith('//')) return undefined;
  // Backslashes and control characters: browsers read some of them as `//`.
  return [...next].some((ch) => ch === '\\' || ch.charCodeAt(0) < 0x20) ? undefined : next;
}
