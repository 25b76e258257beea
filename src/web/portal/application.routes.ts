/**
 * Applying online: `GET /services/{code}/apply` shows the form, `POST` takes it as multipart/form-data.
 * The fields come first in the form, so the case is created (applyOnline) when the first file part
 * arrives; each file is then streamed into the blob store through receiveElectronic as it is read,
 * never held whole. A form the service refuses re-renders with every error beside its field and the
 * files drained unread; a file refused after the case exists (too large, too many) leaves the case
 * as it is and sends the applicant to its page to upload that file again.
 */
import type { MultipartFile } from '@fastify/multipart';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { applyOnline, type CaseDetail, receiveElectronic } from '../../modules/cases/index.js';
import { getMyAccount } from '../../modules/identity/index.js';
import { describeForm, getPublishedItem, type ItemVersion } from '../../modules/services/index.js';
import { DomainError, NotFoundError, PayloadTooLargeError, ValidationError } from '../../platform/errors.js';
import { type Locale, translate } from '../../platform/i18n/messages.js';
import {
  EXTRA_MATERIALS_CONTROL,
  MOBILE_CONTROL,
  materialControl,
  postedFieldNames,
  renderApplicationPage,
} from './application.page.js';
import { controlName, formDataOf } from './application-form.js';
import { type CaseFormState, EMPTY_CASE_FORM, formErrors } from './cases-form.js';
import { isMultipartLimit, tooLarge, wholeOrFailing } from './cases-multipart.js';
import type { CasePagesDeps } from './cases-pages.deps.js';
import { html } from './html.js';
import { pageLocale, problemText, publicAccountOf, sendPage, signInPath, statusOfFailure } from './page-reply.js';
import { renderPage } from './portal-layout.js';

const Params = Type.Object({ code: Type.String({ maxLength: 200 }) });
const PageQuery = Type.Object({ lang: Type.Optional(Type.String({ maxLength: 16 })) });

/** A posted text field is short: the longest a form's field may be, with room for Chinese in UTF-8. */
const FIELD_MAX_BYTES = 16 * 1024;
/** Beyond the item's own materials, this many other documents may come in one application. */
const EXTRA_FILES = 5;

/** Why the files after the case was created did not all arrive: the case page says so. */
export type UploadProblem = 'too_large' | 'failed';

/** Registers the application routes on the case pages' plugin (multipart is registered there). */
export function applicationRoutes(app: FastifyInstance, deps: CasePagesDeps): void {
  const db = deps.database.kysely;

  app.get(
    '/services/:code/apply',
    { schema: { hide: true, params: Params, querystring: PageQuery } },
    async (request, reply) => {
      const { code } = request.params as { code: string };
      const locale = pageLocale(request, reply, (request.query as { lang?: string }).lang);
      const accountId = publicAccountOf(request);
      if (!accountId) return reply.redirect(signInPath(`/services/${encodeURIComponent(code)}/apply`), 303);
      const item = await onlineItem(reply, locale, code);
      if (!item) return reply;
      return sendApplicationPage(reply, locale, item, accountId, EMPTY_CASE_FORM);
    },
  );

  app.post('/services/:code/apply', { schema: { hide: true, params: Params } }, async (request, reply) => {
    const { code } = request.params as { code: string };
    const locale = pageLocale(request, reply);
    const accountId = publicAccountOf(request);
    if (!accountId) return reply.redirect(signInPath(`/services/${encodeURIComponent(code)}/apply`), 303);
    const item = await onlineItem(reply, locale, code);
    if (!item) return reply;
    const outcome = await receiveApplication(request, item, accountId, deps);
    if (outcome.kind === 'refused') {
      const status = statusOfFailure(outcome.error, reply);
      return sendApplicationPage(
        reply,
        locale,
        item,
        accountId,
        refusedState(outcome.error, outcome.values, locale),
        status,
      );
    }
    const notice = outcome.problem ? `materials_${outcome.problem}` : 'submitted';
    return reply.redirect(`/account/cases/${outcome.created.id}?notice=${notice}`, 303);
  });

  async function onlineItem(reply: FastifyReply, locale: Locale, code: string) {
    try {
      const item = await getPublishedItem(db, code);
      if (item.channels.online) return item;
      const title = translate('portal.cases.apply.not_online', locale);
      const main = html`<h1>${title}</h1>
<p>${translate('portal.cases.apply.not_online.detail', locale)}</p>
<p><a href="/services/${encodeURIComponent(code)}">${translate('portal.cases.apply.back', locale)}</a></p>`;
      // The body of a refused post is not read: Node discards what is left of it after the answer.
      sendPage(reply, locale, renderPage({ locale, title, sections: [], main }), 409);
      return undefined;
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      const title = translate('services.item_not_found', locale);
      const main = html`<h1>${title}</h1>
<p>${translate('services.item_not_found.detail', locale, { code })}</p>
<p><a href="/services">${translate('portal.services.back', locale)}</a></p>`;
      sendPage(reply, locale, renderPage({ locale, title, sections: [], main }), 404);
      return undefined;
    }
  }

  async function sendApplicationPage(
    reply: FastifyReply,
    locale: Locale,
    item: ItemVersion,
    accountId: string,
    state: CaseFormState,
    status = 200,
  ) {
    const account = await getMyAccount(db, accountId);
    const applicantName =
      account.kind === 'enterprise' ? (account.enterpriseName ?? account.personName) : account.personName;
    return sendPage(
      reply,
      locale,
      renderApplicationPage({ item, applicantName, state, maxUploadBytes: deps.maxUploadBytes }, locale),
      status,
    );
  }
}

