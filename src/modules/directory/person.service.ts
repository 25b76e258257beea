/**
 * The people of the directory: creating them, changing their details and status (leaving ends every
 * post), reading one, and listing them by unit or subtree. Every write leaves a history row, an
 * audit entry and a `directory.person.changed` event in its own transaction (person-change-log.ts).
 * Permissions come with identity; until then each write names its actor.
 */
import type { Executor } from '../../platform/db/database.js';
import { type FieldError, NotFoundError, ValidationError } from '../../platform/errors.js';
import './directory.messages.js';
import type { FieldChange } from './directory.tables.js';
import { getOrgUnit, orgSubtree } from './org-unit.service.js';
import {
  type Actor,
  chinaToday,
  PERSON_STATUSES,
  type Person,
  type PersonInput,
  type PersonPatch,
  type PersonStatus,
} from './person.js';
import {
  countPeople,
  insertPerson,
  lockPerson,
  type PersonColumns,
  type PersonFilter,
  type PersonRow,
  selectMobileHolders,
  selectPeople,
  selectPeopleByStaffNo,
  selectPersonById,
  selectPosts,
  updatePersonColumns,
} from './person.repository.js';
import { fieldChange, recordPersonChange } from './person-change-log.js';
import { checkPersonFields, normaliseEmail, normaliseMobile } from './person-fields.js';
import { endPostIn, inTransaction } from './post.service.js';

export interface PeopleQuery {
  /** Only people holding a current post in this unit (or, with includeSubtree, anywhere below it). */
  orgUnitCode?: string | undefined;
  includeSubtree?: boolean | undefined;
  status?: PersonStatus | undefined;
  /** Part of the name, the start of the HR number, or a whole mobile number. */
  q?: string | undefined;
  /** 1 to 500. */
  limit: number;
  offset: number;
}

export interface PeopleList {
  items: Person[];
  /** How many match the filters, whatever the page. */
  total: number;
}

const MAX_PAGE = 500;

/** The person fields a patch may change, in the order history and audit list them. */
const PATCHABLE = ['name', 'mobile', 'email', 'status', 'statusFrom'] as const;
const COLUMN_OF = {
  name: 'name',
  mobile: 'mobile',
  email: 'email',
  status: 'status',
  statusFrom: 'status_from',
} as const satisfies Record<(typeof PATCHABLE)[number], keyof PersonColumns>;

/**
 * Adds a person to the directory, active from today unless told otherwise.
 * @throws ValidationError `directory.person_invalid` (fields `staffNo`, `name`, `mobile`, `email`, `status`, `statusFrom`; reason `taken` for a used HR number or mobile)
 * @example const person = await createPerson(db, { staffNo: 'HT000001', name: '张三', mobile: '19900000001' }, { actor });
 */
export async function createPerson(executor: Executor, input: PersonInput, options: { actor: Actor }): Promise<Person> {
  const fields = {
    staffNo: input.staffNo?.trim() ?? '',
    name: input.name?.trim() ?? '',
    mobile: normaliseMobile(input.mobile),
    email: normaliseEmail(input.email),
    status: input.status ?? 'active',
    statusFrom: input.statusFrom ?? chinaToday(),
  };
  return inTransaction(executor, async (tx) => {
    const errors = checkPersonFields(fields, true);
    if (errors.length === 0) errors.push(...(await uniquenessErrors(tx, fields.staffNo, fields.mobile, true)));
    if (errors.length > 0) throw invalid(errors);
    const id = await insertPerson(tx, {
      staff_no: fields.staffNo,
      name: fields.name,
      mobile: fields.mobile,
      email: fields.email,
      status: fields.status,
      status_from: fields.statusFrom,
    });
    const changes = (['staffNo', ...PATCHABLE] as const)
      .filter((field) => fields[field] !== null)
      .map((field) => fieldChange(field, null, fields[field]));
    await recordPersonChange(tx, { actor: options.actor, personId: id, change: 'created', changes });
    return getPerson(tx, id);
  });
}

/**
 * Changes a person's details or status; fields left out stay as they are, and rewriting a value
 * changes nothing (no history, no event). A status change takes effect on `statusFrom` (today when
 * absent); leaving ends every current post on that day.
 * @throws NotFoundError `directory.person_not_found`; ValidationError `directory.person_invalid`
 * @example await updatePerson(db, person.id, { status: 'left', statusFrom: '2025-06-30' }, { actor });
 */
