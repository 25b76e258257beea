/**
 * The service catalogue: creating items, drafting their versions, publishing a version (the one the
 * portal shows), withdrawing an item from the portal, and reading the catalogue. Writes need
 * `services.manage` over the item's handling department (and over the new one, when a draft moves
 * the item), are checked whole before anything is written (every bad field reported at once) and
 * are audited in the same transaction. Reading published items needs no sign-in: the catalogue is
 * public information (国务院关于加快推进全国一体化在线政务服务平台建设的指导意见: 事项清单向社会公开).
 */
import { recordAudit } from '../../platform/audit/audit-log.js';
import type { Actor, Policy } from '../../platform/authorization.js';
import { type Executor, inTransaction } from '../../platform/db/database.js';
import { ConflictError, type FieldError, NotFoundError, ValidationError } from '../../platform/errors.js';
import { getOrgUnit, type OrgUnit } from '../directory/index.js';
import {
  DEFAULT_PAGE_LIMIT,
  ITEM_CODE_PATTERN,
  ITEM_TYPES,
  type ItemContent,
  type ItemFilter,
  type ItemPage,
  type ItemVersion,
  type ItemVersionSummary,
  MAX_PAGE_LIMIT,
  SERVICES_MANAGE,
} from './item.js';
import {
  insertItems,
  insertVersion,
  markPublished,
  markWithdrawn,
  selectItem,
  selectLatestVersion,
  selectPublishedDepartments,
  selectPublishedPage,
  selectPublishedVersion,
  selectVersion,
  selectVersionSummaries,
  updateDraft as updateDraftRow,
} from './item.repository.js';
import { checkContent } from './item-content.js';
import './services.messages.js';

export interface ItemServiceDeps {
  policy: Policy;
}

/** Units that may handle an item: departments, and the district, towns and streets for their own. */
const HANDLING_KINDS = new Set(['district', 'department', 'town', 'street']);

/**
 * Registers an item with its first version as a draft.
 * @throws ValidationError `services.item_invalid` (every bad field; `/code` `taken` when it exists); ForbiddenError `access.denied`
 * @example const draft = await createItem(db, actor, { code: '11110105MB0000000X-0100001000', ...content }, deps);
 */
export async function createItem(
  executor: Executor,
  actor: Actor,
  input: unknown,
  deps: ItemServiceDeps,
): Promise<ItemVersion> {
  return inTransaction(executor, async (tx) => {
    const code = typeof (input as { code?: unknown })?.code === 'string' ? (input as { code: string }).code.trim() : '';
    const { content, errors } = checkContent(input);
    if (!code) errors.unshift({ pointer: '/code', reason: 'required' });
    else if (!ITEM_CODE_PATTERN.test(code)) errors.unshift({ pointer: '/code', reason: 'pattern' });
    else if (content.type in ITEM_TYPES && code.slice(19, 21) !== ITEM_TYPES[content.type].typeCode) {
      errors.unshift({ pointer: '/code', reason: 'type_mismatch' });
    }
    const department = await unitChecks(tx, content, errors);
    if (department) await deps.policy.assertAllowed(tx, actor, SERVICES_MANAGE, department.code);
    else await assertManagesSomewhere(tx, actor, deps.policy);
    if (errors.length === 0 && (await selectItem(tx, code))) errors.push({ pointer: '/code', reason: 'taken' });
    if (errors.length > 0) throw invalid(errors);
    await insertItems(tx, [{ code, content, publishedAt: null }]);
    await audit(tx, actor, 'services.item.create', code, 1, {
      departmentCode: content.departmentCode,
      type: content.type,
    });
    return (await selectVersion(tx, code, 1))!;
  });
}

/**
 * Starts the next version as a draft: from `input` when given, else a copy of the newest version.
 * One draft at a time.
 * @throws ValidationError `services.item_invalid`; ConflictError `services.draft_exists`; NotFoundError `services.item_not_found`; ForbiddenError
 * @example const draft = await createDraft(db, actor, code, undefined, deps); // copy, then edit with updateDraft
 */
