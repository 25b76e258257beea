/**
 * The account holder's case pages: `/account/cases` (applications and messages), `/account/cases/{id}`
 * (one case), and the forms on them — withdraw, rate, upload a material, mark messages read. Each asks
 * the cases module as the public viewer the session names; another account's case reads as not found.
 * A success redirects (303) to the case with a notice; a refusal re-renders the page with the form's
 * errors and the status the API would give.
 */
import type { MultipartFile } from '@fastify/multipart';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  act,
  getCase,
  listNotifications,
  listOwnCases,
  markNotificationsRead,
  rateCase,
  receiveElectronic,
  type Viewer,
} from '../../modules/cases/index.js';
import { type DomainError, NotFoundError, PayloadTooLargeError, ValidationError } from '../../platform/errors.js';
import { type Locale, translate } from '../../platform/i18n/messages.js';
import { CASE_NOTICES, type CaseDetailPage, type CaseNotice, renderCaseDetailPage } from './cases-detail.page.js';
import { type CaseFormState, formErrors } from './cases-form.js';
import { renderMyCasesPage } from './cases-list.page.js';
import { isMultipartLimit, wholeOrFailing } from './cases-multipart.js';
import type { CasePagesDeps } from './cases-pages.deps.js';
import { ratingInput } from './cases-view.js';
import { html } from './html.js';
import { pageLocale, problemText, publicAccountOf, sendPage, signInPath, statusOfFailure } from './page-reply.js';
import { renderPage } from './portal-layout.js';

const CASES_PER_PAGE = 20;
/** The newest messages shown; older ones are read by now or no longer news. */
const NOTIFICATIONS_SHOWN = 20;
/** The highest page a link may ask for; far beyond anyone's applications. */
const MAX_PAGE = 1000;

const Text = Type.Optional(Type.String({ maxLength: 200 }));
const ListQuery = Type.Object({ lang: Text, page: Text, notice: Text });
const CaseParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
const CaseQuery = Type.Object({ lang: Text, notice: Text });
const FormBody = Type.Record(Type.String({ maxLength: 64 }), Type.String({ maxLength: 4096 }));

type FormName = keyof NonNullable<CaseDetailPage['forms']>;

