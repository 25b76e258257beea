/**
 * The people of the directory: creating them, changing their details and status (leaving ends every
 * post), reading one, and listing them by unit or subtree. Every write leaves a history row, an
 * audit entry and a `directory.person.changed` event in its own transaction (person-change-log.ts).
 *
 * Every write, and every read made for someone (`…As`), first asks the Policy (person-access.ts):
 * creating needs `directory.manage` over the first post's unit; changing details over the unit of the
 * person's primary post; a departure, which ends every post, over each unit they hold a post in.
 * Reading needs `directory.read` over any of their units, and shows name, mobile and e-mail only to
 * an actor who holds `directory.manage` over one of them. `getPerson`, `findPersonByStaffNo` and
 * `listPeople` are the platform's own reads, for modules acting as the platform (sign-in,
 * provisioning, the access policy itself): they check nothing and mask nothing.
 */
import type { Executor } from '../../platform/db/database.js';
import { type FieldError, NotFoundError, ValidationError } from '../../platform/errors.js';
import './directory.messages.js';
import { inTransaction } from '../../platform/db/database.js';
import type { FieldChange } from './directory.tables.js';
import type { OrgUnit } from './org-unit.js';
import { selectOrgUnit } from './org-unit.repository.js';
import { getOrgUnit, orgSubtree } from './org-unit.service.js';
import {
  chinaToday,
  PERSON_STATUSES,
  type Person,
  type PersonInput,
  type PersonPatch,
  type PersonStatus,
  type Post,
  type PostInput,
} from './person.js';
import {
  countPeople,
  type HistoryRow,
  insertPerson,
  lockPerson,
  type PersonColumns,
  type PersonFilter,
  type PersonRow,
  selectHistory,
  selectMobileHolders,
  selectPeople,
  selectPeopleByStaffNo,
  selectPersonById,
  selectPosts,
  updatePersonColumns,
} from './person.repository.js';
import {
  type Acting,
  allowedOverAny,
  assertAllowedOverAny,
  assertAllowedOverEach,
  DIRECTORY_MANAGE,
  DIRECTORY_READ,
  reaches,
  reachOf,
  type UnitAsked,
  unitsOfPerson,
} from './person-access.js';
import { fieldChange, recordPersonChange } from './person-change-log.js';
import { checkPersonFields, checkPostFields, normaliseEmail, normaliseMobile } from './person-fields.js';
import { addPostIn, endPostIn } from './post.service.js';

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

/** A person as an actor may see them: `revealed` false means name, mobile and e-mail must be shown masked. */
export interface PersonSeen {
  person: Person;
  revealed: boolean;
}

export interface PeopleSeenList {
  items: PersonSeen[];
  total: number;
}

/** A new person, with the first post they take up (without one, only a district-wide manager may create them). */
export type NewPerson = PersonInput & { firstPost?: PostInput | undefined };

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
 * Adds a person to the directory, active from today unless told otherwise, with their first post.
 * Formats and the first post's unit are checked before the policy is asked (they reveal nothing that
 * is not public); whether the HR number or mobile is taken, only after.
 * @throws ValidationError `directory.person_invalid` (fields `staffNo`, `name`, `mobile`, `email`, `status`,
 * `statusFrom`, `firstPost/orgUnitCode` (`not_found`, `dissolved`), `firstPost/title`, `firstPost/validFrom`;
 * reason `taken` for a used HR number or mobile); ForbiddenError `access.denied`
 * @example const person = await createPerson(db, { staffNo: 'HT000001', name: '张三', firstPost: { orgUnitCode: 'D03', title: '科员' } }, { actor, policy });
 */
export async function createPerson(executor: Executor, input: NewPerson, acting: Acting): Promise<Person> {
  const fields = {
    staffNo: input.staffNo?.trim() ?? '',
    name: input.name?.trim() ?? '',
    mobile: normaliseMobile(input.mobile),
    email: normaliseEmail(input.email),
    status: input.status ?? 'active',
    statusFrom: input.statusFrom ?? chinaToday(),
  };
  const firstPost = input.firstPost && {
    ...input.firstPost,
    title: input.firstPost.title?.trim() ?? '',
    isPrimary: true,
    validFrom: input.firstPost.validFrom ?? fields.statusFrom,
  };
  const errors = checkPersonFields(fields, true);
  const unit = firstPost ? await postUnitIn(executor, firstPost, '/firstPost', errors) : undefined;
  if (errors.length > 0) throw invalid(errors);
  await assertAllowedOverEach(executor, acting, DIRECTORY_MANAGE, [unit?.code ?? null]);
  return inTransaction(executor, async (tx) => {
    const taken = await uniquenessErrors(tx, fields.staffNo, fields.mobile, true);
    if (taken.length > 0) throw invalid(taken);
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
    await recordPersonChange(tx, { actor: acting.actor, personId: id, change: 'created', changes });
    if (firstPost && unit) await addPostIn(tx, id, unit, firstPost, acting.actor);
    return getPerson(tx, id);
  });
}