export async function createDraft(
  executor: Executor,
  actor: Actor,
  code: string,
  input: unknown,
  deps: ItemServiceDeps,
): Promise<ItemVersion> {
  return inTransaction(executor, async (tx) => {
    // Locked: two drafts started at once would both take the next number.
    const item = await mustFindItem(tx, code, true);
    await deps.policy.assertAllowed(tx, actor, SERVICES_MANAGE, item.departmentCode);
    const latest = (await selectLatestVersion(tx, code))!;
    if (latest.status === 'draft') throw new ConflictError('services.draft_exists', { code, version: latest.version });
    const content = input === undefined ? contentOf(latest) : await checkedContent(tx, actor, input, item, deps);
    const version = latest.version + 1;
    await insertVersion(tx, code, version, content);
    await audit(tx, actor, 'services.item_version.create', code, version, {
      copiedFrom: input === undefined ? latest.version : null,
    });
    return (await selectVersion(tx, code, version))!;
  });
}

/**
 * Replaces a draft's content. Versions that were published never change.
 * @throws ValidationError `services.item_invalid`; ConflictError `services.version_immutable`; NotFoundError; ForbiddenError
 * @example await updateDraft(db, actor, code, 2, { ...content, promisedLimitDays: 5 }, deps);
 */
export async function updateDraft(
  executor: Executor,
  actor: Actor,
  code: string,
  version: number,
  input: unknown,
  deps: ItemServiceDeps,
): Promise<ItemVersion> {
  return inTransaction(executor, async (tx) => {
    const item = await mustFindItem(tx, code);
    await deps.policy.assertAllowed(tx, actor, SERVICES_MANAGE, item.departmentCode);
    const current = await mustFindVersion(tx, code, version, true);
    if (current.status !== 'draft') {
      throw new ConflictError('services.version_immutable', { code, version, status: current.status });
    }
    const content = await checkedContent(tx, actor, input, item, deps);
    await updateDraftRow(tx, code, version, content);
    await audit(tx, actor, 'services.item_version.update', code, version, { departmentCode: content.departmentCode });
    return (await selectVersion(tx, code, version))!;
  });
}

/**
 * Publishes a draft: it becomes the version the portal shows, and the version published before it
 * is superseded (still readable: cases applied under it name it).
 * @throws ConflictError `services.version_immutable`; ValidationError `services.item_invalid` (a unit gone since the draft was saved); NotFoundError; ForbiddenError
 * @example const published = await publishItemVersion(db, actor, code, 2, deps);
 */
export async function publishItemVersion(
  executor: Executor,
  actor: Actor,
  code: string,
  version: number,
  deps: ItemServiceDeps,
): Promise<ItemVersion> {
  return inTransaction(executor, async (tx) => {
    const item = await mustFindItem(tx, code, true);
    await deps.policy.assertAllowed(tx, actor, SERVICES_MANAGE, item.departmentCode);
    const draft = await mustFindVersion(tx, code, version, true);
    if (draft.status !== 'draft') {
      throw new ConflictError('services.version_immutable', { code, version, status: draft.status });
    }
    const errors: FieldError[] = [];
    await unitChecks(tx, draft, errors);
    if (errors.length > 0) throw invalid(errors);
    await markPublished(tx, code, version, draft.departmentCode);
    await audit(tx, actor, 'services.item_version.publish', code, version, {
      previousVersion: item.publishedVersion,
      departmentCode: draft.departmentCode,
    });
    return (await selectVersion(tx, code, version))!;
  });
}

/**
 * Takes an item off the portal: its published version becomes `withdrawn` (still readable by
 * version). Publishing a new version puts it back.
 * @throws ConflictError `services.not_published`; NotFoundError; ForbiddenError
 * @example await withdrawItem(db, actor, code, deps);
 */