type Outcome =
  | { kind: 'refused'; error: DomainError; values: Record<string, string> }
  | { kind: 'created'; created: CaseDetail; problem: UploadProblem | null };

/**
 * Reads the multipart body part by part: fields until the first file, then the case, then each file
 * streamed to the blob store. Files after a refusal or a failed file are drained, not stored.
 */
async function receiveApplication(
  request: FastifyRequest,
  item: ItemVersion,
  accountId: string,
  deps: CasePagesDeps,
): Promise<Outcome> {
  const db = deps.database.kysely;
  const known = postedFieldNames(item);
  const values: Record<string, string> = {};
  const fileIndexes = new Map(
    item.materials.flatMap((material, index) =>
      material.electronicAccepted ? [[materialControl(index), index] as const] : [],
    ),
  );
  // Kept in one object: the closure below sets them, which narrowing of plain variables cannot follow.
  const state: { created: CaseDetail | null; refusal: DomainError | null; problem: UploadProblem | null } = {
    created: null,
    refusal: null,
    problem: null,
  };

  const apply = async () => {
    try {
      const mobile = (values[MOBILE_CONTROL] ?? '').trim();
      state.created = await applyOnline(
        db,
        accountId,
        {
          itemCode: item.code,
          form: formDataOf(describeForm(item.form), values),
          ...(mobile ? { mobile } : {}),
        },
        deps,
      );
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      state.refusal = error;
    }
  };

  const parts = request.parts({
    limits: {
      fileSize: deps.maxUploadBytes,
      files: item.materials.length + EXTRA_FILES,
      fields: known.size + 10,
      fieldSize: FIELD_MAX_BYTES,
    },
  });
  try {
    for await (const part of parts) {
      if (part.type === 'field') {
        if (!state.created && !state.refusal && known.has(part.fieldname) && typeof part.value === 'string') {
          values[part.fieldname] = part.value;
        }
        continue;
      }
      if (!state.created && !state.refusal) await apply();
      const materialIndex = part.fieldname === EXTRA_MATERIALS_CONTROL ? null : fileIndexes.get(part.fieldname);
      // An empty file input still sends a part, with no name; a part for no material is not ours.
      if (!state.created || state.problem || part.filename === '' || materialIndex === undefined) {
        part.file.resume();
        continue;
      }
      state.problem = await storeFile(part, materialIndex, state.created.id, accountId, deps);
    }
  } catch (error) {
    // The multipart reader's own limits (files, fields, a file cut short): after the case exists the
    // applicant uploads the rest from its page; before, the whole form is refused as too large.
    if (!isMultipartLimit(error)) throw error;
    if (state.created) state.problem ??= 'too_large';
    else state.refusal ??= tooLarge(deps.maxUploadBytes);
  }
  if (!state.created && !state.refusal) await apply();
  if (state.refusal) return { kind: 'refused', error: state.refusal, values };
  if (!state.created) throw new Error('an application neither created nor refused');
  return { kind: 'created', created: state.created, problem: state.problem };
}

/** Streams one file into the case; a refusal of the file becomes the case page's notice. */
async function storeFile(
  part: MultipartFile,
  materialIndex: number | null,
  caseId: string,
  accountId: string,
  deps: CasePagesDeps,
): Promise<UploadProblem | null> {
  try {
    await receiveElectronic(
      deps.database.kysely,
      { kind: 'public', accountId },
      caseId,
      {
        materialIndex,
        filename: part.filename,
        mediaType: part.mimetype,
        body: wholeOrFailing(part, deps.maxUploadBytes),
      },
      deps,
    );
    return null;
  } catch (error) {
    part.file.resume();
    if (error instanceof PayloadTooLargeError || isMultipartLimit(error)) return 'too_large';
    if (error instanceof DomainError) return 'failed';
    throw error;
  }
}

/** The form again after a refusal: what was typed, and each field error on its control. */
function refusedState(error: DomainError, values: Record<string, string>, locale: Locale): CaseFormState {
  if (error instanceof ValidationError && error.fields.length > 0) {
    return {
      values,
      errors: formErrors(error.fields, (pointer) => controlName(pointer.replace(/^\/form(?=\/|$)/, ''))),
    };
  }
  return { values, errors: [], problem: problemText(error, locale) };
}