/**
 * Changes a person's details or status; fields left out stay as they are, and rewriting a value
 * changes nothing (no history, no event). A status change takes effect on `statusFrom` (today when
 * absent); leaving ends every current post on that day.
 * @throws NotFoundError `directory.person_not_found`; ValidationError `directory.person_invalid`;
 * ForbiddenError `access.denied`
 * @example await updatePerson(db, person.id, { status: 'left', statusFrom: '2025-06-30' }, { actor, policy });
 */
export async function updatePerson(
  executor: Executor,
  personId: string,
  patch: PersonPatch,
  acting: Acting,
): Promise<Person> {
  const before = await selectPersonById(executor, personId);
  if (!before) throw new NotFoundError('directory.person_not_found', { personId });
  const unitsAt = (status: PersonStatus, posts: readonly Post[]) => unitsToUpdate(status, patch, posts);
  const asked = await assertAllowedOverEach(
    executor,
    acting,
    DIRECTORY_MANAGE,
    unitsAt(before.status, await selectPosts(executor, [personId])),
  );
  return inTransaction(executor, async (tx) => {
    const current = await lockPerson(tx, personId);
    if (!current) throw new NotFoundError('directory.person_not_found', { personId });
    const currentPosts = await selectPosts(tx, [personId]);
    await assertAllowedOverEach(tx, acting, DIRECTORY_MANAGE, unitsAt(current.status, currentPosts), asked);
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
    const posts = leaving ? currentPosts : [];
    if (errors.length === 0 && posts.some((post) => post.validFrom > wanted.statusFrom)) {
      errors.push({ pointer: '/statusFrom', reason: 'before_post_start' });
    }
    if (errors.length > 0) throw invalid(errors);

    const changed = PATCHABLE.filter((field) => wanted[field] !== current[field]);
    if (changed.length > 0) {
      await updatePersonColumns(tx, personId, Object.fromEntries(changed.map((f) => [COLUMN_OF[f], wanted[f]])));
      const changes: FieldChange[] = changed.map((field) => fieldChange(field, current[field], wanted[field]));
      await recordPersonChange(tx, { actor: acting.actor, personId, change: 'updated', changes });
    }
    // The primary last: ended earlier, it would hand its role to a post about to end as well.
    const primaryLast = [...posts.filter((post) => !post.isPrimary), ...posts.filter((post) => post.isPrimary)];
    for (const post of primaryLast) await endPostIn(tx, post, wanted.statusFrom, acting.actor);
    return getPerson(tx, personId);
  });
}

/**
 * The units a patch is asked about: the primary post's unit (the person's home, whose administrators
 * keep their record), and, for a departure, which ends every post, each unit they hold a post in.
 */