/** Registers the account's case pages on the case pages' plugin. */
export function caseAccountRoutes(app: FastifyInstance, deps: CasePagesDeps): void {
  const db = deps.database.kysely;

  app.get('/account/cases', { schema: { hide: true, querystring: ListQuery } }, async (request, reply) => {
    const query = request.query as { lang?: string; page?: string; notice?: string };
    const locale = pageLocale(request, reply, query.lang);
    const accountId = publicAccountOf(request);
    if (!accountId) return reply.redirect(signInPath('/account/cases'), 303);
    const asked = Number.parseInt(query.page ?? '1', 10);
    const page = Number.isInteger(asked) && asked >= 1 && asked <= MAX_PAGE ? asked : 1;
    const [cases, notifications] = await Promise.all([
      listOwnCases(db, accountId, { limit: CASES_PER_PAGE, offset: (page - 1) * CASES_PER_PAGE }, deps),
      listNotifications(db, accountId, { limit: NOTIFICATIONS_SHOWN, offset: 0 }),
    ]);
    const notice = query.notice === 'read' ? 'read' : undefined;
    return sendPage(reply, locale, renderMyCasesPage({ cases, page, notifications, notice }, locale));
  });

  app.post('/account/notifications/read', { schema: { hide: true, body: FormBody } }, async (request, reply) => {
    const accountId = publicAccountOf(request);
    if (!accountId) return reply.redirect(signInPath('/account/cases'), 303);
    const upTo = Number((request.body as Record<string, string>).upTo);
    if (Number.isSafeInteger(upTo) && upTo > 0) await markNotificationsRead(db, accountId, upTo);
    return reply.redirect('/account/cases?notice=read', 303);
  });

  app.get(
    '/account/cases/:id',
    { schema: { hide: true, params: CaseParams, querystring: CaseQuery } },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const query = request.query as { lang?: string; notice?: string };
      const locale = pageLocale(request, reply, query.lang);
      const viewer = viewerOf(request);
      if (!viewer) return reply.redirect(signInPath(`/account/cases/${encodeURIComponent(id)}`), 303);
      const notice = CASE_NOTICES.find((known) => known === query.notice);
      return sendCase(reply, locale, viewer, id, { notice });
    },
  );

  app.post(
    '/account/cases/:id/withdraw',
    { schema: { hide: true, params: CaseParams, body: FormBody } },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const form = request.body as Record<string, string>;
      return submit(request, reply, id, 'withdraw', form, 'withdrawn', (viewer) =>
        act(db, viewer, id, 'withdraw', { version: Number(form.version), reason: form.reason ?? '' }, deps),
      );
    },
  );

  app.post(
    '/account/cases/:id/rating',
    { schema: { hide: true, params: CaseParams, body: FormBody } },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const form = request.body as Record<string, string>;
      return submit(request, reply, id, 'rating', form, 'rated', (viewer) =>
        rateCase(db, viewer, id, ratingInput(form), deps),
      );
    },
  );

  app.post('/account/cases/:id/materials', { schema: { hide: true, params: CaseParams } }, async (request, reply) => {
    const { id } = request.params as { id: string };
    const values: Record<string, string> = {};
    return submit(request, reply, id, 'upload', values, 'uploaded', async (viewer) => {
      // One material at a time: the select first, then the file, as the form orders them.
      const parts = request.parts({ limits: { files: 1, fields: 4, fieldSize: 64, fileSize: deps.maxUploadBytes } });
      let stored = false;
      try {
        for await (const part of parts) {
          if (part.type === 'field') {
            if (part.fieldname === 'materialIndex' && typeof part.value === 'string') values.materialIndex = part.value;
            continue;
          }
          if (part.fieldname !== 'file' || part.filename === '' || stored) {
            part.file.resume();
            continue;
          }
          await storeMaterial(part, viewer, id, values.materialIndex ?? '', deps);
          stored = true;
        }
      } catch (error) {
        if (!isMultipartLimit(error)) throw error;
        throw new ValidationError('cases.invalid', [{ pointer: '/file', reason: 'too_large' }]);
      }
      if (!stored) throw new ValidationError('cases.invalid', [{ pointer: '/file', reason: 'required' }]);
    });
  });

  /**
   * Runs one form's action for the signed-in owner: 303 to the case with `notice` when it succeeds,
   * the case page again with the form's errors when the service refuses.
   */
  async function submit(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    formName: FormName,
    values: Record<string, string>,
    notice: CaseNotice,
    action: (viewer: Viewer) => Promise<unknown>,
  ) {
    const locale = pageLocale(request, reply);
    const viewer = viewerOf(request);
    if (!viewer) return reply.redirect(signInPath(`/account/cases/${encodeURIComponent(id)}`), 303);
    try {
      await action(viewer);
      return reply.redirect(`/account/cases/${encodeURIComponent(id)}?notice=${notice}`, 303);
    } catch (error) {
      const status = statusOfFailure(error, reply);
      if (error instanceof NotFoundError) return sendNotFound(reply, locale);
      const state = refusedState(error as DomainError, values, locale);
      return sendCase(reply, locale, viewer, id, { forms: { [formName]: state } }, status);
    }
  }

  async function sendCase(
    reply: FastifyReply,
    locale: Locale,
    viewer: Viewer,
    id: string,
    page: Omit<CaseDetailPage, 'detail'>,
    status = 200,
  ) {
    try {
      const detail = await getCase(db, viewer, id, deps);
      return sendPage(reply, locale, renderCaseDetailPage({ ...page, detail }, locale), status);
    } catch (error) {
      if (error instanceof NotFoundError) return sendNotFound(reply, locale);
      throw error;
    }
  }
}

function viewerOf(request: FastifyRequest): Viewer | null {
  const accountId = publicAccountOf(request);
  return accountId ? { kind: 'public', accountId } : null;
}

/** Streams one posted file into the case as the material chosen (empty: another document). */
async function storeMaterial(
  part: MultipartFile,
  viewer: Viewer,
  caseId: string,
  materialIndex: string,
  deps: CasePagesDeps,
): Promise<void> {
  try {
    await receiveElectronic(
      deps.database.kysely,
      viewer,
      caseId,
      {
        materialIndex: /^\d{1,3}$/.test(materialIndex) ? Number(materialIndex) : null,
        filename: part.filename,
        mediaType: part.mimetype,
        body: wholeOrFailing(part, deps.maxUploadBytes),
      },
      deps,
    );
  } catch (error) {
    part.file.resume();
    // The file is what was too large: said beside the file input.
    if (error instanceof PayloadTooLargeError) {
      throw new ValidationError('cases.invalid', [{ pointer: '/file', reason: 'too_large' }]);
    }
    throw error;
  }
}

/** The form again after a refusal: what was typed, and each field error on its control. */
function refusedState(error: DomainError, values: Record<string, string>, locale: Locale): CaseFormState {
  const echoed = Object.fromEntries(Object.entries(values).filter(([name]) => name !== 'version'));
  if (error instanceof ValidationError && error.fields.length > 0) {
    return { values: echoed, errors: formErrors(error.fields) };
  }
  return { values: echoed, errors: [], problem: problemText(error, locale) };
}

function sendNotFound(reply: FastifyReply, locale: Locale) {
  const title = translate('portal.cases.case.not_found', locale);
  const main = html`<h1>${title}</h1>
<p>${translate('portal.cases.case.not_found.detail', locale)}</p>
<p><a href="/account/cases">${translate('portal.cases.case.back', locale)}</a></p>`;
  return sendPage(reply, locale, renderPage({ locale, title, sections: [], main }), 404);
}
