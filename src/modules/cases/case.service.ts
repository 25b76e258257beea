/**
 * The case lifecycle's intake and reading: a window clerk takes an application in at a centre, a
 * signed-in public account applies online; staff read a case (whole when they work on it, masked
 * for supervisors) and their queues; the applicant reads their own; anyone with the number and the
 * last six characters of the applicant's id number tracks one. Transitions are in
 * case-transition.service.ts, materials in material.service.ts.
 */
import type { Actor } from '../../platform/authorization.js';
import { type Executor, inTransaction } from '../../platform/db/database.js';
import { type FieldError, ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors.js';
import { maskName } from '../../platform/identifiers/mask.js';
import { getOrgUnit, orgSubtree } from '../directory/index.js';
import { getMyAccount } from '../identity/index.js';
import { getItemVersion, getPublishedItem, type ItemVersion } from '../services/index.js';
import { formErrors } from './application-form.js';
import {
  type Applicant,
  CASE_QUEUES,
  CASE_STATUSES,
  CASES_DECIDE,
  CASES_HANDLE,
  CASES_INTAKE,
  CASES_SUPERVISE,
  type Case,
  type CaseDeps,
  type CaseDetail,
  type CasePage,
  type CaseQuery,
  type CaseRecord,
  type CaseSummary,
  type ChecklistLine,
  DEFAULT_CASE_PAGE_LIMIT,
  type Light,
  lightOf,
  MAX_CASE_PAGE_LIMIT,
  type TrackView,
  type Viewer,
} from './case.js';
import {
  type CaseScope,
  insertCase,
  selectCase,
  selectCaseByNumber,
  selectCasePage,
  selectMaterials,
  selectPauses,
  selectRating,
  selectSteps,
} from './case.repository.js';
import {
  actorOf,
  allowedActionsOf,
  allowedAny,
  districtCentres,
  type Reader,
  superviseGrants,
  workGrants,
} from './case-access.js';
import { BodyReader, MOBILE_PATTERN, readApplicant } from './case-input.js';
import { actingAs, actingPublic, recordChange } from './case-journal.js';
import { nextCaseNumber, ONLINE_PREFIX } from './case-number.js';
import { chinaDateOf, lastCoveredDay } from './deadline.js';
import './cases.messages.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LIGHTS: readonly Light[] = ['green', 'yellow', 'red'];

/**
 * Takes an application in at a window (收件): `{ itemCode, centreCode, applicant: { kind, name,
 * idNumber, mobile? }, form }` by a clerk with `cases.intake` at the centre, for an item whose
 * published version can be handled there. The case waits for 受理 (status submitted).
 * @throws ValidationError `cases.invalid` (every bad field); ForbiddenError `access.denied`
 * @example const c = await takeIn(db, clerk, { itemCode, centreCode: 'C01', applicant, form }, deps);
 */
export async function takeIn(executor: Executor, actor: Actor, input: unknown, deps: CaseDeps): Promise<CaseDetail> {
  const now = deps.clock();
  const today = chinaDateOf(now);
  const reader = new BodyReader(input);
  const itemCode = reader.text('itemCode', { required: true, max: 64 });
  const centreCode = reader.text('centreCode', { required: true, max: 32 });
  const id = crypto.randomUUID();
  await inTransaction(executor, async (tx) => {
    // Refused (403) before being told what is wrong with the input (422).
    if (centreCode) await deps.policy.assertAllowed(tx, actor, CASES_INTAKE, centreCode);
    else await assertIntakeSomewhere(tx, actor, deps);
    const applicant = readApplicant(reader.raw('applicant'), today, reader.errors);
    const item = itemCode ? await publishedOrError(tx, itemCode, reader.errors) : undefined;
    if (centreCode) {
      const centre = await getOrgUnit(tx, centreCode).catch(() => undefined);
      if (centre?.kind !== 'service_centre') reader.errors.push({ pointer: '/centreCode', reason: 'not_found' });
      else if (item && !item.channels.anyCentre && !item.channels.centreCodes.includes(centreCode)) {
        reader.errors.push({ pointer: '/centreCode', reason: 'not_handled_here' });
      }
    }
    const form = formOf(reader, item);
    reader.done();
    const number = await nextCaseNumber(tx, centreCode!, today);
    await insertNew(tx, { id, number, item: item!, centreCode, applicant: applicant!, accountId: null, form, at: now });
    const created = (await selectCase(tx, id))!;
    await recordChange(tx, created, await actingAs(tx, actor, centreCode), {
      action: 'submit',
      from: null,
      to: 'submitted',
      stage: null,
      unitCode: centreCode,
      opinion: null,
      details: { itemCode: created.itemCode, channel: 'window' },
      at: now,
      day: today,
      tally: { submitted: 1 },
    });
  });
  return detailOf(executor, { kind: 'staff', actor }, (await selectCase(executor, id))!, deps);
}

/**
 * An online application (网上申请) by a signed-in public account: `{ itemCode, form, mobile? }` for an
 * item that can be handled online. The applicant is the account's holder: the citizen, or the
 * enterprise by its credit code. Number prefix WS; no centre; it waits for 受理.
 * @throws ValidationError `cases.invalid`; NotFoundError `identity.public_account_not_found`; ForbiddenError `cases.account_disabled`
 * @example const c = await applyOnline(db, accountId, { itemCode, form }, deps);
 */
export async function applyOnline(
  executor: Executor,
  accountId: string,
  input: unknown,
  deps: CaseDeps,
): Promise<CaseDetail> {
  const now = deps.clock();
  const today = chinaDateOf(now);
  const account = await getMyAccount(executor, accountId);
  if (account.status !== 'active') throw new ForbiddenError('cases.account_disabled', {});
  const reader = new BodyReader(input);
  const itemCode = reader.text('itemCode', { required: true, max: 64 });
  const mobile = reader.text('mobile', { required: false, max: 20 });
  if (mobile !== null && !MOBILE_PATTERN.test(mobile)) reader.errors.push({ pointer: '/mobile', reason: 'pattern' });
  const id = crypto.randomUUID();
  await inTransaction(executor, async (tx) => {
    const item = itemCode ? await publishedOrError(tx, itemCode, reader.errors) : undefined;
    if (item && !item.channels.online) reader.errors.push({ pointer: '/itemCode', reason: 'not_online' });
    const form = formOf(reader, item);
    reader.done();
    const applicant: Applicant =
      account.kind === 'enterprise'
        ? {
            kind: 'enterprise',
            name: account.enterpriseName!,
            idNumber: account.creditCode!,
            mobile: mobile ?? account.mobile,
          }
        : { kind: 'citizen', name: account.personName, idNumber: account.residentId, mobile: mobile ?? account.mobile };
    const number = await nextCaseNumber(tx, ONLINE_PREFIX, today);
    await insertNew(tx, { id, number, item: item!, centreCode: null, applicant, accountId, form, at: now });
    const created = (await selectCase(tx, id))!;
    await recordChange(tx, created, actingPublic(accountId), {
      action: 'submit',
      from: null,
      to: 'submitted',
      stage: null,
      unitCode: null,
      opinion: null,
      details: { itemCode: created.itemCode, channel: 'online' },
      at: now,
      day: today,
      tally: { submitted: 1 },
    });
  });
  return detailOf(executor, { kind: 'public', accountId }, (await selectCase(executor, id))!, deps);
}

/**
 * One case as this viewer sees it. Staff who work on it (the window, any of its stages' units) see
 * the applicant whole; supervisors masked; the public account that applied sees its own case whole
 * and anyone else's as not found.
 * @throws NotFoundError `cases.case_not_found`; ForbiddenError `access.denied`
 * @example const c = await getCase(db, { kind: 'staff', personId }, id, deps);
 */
export async function getCase(executor: Executor, viewer: Viewer, id: string, deps: CaseDeps): Promise<CaseDetail> {
  const c = await mustFindCase(executor, id);
  return detailOf(executor, readerOf(viewer), c, deps);
}

/**
 * A page of cases in the actor's scope (see CaseQuery), newest first, names masked.
 * @throws ValidationError `cases.query_invalid`
 * @example const page = await listCases(db, actor, { queue: 'intake', status: 'submitted' }, deps);
 */
export async function listCases(executor: Executor, actor: Actor, query: CaseQuery, deps: CaseDeps): Promise<CasePage> {
  const { limit, offset } = checkQuery(query);
  const scopes = await scopesOf(executor, actor, query.queue ?? 'all', deps);
  if (scopes.length === 0) return { items: [], total: 0, limit, offset };
  const today = chinaDateOf(deps.clock());
  const { items, total } = await selectCasePage(
    executor,
    {
      scopes,
      centre: query.centre,
      department: query.department,
      status: query.status,
      light: query.light,
      number: query.number?.trim().toUpperCase() || undefined,
      today,
    },
    { limit, offset },
  );
  return { items: items.map((c) => summaryOf(c, today)), total, limit, offset };
}

/**
 * A public account's own applications, newest first.
 * @throws ValidationError `cases.query_invalid`
 * @example const page = await listOwnCases(db, accountId, { limit: 20, offset: 0 }, deps);
 */
export async function listOwnCases(
  executor: Executor,
  accountId: string,
  page: { limit?: number | undefined; offset?: number | undefined },
  deps: CaseDeps,
): Promise<CasePage> {
  const { limit, offset } = checkQuery(page);
  if (!UUID.test(accountId)) return { items: [], total: 0, limit, offset };
  const today = chinaDateOf(deps.clock());
  const { items, total } = await selectCasePage(
    executor,
    { scopes: [{ centres: null, units: null }], publicAccountId: accountId, today },
    { limit, offset },
  );
  return { items: items.map((c) => summaryOf(c, today)), total, limit, offset };
}

/**
 * A case tracked by its number and the last six characters of the applicant's id number (any case):
 * its status and steps without staff names or opinions, but with the reason of a 不予受理 or a 不予
 * decision. A wrong number and a wrong tail are the same not-found, so neither can be guessed alone.
 * @throws NotFoundError `cases.case_not_found`
 * @example const view = await trackCase(db, 'C01-20261126-000123', '00123X', deps);
 */
export async function trackCase(
  executor: Executor,
  number: string,
  idTail: string,
  deps: CaseDeps,
): Promise<TrackView> {
  const wanted = typeof number === 'string' ? number.trim().toUpperCase() : '';
  const tail = typeof idTail === 'string' ? idTail.trim().toUpperCase() : '';
  const c = /^[A-Z0-9]{2,8}-\d{8}-\d{6}$/.test(wanted) ? await selectCaseByNumber(executor, wanted) : undefined;
  if (!c || tail.length !== 6 || !c.applicant.idNumber.endsWith(tail)) {
    throw new NotFoundError('cases.case_not_found', {});
  }
  const [steps, rating, item] = await Promise.all([
    selectSteps(executor, c.id),
    selectRating(executor, c.id),
    getItemVersion(executor, null, c.itemCode, c.itemVersion, deps).catch(() => undefined),
  ]);
  return {
    number: c.number,
    itemNameZh: c.itemNameZh,
    itemNameEn: item?.nameEn ?? null,
    status: c.status,
    decision: c.decision,
    submittedAt: c.submittedAt,
    acceptedAt: c.acceptedAt,
    completedAt: c.completedAt,
    dueOn: c.dueOn,
    // The applicant sees the due day only: provisional when it itself lies past the calendar.
    deadlineProvisional: c.deadlineProvisional && c.dueOn !== null && c.dueOn > lastCoveredDay(deps.calendar),
    light: lightOf(c, chinaDateOf(deps.clock())),
    steps: steps.map((step) => {
      const stage = step.stage === null ? undefined : c.stages[step.stage];
      const reasoned =
        step.action === 'reject' ||
        (step.action === 'decide' && step.toStatus === 'decided' && c.decision === 'refused');
      return {
        action: step.action,
        toStatus: step.toStatus,
        at: step.at,
        stageNameZh: stage?.nameZh ?? null,
        stageNameEn: stage?.nameEn ?? null,
        reason: reasoned ? step.opinion : null,
      };
    }),
    canRate: (c.status === 'completed' || c.status === 'delivered') && rating === null,
  };
}

/**
 * What the 办件信息 standard (`case-record`) carries of a case, for the exchange. The platform reads
 * it (no viewer check): it holds the applicant's personal data, so it is never logged.
 * @throws NotFoundError `cases.case_not_found`
 * @example const record = await caseRecordOf(tx, event.payload.caseId);
 */
export async function caseRecordOf(executor: Executor, caseId: string): Promise<CaseRecord> {
  const c = await mustFindCase(executor, caseId);
  const status: CaseRecord['status'] =
    c.status === 'completed' || c.status === 'delivered'
      ? 'completed'
      : c.status === 'rejected' || c.status === 'withdrawn'
        ? c.status
        : c.status === 'accepted' && c.stage === 0
          ? 'accepted'
          : 'in_progress';
  return {
    caseNumber: c.number,
    serviceItemCode: c.itemCode,
    serviceItemName: c.itemNameZh,
    applicant: {
      kind: c.applicant.kind,
      name: c.applicant.name,
      identifier: c.applicant.idNumber,
      ...(c.applicant.mobile ? { mobile: c.applicant.mobile } : {}),
    },
    acceptedAt: (c.acceptedAt ?? c.submittedAt).toISOString(),
    ...(c.completedAt ? { completedAt: c.completedAt.toISOString() } : {}),
    status,
    acceptingUnit: c.centreCode ?? c.departmentCode,
  };
}

/**
 * The case with everything about it, for a reader already known to own it (public) or checked here
 * (staff: working on it, else supervising it, else refused).
 */
export async function detailOf(executor: Executor, reader: Reader, c: Case, deps: CaseDeps): Promise<CaseDetail> {
  const applicantWhole = await assertMayRead(executor, reader, c, deps);
  const [steps, materials, pauses, rating, item] = await Promise.all([
    selectSteps(executor, c.id),
    selectMaterials(executor, c.id),
    selectPauses(executor, c.id),
    selectRating(executor, c.id),
    getItemVersion(executor, null, c.itemCode, c.itemVersion, deps),
  ]);
  const checklist: ChecklistLine[] = item.materials.map((material, index) => ({
    materialIndex: index,
    nameZh: material.nameZh,
    nameEn: material.nameEn,
    required: material.required,
    electronicAccepted: material.electronicAccepted,
    received: materials.some((received) => received.materialIndex === index),
  }));
  const allowedActions = applicantWhole
    ? await allowedActionsOf(executor, reader, c, rating !== null, deps.policy)
    : [];
  return {
    ...c,
    light: lightOf(c, chinaDateOf(deps.clock())),
    steps,
    materials,
    checklist,
    pauses,
    rating,
    allowedActions,
    applicantWhole,
  };
}

/**
 * Passes when the reader may read the case, and says whether they need the applicant whole: the
 * applicant and the staff who work on it do, supervisors do not. Anyone else is refused (a public
 * account as not found, staff by the policy).
 */
export async function assertMayRead(executor: Executor, reader: Reader, c: Case, deps: CaseDeps): Promise<boolean> {
  if (reader.kind === 'public') {
    if (c.publicAccountId !== reader.accountId) throw notFound(c.id);
    return true;
  }
  const work = await workGrants(executor, c);
  if (await allowedAny(executor, deps.policy, reader.actor, work)) return true;
  if (await allowedAny(executor, deps.policy, reader.actor, superviseGrants(c))) return false;
  await deps.policy.assertAllowed(executor, reader.actor, work[0]![0], work[0]![1]);
  return false;
}

export async function mustFindCase(executor: Executor, id: string, lock = false): Promise<Case> {
  const c = typeof id === 'string' && UUID.test(id) ? await selectCase(executor, id, lock) : undefined;
  if (!c) throw notFound(id);
  return c;
}

export function readerOf(viewer: Viewer): Reader {
  return viewer.kind === 'public'
    ? { kind: 'public', accountId: viewer.accountId }
    : { kind: 'staff', actor: actorOf(viewer) };
}

function notFound(id: string): NotFoundError {
  return new NotFoundError('cases.case_not_found', { id });
}

export function summaryOf(c: Case, today: string): CaseSummary {
  const stage = c.stages[c.stage];
  return {
    id: c.id,
    number: c.number,
    itemCode: c.itemCode,
    itemNameZh: c.itemNameZh,
    departmentCode: c.departmentCode,
    centreCode: c.centreCode,
    channel: c.channel,
    applicantName: maskName(c.applicant.name),
    status: c.status,
    stage: c.stage,
    stageNameZh: stage?.nameZh ?? null,
    stageNameEn: stage?.nameEn ?? null,
    dueOn: c.dueOn,
    deadlineProvisional: c.deadlineProvisional,
    light: lightOf(c, today),
    submittedAt: c.submittedAt,
  };
}

async function insertNew(
  tx: Executor,
  c: {
    id: string;
    number: string;
    item: ItemVersion;
    centreCode: string | null;
    applicant: Applicant;
    accountId: string | null;
    form: Record<string, unknown>;
    at: Date;
  },
) {
  await insertCase(tx, {
    id: c.id,
    number: c.number,
    item_code: c.item.code,
    item_version: c.item.version,
    item_name_zh: c.item.nameZh,
    item_type: c.item.type,
    department_code: c.item.departmentCode,
    centre_code: c.centreCode,
    channel: c.centreCode === null ? 'online' : 'window',
    applicant_kind: c.applicant.kind,
    applicant_name: c.applicant.name,
    applicant_id: c.applicant.idNumber,
    id_tail: c.applicant.idNumber.slice(-6),
    applicant_mobile: c.applicant.mobile,
    public_account_id: c.accountId,
    form: JSON.stringify(c.form),
    status: 'submitted',
    stages: '[]',
    submitted_at: c.at,
    promised_limit_days: c.item.promisedLimitDays,
    statutory_limit_days: c.item.statutoryLimitDays,
  });
}

async function publishedOrError(tx: Executor, code: string, errors: FieldError[]): Promise<ItemVersion | undefined> {
  try {
    return await getPublishedItem(tx, code);
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    errors.push({ pointer: '/itemCode', reason: 'not_found' });
    return undefined;
  }
}

/** The form data, checked against the item's form when the item is known. */
function formOf(reader: BodyReader, item: ItemVersion | undefined): Record<string, unknown> {
  const form = reader.raw('form');
  if (typeof form !== 'object' || form === null || Array.isArray(form)) {
    reader.errors.push({ pointer: '/form', reason: form === undefined ? 'required' : 'type' });
    return {};
  }
  if (JSON.stringify(form).length > 64 * 1024) reader.errors.push({ pointer: '/form', reason: 'too_large' });
  else if (item) reader.errors.push(...formErrors(item, form));
  return form as Record<string, unknown>;
}

async function assertIntakeSomewhere(tx: Executor, actor: Actor, deps: CaseDeps) {
  const scope = await deps.policy.scopeOf(tx, actor, CASES_INTAKE);
  if (scope.everywhere || scope.orgUnitCodes.length > 0) return;
  await deps.policy.assertAllowed(tx, actor, CASES_INTAKE, null);
}

function checkQuery(query: CaseQuery): { limit: number; offset: number } {
  const limit = query.limit ?? DEFAULT_CASE_PAGE_LIMIT;
  const offset = query.offset ?? 0;
  const errors: FieldError[] = [];
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_CASE_PAGE_LIMIT)
    errors.push({ pointer: '/limit', reason: 'range' });
  if (!Number.isInteger(offset) || offset < 0) errors.push({ pointer: '/offset', reason: 'range' });
  if (query.queue !== undefined && !CASE_QUEUES.includes(query.queue))
    errors.push({ pointer: '/queue', reason: 'one_of' });
  if (query.status !== undefined && !CASE_STATUSES.includes(query.status))
    errors.push({ pointer: '/status', reason: 'one_of' });
  if (query.light !== undefined && !LIGHTS.includes(query.light)) errors.push({ pointer: '/light', reason: 'one_of' });
  if (query.number !== undefined && query.number.length > 40) errors.push({ pointer: '/number', reason: 'too_long' });
  if (errors.length > 0) throw new ValidationError('cases.query_invalid', errors, { count: errors.length });
  return { limit, offset };
}