function unitsToUpdate(status: PersonStatus, patch: PersonPatch, posts: readonly Post[]): UnitAsked[] {
  if (patch.status === 'left' && status !== 'left') return unitsOfPerson(posts);
  const primary = posts.find((post) => post.isPrimary);
  return [primary?.orgUnitCode ?? null];
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
 * A page of people by HR number, with their current posts and the total for paging: the platform's
 * own read, unchecked (see listPeopleAs for one made for an actor).
 * @throws ValidationError `directory.people_query_invalid`; NotFoundError `directory.org_unit_not_found`
 * @example const { items, total } = await listPeople(db, { orgUnitCode: 'T01', includeSubtree: true, status: 'active', limit: 50, offset: 0 });
 */
export async function listPeople(executor: Executor, query: PeopleQuery): Promise<PeopleList> {
  checkPeopleQuery(query);
  const filter: PersonFilter = { status: query.status, q: query.q };
  if (query.orgUnitCode !== undefined) filter.orgUnitIds = await unitIdsOf(executor, query);
  return pageOfPeople(executor, filter, query);
}

/**
 * A page of the people the actor may read (`directory.read`): within the unit asked for, which the
 * actor must hold it over, or else within every subtree it holds it in. Each comes with whether the
 * actor may see their name, mobile and e-mail (`directory.manage` over one of their units).
 * @throws ValidationError `directory.people_query_invalid`; NotFoundError `directory.org_unit_not_found`;
 * ForbiddenError `access.denied`
 * @example const { items } = await listPeopleAs(db, { orgUnitCode: 'D01', includeSubtree: true, limit: 50, offset: 0 }, { actor, policy });
 */
export async function listPeopleAs(executor: Executor, query: PeopleQuery, acting: Acting): Promise<PeopleSeenList> {
  checkPeopleQuery(query);
  const filter: PersonFilter = { status: query.status, q: query.q };
  if (query.orgUnitCode !== undefined) {
    // Units are public: an unknown one is a 404 before the policy is asked about it.
    const unitIds = await unitIdsOf(executor, query);
    await assertAllowedOverEach(executor, acting, DIRECTORY_READ, [query.orgUnitCode]);
    filter.orgUnitIds = unitIds;
  } else {
    const readable = await reachOf(executor, acting, DIRECTORY_READ);
    if (!readable.everywhere) filter.orgUnitIds = readable.ids;
  }
  const page = await pageOfPeople(executor, filter, query);
  const manageable = await reachOf(executor, acting, DIRECTORY_MANAGE);
  const items = page.items.map((person) => ({ person, revealed: reaches(manageable, unitsOfPerson(person.posts)) }));
  return { items, total: page.total };
}

/**
 * One person as the actor may see them (`directory.read` over any of their units).
 * @throws NotFoundError `directory.person_not_found`; ForbiddenError `access.denied`
 * @example const { person, revealed } = await getPersonAs(db, personId, { actor, policy });
 */
export async function getPersonAs(executor: Executor, personId: string, acting: Acting): Promise<PersonSeen> {
  const person = await getPerson(executor, personId);
  const units = unitsOfPerson(person.posts);
  await assertAllowedOverAny(executor, acting, DIRECTORY_READ, units);
  return { person, revealed: await allowedOverAny(executor, acting, DIRECTORY_MANAGE, units) };
}

/**
 * A person's history, oldest first, for an actor who may read them. Its values are stored masked.
 * @throws NotFoundError `directory.person_not_found`; ForbiddenError `access.denied`
 * @example const entries = await personHistoryAs(db, personId, { actor, policy });
 */
export async function personHistoryAs(executor: Executor, personId: string, acting: Acting): Promise<HistoryRow[]> {
  const person = await getPerson(executor, personId);
  await assertAllowedOverAny(executor, acting, DIRECTORY_READ, unitsOfPerson(person.posts));
  return selectHistory(executor, personId);
}

function checkPeopleQuery(query: PeopleQuery): void {
  const errors: FieldError[] = [];
  if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > MAX_PAGE) {
    errors.push({ pointer: '/limit', reason: 'range' });
  }
  if (!Number.isInteger(query.offset) || query.offset < 0) errors.push({ pointer: '/offset', reason: 'range' });
  if (query.status !== undefined && !PERSON_STATUSES.includes(query.status)) {
    errors.push({ pointer: '/status', reason: 'one_of' });
  }
  if (errors.length > 0) throw new ValidationError('directory.people_query_invalid', errors, { count: errors.length });
}

async function unitIdsOf(executor: Executor, query: PeopleQuery): Promise<string[]> {
  const code = query.orgUnitCode!;
  const units = query.includeSubtree ? await orgSubtree(executor, code) : [await getOrgUnit(executor, code)];
  return units.map((unit) => unit.id);
}

async function pageOfPeople(
  executor: Executor,
  filter: PersonFilter,
  query: Pick<PeopleQuery, 'limit' | 'offset'>,
): Promise<PeopleList> {
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

/**
 * The unit a new post goes to, when its fields are good and the unit exists and is active; the
 * problems otherwise, added to `errors` under `prefix`.
 */
async function postUnitIn(
  executor: Executor,
  post: PostInput,
  prefix: string,
  errors: FieldError[],
): Promise<OrgUnit | undefined> {
  const problems = checkPostFields(post);
  const unit = post.orgUnitCode ? await selectOrgUnit(executor, post.orgUnitCode) : undefined;
  if (post.orgUnitCode && !unit) problems.push({ pointer: '/orgUnitCode', reason: 'not_found' });
  if (unit?.status === 'dissolved') problems.push({ pointer: '/orgUnitCode', reason: 'dissolved' });
  errors.push(...problems.map((problem) => ({ ...problem, pointer: `${prefix}${problem.pointer}` })));
  return problems.length === 0 ? unit : undefined;
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