export async function withdrawItem(
  executor: Executor,
  actor: Actor,
  code: string,
  deps: ItemServiceDeps,
): Promise<ItemVersion> {
  return inTransaction(executor, async (tx) => {
    const item = await mustFindItem(tx, code, true);
    await deps.policy.assertAllowed(tx, actor, SERVICES_MANAGE, item.departmentCode);
    if (item.publishedVersion === null) throw new ConflictError('services.not_published', { code });
    await markWithdrawn(tx, code, item.publishedVersion);
    await audit(tx, actor, 'services.item.withdraw', code, item.publishedVersion, {});
    return (await selectVersion(tx, code, item.publishedVersion))!;
  });
}

/**
 * Every version of an item, drafts included: for the staff who manage it.
 * @throws NotFoundError `services.item_not_found`; ForbiddenError
 * @example const versions = await listItemVersions(db, actor, code, deps);
 */
export async function listItemVersions(
  executor: Executor,
  actor: Actor,
  code: string,
  deps: ItemServiceDeps,
): Promise<ItemVersionSummary[]> {
  const item = await mustFindItem(executor, code);
  await deps.policy.assertAllowed(executor, actor, SERVICES_MANAGE, item.departmentCode);
  return selectVersionSummaries(executor, code);
}

/**
 * One version. Versions that were published are public (cases name them); a draft only for those
 * who manage the item, and not found for anyone else (`actor` null: a reader not signed in).
 * @throws NotFoundError `services.item_not_found` / `services.version_not_found`; ForbiddenError (a signed-in reader asking for a draft of an item not theirs)
 * @example const version = await getItemVersion(db, null, code, 1, deps);
 */
export async function getItemVersion(
  executor: Executor,
  actor: Actor | null,
  code: string,
  version: number,
  deps: ItemServiceDeps,
): Promise<ItemVersion> {
  const item = await mustFindItem(executor, code);
  const found = await mustFindVersion(executor, code, version);
  if (found.status === 'draft') {
    if (!actor) throw new NotFoundError('services.version_not_found', { code, version });
    await deps.policy.assertAllowed(executor, actor, SERVICES_MANAGE, item.departmentCode);
  }
  return found;
}

/**
 * The version of an item the portal shows.
 * @throws NotFoundError `services.item_not_found` (no such item, or none published)
 * @example const item = await getPublishedItem(db, '11110105MB0000000X-0100001000');
 */
export async function getPublishedItem(executor: Executor, code: string): Promise<ItemVersion> {
  const found = ITEM_CODE_PATTERN.test(code) ? await selectPublishedVersion(executor, code) : undefined;
  if (!found) throw new NotFoundError('services.item_not_found', { code });
  return found;
}

/**
 * A page of the published catalogue, by department and name.
 * @throws ValidationError `services.query_invalid` (limit or offset out of range)
 * @example const { items, total } = await listPublishedItems(db, { department: 'D07', online: true }, { limit: 20, offset: 0 });
 */
export async function listPublishedItems(
  executor: Executor,
  filter: ItemFilter,
  page: { limit?: number | undefined; offset?: number | undefined } = {},
): Promise<ItemPage> {
  const limit = page.limit ?? DEFAULT_PAGE_LIMIT;
  const offset = page.offset ?? 0;
  const errors: FieldError[] = [];
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_LIMIT)
    errors.push({ pointer: '/limit', reason: 'range' });
  if (!Number.isInteger(offset) || offset < 0) errors.push({ pointer: '/offset', reason: 'range' });
  if (filter.type !== undefined && !(filter.type in ITEM_TYPES)) errors.push({ pointer: '/type', reason: 'one_of' });
  if (errors.length > 0) throw new ValidationError('services.query_invalid', errors, { count: errors.length });
  const q = filter.q?.trim();
  const { items, total } = await selectPublishedPage(executor, { ...filter, q: q || undefined }, { limit, offset });
  return { items, total, limit, offset };
}

/**
 * The departments with published items and how many each has, by department code.
 * @example const departments = await listPublishedDepartments(db);
 */
export async function listPublishedDepartments(
  executor: Executor,
): Promise<Array<{ departmentCode: string; count: number }>> {
  return selectPublishedDepartments(executor);
}