export async function updatePerson(
  executor: Executor,
  personId: string,
  patch: PersonPatch,
  options: { actor: Actor },
): Promise<Person> {
  return inTransaction(executor, async (tx) => {
    const current = await lockPerson(tx, personId);
    if (!current) throw new NotFoundError('directory.person_not_found', { personId });
    const wanted: Pick<PersonRow, (typeof PATCHABLE)[number]> = {
      name: patch.name === undefined ? current.name : patch.name.trim(),
      mobile: patch.mobile === undefined ? current.mobile : normaliseMobile(patch.mobile),
      email: patch.email === undefined ? current.email : normaliseEmail(patch.email),
      status: patch.status ?? current.status,
      // A new status without a date starts today; an unchanged one keeps its date.
      statusFrom:
        patch.statusFrom ??
        (patch.status !== undefined && patch.status !== current.status ? chinaToday() : current.statusFrom),
    };
    const errors = checkPersonFields(wanted, false);
    if (errors.length === 0 && wanted.mobile !== current.mobile) {
      errors.push(...(await uniquenessErrors(tx, current.staffNo, wanted.mobile, false)));
    }
    const leaving = wanted.status === 'left' && current.status !== 'left';
    const posts = leaving ? await selectPosts(tx, [personId]) : [];
    if (errors.length === 0 && posts.some((post) => post.validFrom > wanted.statusFrom)) {
      errors.push({ pointer: '/statusFrom', reason: 'before_post_start' });
    }
    if (errors.length > 0) throw invalid(errors);

    const changed = PATCHABLE.filter((field) => wanted[field] !== current[field]);
    if (changed.length > 0) {
      await updatePersonColumns(tx, personId, Object.fromEntries(changed.map((f) => [COLUMN_OF[f], wanted[f]])));
      const changes: FieldChange[] = changed.map((field) => fieldChange(field, current[field], wanted[field]));
      await recordPersonChange(tx, { actor: options.actor, personId, change: 'updated', changes });
    }
    // The primary last: ended earlier, it would hand its role to a post about to end as well.
    const primaryLast = [...posts.filter((post) => !post.isPrimary), ...posts.filter((post) => post.isPrimary)];
    for (const post of primaryLast) await endPostIn(tx, post, wanted.statusFrom, options.actor);
    return getPerson(tx, personId);
  });
}

/**
 * One person with their current posts, the primary first.
 * @throws NotFoundError `directory.person_not_found`
 * @example const { posts } = await getPerson(db, personId);
 */
export async function getPerson(executor: Executor, personId: string): Promise<Person> {
  const row = await selectPersonById(executor, personId);
  if (!row) throw new NotFoundError('directory.person_not_found', { personId });
  return { ...row, posts: await selectPosts(executor, [personId]) };
}

/**
 * The person with this HR number, if any.
 * @example const existing = await findPersonByStaffNo(db, 'HT000123');
 */
export async function findPersonByStaffNo(executor: Executor, staffNo: string): Promise<Person | undefined> {
  const [row] = await selectPeopleByStaffNo(executor, [staffNo]);
  return row && { ...row, posts: await selectPosts(executor, [row.id]) };
}

/**
 * A page of people by HR number, with their current posts and the total for paging.
 * @throws ValidationError `directory.people_query_invalid`; NotFoundError `directory.org_unit_not_found`
 * @example const { items, total } = await listPeople(db, { orgUnitCode: 'T01', includeSubtree: true, status: 'active', limit: 50, offset: 0 });
 */
export async function listPeople(executor: Executor, query: PeopleQuery): Promise<PeopleList> {
  const errors: FieldError[] = [];
  if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > MAX_PAGE) {
    errors.push({ pointer: '/limit', reason: 'range' });
  }
  if (!Number.isInteger(query.offset) || query.offset < 0) errors.push({ pointer: '/offset', reason: 'range' });
  if (query.status !== undefined && !PERSON_STATUSES.includes(query.status)) {
    errors.push({ pointer: '/status', reason: 'one_of' });
  }
  if (errors.length > 0) throw new ValidationError('directory.people_query_invalid', errors, { count: errors.length });

  const filter: PersonFilter = { status: query.status, q: query.q };
  if (query.orgUnitCode !== undefined) {
    const units = query.includeSubtree
      ? await orgSubtree(executor, query.orgUnitCode)
      : [await getOrgUnit(executor, query.orgUnitCode)];
    filter.orgUnitIds = units.map((unit) => unit.id);
  }
  const rows = await selectPeople(executor, filter, { limit: query.limit, offset: query.offset });
  const total =
    rows.length < query.limit && (query.offset === 0 || rows.length > 0)
      ? query.offset + rows.length
      : await countPeople(executor, filter);
  const posts = await selectPosts(
    executor,
    rows.map((row) => row.id),
  );
  return { items: rows.map((row) => ({ ...row, posts: posts.filter((post) => post.personId === row.id) })), total };
}

/** A used HR number (when creating) or a mobile number held by someone else. */
async function uniquenessErrors(
  executor: Executor,
  staffNo: string,
  mobile: string | null,
  creating: boolean,
): Promise<FieldError[]> {
  const errors: FieldError[] = [];
  if (creating && (await selectPeopleByStaffNo(executor, [staffNo])).length > 0) {
    errors.push({ pointer: '/staffNo', reason: 'taken' });
  }
  if (
    mobile &&
    (await selectMobileHolders(executor, [mobile])).some((holder) => creating || holder.staffNo !== staffNo)
  ) {
    errors.push({ pointer: '/mobile', reason: 'taken' });
  }
  return errors;
}

function invalid(errors: FieldError[]): ValidationError {
  return new ValidationError('directory.person_invalid', errors, { count: errors.length });
}
