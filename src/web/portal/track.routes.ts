/**
 * `/track`: the form (GET), a search (POST: number and id tail in the body, never in the address),
 * and a rating by the same two (POST /track/rating). Searches and ratings are throttled per client
 * address by the cases module's tracking throttle (deps.throttleTracking, the API's own when wired so); a throttled
 * visitor is told how long to wait (429 with Retry-After). A wrong number or tail reads as one
 * "not found" with 404, whichever was wrong.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { rateTrackedCase, type TrackView, trackCase } from '../../modules/cases/index.js';
import { type DomainError, NotFoundError, RateLimitedError, ValidationError } from '../../platform/errors.js';
import { type Locale, translate } from '../../platform/i18n/messages.js';
import { type CaseFormState, EMPTY_CASE_FORM, formErrors } from './cases-form.js';
import type { CasePagesDeps } from './cases-pages.deps.js';
import { ratingInput } from './cases-view.js';
import { pageLocale, problemText, sendPage, statusOfFailure } from './page-reply.js';
import { renderTrackFormPage, renderTrackResultPage, TRACK_PATH } from './track.page.js';

const PageQuery = Type.Object({ lang: Type.Optional(Type.String({ maxLength: 16 })) });
const FormBody = Type.Record(Type.String({ maxLength: 64 }), Type.String({ maxLength: 2048 }));

/** Registers the tracking pages on the case pages' plugin. */
export function trackRoutes(app: FastifyInstance, deps: CasePagesDeps): void {
  const db = deps.database.kysely;

  app.get(TRACK_PATH, { schema: { hide: true, querystring: PageQuery } }, async (request, reply) => {
    const locale = pageLocale(request, reply, (request.query as { lang?: string }).lang);
    return sendPage(reply, locale, renderTrackFormPage(EMPTY_CASE_FORM, locale));
  });

  app.post(TRACK_PATH, { schema: { hide: true, body: FormBody } }, async (request, reply) => {
    const locale = pageLocale(request, reply);
    const { number, idTail } = typed(request.body as Record<string, string>);
    const values = { number, idTail };
    const missing = [
      ...(number === '' ? [{ name: 'number', reason: 'required' }] : []),
      ...(idTail === '' ? [{ name: 'idTail', reason: 'required' }] : []),
    ];
    if (missing.length > 0)
      return sendPage(reply, locale, renderTrackFormPage({ values, errors: missing }, locale), 422);
    try {
      await deps.throttleTracking(request.ip);
      const view = await trackCase(db, number, idTail, deps);
      return sendPage(reply, locale, renderTrackResultPage({ view, number, idTail }, locale));
    } catch (error) {
      const status = statusOfFailure(error, reply);
      return sendPage(reply, locale, renderTrackFormPage(searchFailure(error, values, locale), locale), status);
    }
  });

  app.post(`${TRACK_PATH}/rating`, { schema: { hide: true, body: FormBody } }, async (request, reply) => {
    const locale = pageLocale(request, reply);
    const form = request.body as Record<string, string>;
    const { number, idTail } = typed(form);
    const values = { number, idTail };
    let view: TrackView;
    try {
      await deps.throttleTracking(request.ip);
      view = await trackCase(db, number, idTail, deps);
    } catch (error) {
      const status = statusOfFailure(error, reply);
      return sendPage(reply, locale, renderTrackFormPage(searchFailure(error, values, locale), locale), status);
    }
    try {
      await rateTrackedCase(db, { number, idTail, ...ratingInput(form) }, deps);
      const rated = await trackCase(db, number, idTail, deps);
      return sendPage(reply, locale, renderTrackResultPage({ view: rated, number, idTail, rated: true }, locale));
    } catch (error) {
      const status = statusOfFailure(error, reply);
      const rating: CaseFormState =
        error instanceof ValidationError && error.fields.length > 0
          ? { values: { score: form.score ?? '', comment: form.comment ?? '' }, errors: formErrors(error.fields) }
          : {
              values: { score: form.score ?? '', comment: form.comment ?? '' },
              errors: [],
              problem: problemText(error as DomainError, locale),
            };
      return sendPage(reply, locale, renderTrackResultPage({ view, number, idTail, rating }, locale), status);
    }
  });
}

/** The number as printed (upper case), the tail as typed; both trimmed. */
function typed(form: Record<string, string>) {
  return { number: (form.number ?? '').trim().toUpperCase(), idTail: (form.idTail ?? '').trim() };
}

/** The form again after a failed search: one wording for "not found", the wait when throttled. */
function searchFailure(error: unknown, values: Record<string, string>, locale: Locale): CaseFormState {
  if (error instanceof NotFoundError)
    return { values, errors: [], problem: translate('portal.track.not_found', locale) };
  if (error instanceof RateLimitedError) {
    return {
      values,
      errors: [],
      problem: translate('portal.track.throttled', locale, { seconds: error.retryAfterSeconds }),
    };
  }
  if (error instanceof ValidationError && error.fields.length > 0) return { values, errors: formErrors(error.fields) };
  return { values, errors: [], problem: problemText(error as DomainError, locale) };
}
