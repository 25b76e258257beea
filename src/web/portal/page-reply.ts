/**
 * How the portal's form pages (accounts, applications, cases, tracking) answer: the page language,
 * the headers of a page with personal data, the status each domain error gives (the API's own), and
 * the refusal of form posts from other sites.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, ForbiddenError, RateLimitedError } from '../../platform/errors.js';
import { type Locale, translate } from '../../platform/i18n/messages.js';
import type { SafeHtml } from './html.js';
import { langCookie, portalLocale } from './portal-locale.js';

/** The page language: `?lang=` on a GET (remembered), else the remembered choice or the browser's. */
export function pageLocale(request: FastifyRequest, reply: FastifyReply, lang?: string): Locale {
  const { locale, chosen } = portalLocale(lang, request.headers.cookie, request.headers['accept-language']);
  if (chosen) reply.header('set-cookie', langCookie(locale));
  return locale;
}

/** A whole page. Case pages carry personal data or a form's echo: never kept by any cache. */
export function sendPage(reply: FastifyReply, locale: Locale, page: SafeHtml, status = 200): FastifyReply {
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header('content-language', locale)
    .header('vary', 'Accept-Language, Cookie')
    .header('cache-control', 'no-store')
    .send(page.markup);
}

/** The signed-in public account of a request, or null (anonymous, or a member of staff). */
export function publicAccountOf(request: FastifyRequest): string | null {
  return request.principal?.kind === 'public' ? request.principal.id : null;
}

/**
 * Where an anonymous visitor of a page for account holders is sent: the sign-in page, told where to
 * come back to (a path of this site only).
 * @example reply.redirect(signInPath('/account/cases'), 303)
 */
export function signInPath(backTo: string): string {
  return `/account/signin?next=${encodeURIComponent(backTo)}`;
}

const STATUS_OF: Partial<Record<DomainError['kind'], number>> = {
  validation: 422,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  rate_limited: 429,
};

/**
 * The status a page answers a domain error with (what the API would), with Retry-After when
 * throttled. Anything but a domain error is a fault, rethrown for the error handler.
 */
export function statusOfFailure(error: unknown, reply: FastifyReply): number {
  if (!(error instanceof DomainError)) throw error;
  if (error instanceof RateLimitedError) reply.header('retry-after', String(error.retryAfterSeconds));
  return STATUS_OF[error.kind] ?? 400;
}

/** A domain error's text for a reader: its detail when the catalogue has one, else its title. */
export function problemText(error: DomainError, locale: Locale): string {
  const detailKey = `${error.code}.detail`;
  const detail = translate(detailKey, locale, error.params);
  return detail === detailKey ? translate(error.code, locale, error.params) : detail;
}

/**
 * Refuses a form post whose Origin is another site. Browsers send Origin with every form post; a
 * request without one is not a browser's cross-site post and passes. With the SameSite=Lax session
 * cookie this keeps other sites from applying, withdrawing or rating in a visitor's name.
 * @throws ForbiddenError `auth.forbidden`
 */
export function refuseCrossSite(request: FastifyRequest): void {
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