/** The content of a version, to copy into the next one. */
export function contentOf(version: ItemVersion): ItemContent {
  return {
    nameZh: version.nameZh,
    nameEn: version.nameEn,
    type: version.type,
    departmentCode: version.departmentCode,
    legalBasis: version.legalBasis,
    conditions: version.conditions,
    materials: version.materials,
    statutoryLimitDays: version.statutoryLimitDays,
    promisedLimitDays: version.promisedLimitDays,
    fees: version.fees,
    channels: version.channels,
    result: version.result,
    form: version.form,
  };
}

/** Checks a draft's content whole; a draft that moves the item needs the right over the new unit too. */
async function checkedContent(
  tx: Executor,
  actor: Actor,
  input: unknown,
  item: { code: string; departmentCode: string },
  deps: ItemServiceDeps,
): Promise<ItemContent> {
  const { content, errors } = checkContent(input);
  const department = await unitChecks(tx, content, errors);
  if (department && department.code !== item.departmentCode) {
    await deps.policy.assertAllowed(tx, actor, SERVICES_MANAGE, department.code);
  }
  if (content.type in ITEM_TYPES && item.code.slice(19, 21) !== ITEM_TYPES[content.type].typeCode) {
    errors.push({ pointer: '/type', reason: 'code_mismatch' });
  }
  if (errors.length > 0) throw invalid(errors);
  return content;
}

/**
 * The directory checks: the handling unit exists and may handle items, and every named centre is a
 * service centre. Returns the handling unit when it is known.
 */
async function unitChecks(
  executor: Executor,
  content: Pick<ItemContent, 'departmentCode' | 'channels'>,
  errors: FieldError[],
): Promise<OrgUnit | undefined> {
  let department: OrgUnit | undefined;
  if (content.departmentCode) {
    department = await findUnit(executor, content.departmentCode);
    if (!department) errors.push({ pointer: '/departmentCode', reason: 'not_found' });
    else if (!HANDLING_KINDS.has(department.kind)) {
      errors.push({ pointer: '/departmentCode', reason: 'kind' });
      department = undefined;
    }
  }
  for (const [index, centreCode] of content.channels.centreCodes.entries()) {
    const centre = await findUnit(executor, centreCode);
    if (centre?.kind !== 'service_centre') {
      errors.push({ pointer: `/channels/centreCodes/${index}`, reason: 'not_found' });
    }
  }
  return department;
}

async function findUnit(executor: Executor, code: string): Promise<OrgUnit | undefined> {
  try {
    return await getOrgUnit(executor, code);
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}

/**
 * For input naming no known unit: whoever manages items nowhere is refused (403) before being told
 * what is wrong with the input (422).
 */
async function assertManagesSomewhere(executor: Executor, actor: Actor, policy: Policy): Promise<void> {
  if (actor.type === 'system') return;
  const scope = await policy.scopeOf(executor, actor, SERVICES_MANAGE);
  if (scope.everywhere || scope.orgUnitCodes.length > 0) return;
  await policy.assertAllowed(executor, actor, SERVICES_MANAGE, null);
}

async function mustFindItem(executor: Executor, code: string, lock = false) {
  const item = ITEM_CODE_PATTERN.test(code) ? await selectItem(executor, code, lock) : undefined;
  if (!item) throw new NotFoundError('services.item_not_found', { code });
  return item;
}

async function mustFindVersion(executor: Executor, code: string, version: number, lock = false) {
  const found =
    Number.isInteger(version) && version > 0 && version <= 1_000_000
      ? await selectVersion(executor, code, version, lock)
      : undefined;
  if (!found) throw new NotFoundError('services.version_not_found', { code, version });
  return found;
}

async function audit(
  tx: Executor,
  actor: Actor,
  action: string,
  code: string,
  version: number,
  details: Record<string, string | number | null>,
) {
  await recordAudit(tx, {
    actor,
    action,
    target: { type: 'services_item_version', id: `${code}.v${version}` },
    outcome: 'success',
    details: { code, version, ...details },
  });
}

function invalid(errors: FieldError[]): ValidationError {
  return new ValidationError('services.item_invalid', errors, { count: errors.length });
}