/** The scopes of a queue: each grant's subtrees expanded to the unit codes under them. */
async function scopesOf(
  executor: Executor,
  actor: Actor,
  queue: CaseQuery['queue'],
  deps: CaseDeps,
): Promise<CaseScope[]> {
  const scopes: CaseScope[] = [];
  const unitsOf = async (permission: string) => {
    const scope = await deps.policy.scopeOf(executor, actor, permission);
    if (scope.everywhere) return null;
    const codes = new Set<string>();
    for (const root of scope.orgUnitCodes) {
      for (const unit of await orgSubtree(executor, root).catch(() => [])) codes.add(unit.code);
    }
    return [...codes];
  };
  const add = (scope: CaseScope) => {
    const empty =
      (scope.centres && scope.centres.codes.length === 0 && !scope.centres.online) || scope.units?.length === 0;
    if (!empty) scopes.push(scope);
  };
  if (queue === 'intake' || queue === 'all') {
    const centres = await unitsOf(CASES_INTAKE);
    if (centres === null) add({ centres: null, units: null });
    else {
      const district = await districtCentres(executor);
      add({ centres: { codes: centres, online: district.some((code) => centres.includes(code)) }, units: null });
    }
  }
  if (queue === 'handling' || queue === 'all') {
    for (const permission of [CASES_HANDLE, CASES_DECIDE]) add({ centres: null, units: await unitsOf(permission) });
  }
  if (queue === 'all') {
    const supervised = await unitsOf(CASES_SUPERVISE);
    add({ centres: null, units: supervised });
    if (supervised !== null) add({ centres: { codes: supervised, online: false }, units: null });
  }
  return scopes;
}
