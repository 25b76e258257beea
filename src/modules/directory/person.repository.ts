/**
 * SQL for `directory.person`, `directory.post` and `directory.person_history`: reads that return
 * whole people and posts, filtered lists, and plain writes. No rules here: the services decide.
 */
import { type Kysely, sql } from 'kysely';
import { type Executor, tablesOf } from '../../platform/db/database.js';
import type { DirectoryTables, FieldChange } from './directory.tables.js';
import type { Actor, Person, PersonChange, PersonStatus, Post } from './person.js';

export type PersonRow = Omit<Person, 'posts'>;

export interface PersonFilter {
  /** Only people holding a current post in one of these units. */
  orgUnitIds?: readonly string[] | undefined;
  status?: PersonStatus | undefined;
  /** Part of the name, or the start of the HR number, or the whole mobile number. */
  q?: string | undefined;
}

export interface PersonColumns {
  staff_no: string;
  name: string;
  mobile: string | null;
  email: string | null;
  status: PersonStatus;
  status_from: string;
}

export interface HistoryRow {
  id: number;
  personId: string;
  at: Date;
  change: PersonChange;
  changes: FieldChange[];
  actorType: Actor['type'];
  actorId: string;
}

/** People matching the filter, by HR number (byte-wise, the same on every locale). */
export async function selectPeople(
  executor: Executor,
  filter: PersonFilter,
  page: { limit: number; offset: number },
): Promise<PersonRow[]> {
  return filtered(tablesOf<DirectoryTables>(executor), filter)
    .select(PERSON_COLUMNS)
    .orderBy(sql`p.staff_no collate "C"`)
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}

export async function countPeople(executor: Executor, filter: PersonFilter): Promise<number> {
  const row = await filtered(tablesOf<DirectoryTables>(executor), filter)
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

export async function selectPersonById(executor: Executor, id: string): Promise<PersonRow | undefined> {
  return tablesOf<DirectoryTables>(executor)
    .selectFrom('directory.person as p')
    .select(PERSON_COLUMNS)
    .where('p.id', '=', id)
    .executeTakeFirst();
}

export async function selectPeopleByStaffNo(executor: Executor, staffNos: readonly string[]): Promise<PersonRow[]> {
  if (staffNos.length === 0) return [];
  return tablesOf<DirectoryTables>(executor)
    .selectFrom('directory.person as p')
    .select(PERSON_COLUMNS)
    .where('p.staff_no', 'in', staffNos)
    .execute();
}

/** Who holds each of these mobile numbers. */
export async function selectMobileHolders(
  executor: Executor,
  mobiles: readonly string[],
): Promise<Array<{ mobile: string; staffNo: string }>> {
  if (mobiles.length === 0) return [];
  const rows = await tablesOf<DirectoryTables>(executor)
    .selectFrom('directory.person')
    .select(['mobile', 'staff_no as staffNo'])
    .where('mobile', 'in', mobiles)
    .execute();
  return rows.map((row) => ({ mobile: row.mobile!, staffNo: row.staffNo }));
}

/**
 * Takes the person's row lock until the transaction ends, so two writers of one person (two post
 * assignments, a post assignment and a departure) run one after the other. Undefined when unknown.
 */
export async function lockPerson(executor: Executor, id: string): Promise<PersonRow | undefined> {
  return tablesOf<DirectoryTables>(executor)
    .selectFrom('directory.person as p')
    .select(PERSON_COLUMNS)
    .where('p.id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

/** Posts of these people, current ones only unless told otherwise; each person's primary first. */
export async function selectPosts(
  executor: Executor,
  personIds: readonly string[],
  options: { includeEnded?: boolean } = {},
): Promise<Post[]> {
  if (personIds.length === 0) return [];
  return postQuery(tablesOf<DirectoryTables>(executor))
    .where('s.person_id', 'in', personIds)
    .$if(!options.includeEnded, (q) => q.where('s.valid_to', 'is', null))
    .orderBy('s.person_id')
    .orderBy('s.is_primary', 'desc')
    .orderBy('s.valid_from')
    .orderBy(sql`u.code collate "C"`)
    .orderBy('s.title')
    .execute();
}

export async function selectPost(executor: Executor, id: string): Promise<Post | undefined> {
  return postQuery(tablesOf<DirectoryTables>(executor)).where('s.id', '=', id).executeTakeFirst();
}

export async function insertPerson(executor: Executor, columns: PersonColumns): Promise<string> {
  const row = await tablesOf<DirectoryTables>(executor)
    .insertInto('directory.person')
    .values(columns)
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updatePersonColumns(
  executor: Executor,
  id: string,
  columns: Partial<PersonColumns>,
): Promise<void> {
  await tablesOf<DirectoryTables>(executor)
    .updateTable('directory.person')
    .set({ ...columns, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .execute();
}

export async function insertPost(
  executor: Executor,
  post: { personId: string; orgUnitId: string; title: string; isPrimary: boolean; validFrom: string },
): Promise<string> {
  const row = await tablesOf<DirectoryTables>(executor)
    .insertInto('directory.post')
    .values({
      person_id: post.personId,
      org_unit_id: post.orgUnitId,
      title: post.title,
      is_primary: post.isPrimary,
      valid_from: post.validFrom,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Ends the post: no longer current, and so no longer primary. */
export async function endPostRow(executor: Executor, id: string, validTo: string): Promise<void> {
  await tablesOf<DirectoryTables>(executor)
    .updateTable('directory.post')
    .set({ valid_to: validTo, is_primary: false, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .execute();
}

export async function setPostPrimary(executor: Executor, id: string, isPrimary: boolean): Promise<void> {
  await tablesOf<DirectoryTables>(executor)
    .updateTable('directory.post')
    .set({ is_primary: isPrimary, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .execute();
}

export async function insertHistory(
  executor: Executor,
  entry: { personId: string; change: PersonChange; changes: FieldChange[]; actor: Actor },
): Promise<void> {
  await tablesOf<DirectoryTables>(executor)
    .insertInto('directory.person_history')
    .values({
      person_id: entry.personId,
      change: entry.change,
      changes: JSON.stringify(entry.changes),
      actor_type: entry.actor.type,
      actor_id: entry.actor.id,
    })
    .execute();
}

/** A person's history, oldest first. */
export async function selectHistory(executor: Executor, personId: string): Promise<HistoryRow[]> {
  return tablesOf<DirectoryTables>(executor)
    .selectFrom('directory.person_history')
    .select([
      'id',
      'person_id as personId',
      'at',
      'change',
      'changes',
      'actor_type as actorType',
      'actor_id as actorId',
    ])
    .where('person_id', '=', personId)
    .orderBy('id')
    .execute();
}

function filtered(db: Kysely<DirectoryTables>, filter: PersonFilter) {
  let query = db.selectFrom('directory.person as p');
  if (filter.status) query = query.where('p.status', '=', filter.status);
  const unitIds = filter.orgUnitIds;
  if (unitIds) {
    query = query.where((eb) =>
      unitIds.length === 0
        ? eb.val(false)
        : eb.exists(
            eb
              .selectFrom('directory.post as s')
              .select('s.id')
              .whereRef('s.person_id', '=', 'p.id')
              .where('s.valid_to', 'is', null)
              .where('s.org_unit_id', 'in', unitIds),
          ),
    );
  }
  const q = filter.q?.trim();
  if (q) {
    // The user's text is matched literally: % and _ in it are not wildcards.
    const literal = q.replace(/[\\%_]/g, (character) => `\\${character}`);
    query = query.where((eb) =>
      eb.or([
        eb('p.name', 'like', `%${literal}%`),
        eb('p.staff_no', 'like', `${literal.toUpperCase()}%`),
        eb('p.mobile', '=', q),
      ]),
    );
  }
  return query;
}

function postQuery(db: Kysely<DirectoryTables>) {
  return db
    .selectFrom('directory.post as s')
    .innerJoin('directory.org_unit as u', 'u.id', 's.org_unit_id')
    .select([
      's.id',
      's.person_id as personId',
      'u.code as orgUnitCode',
      'u.name_zh as orgUnitNameZh',
      's.title',
      's.is_primary as isPrimary',
      sql<string>`to_char(s.valid_from, 'YYYY-MM-DD')`.as('validFrom'),
      sql<string | null>`to_char(s.valid_to, 'YYYY-MM-DD')`.as('validTo'),
    ]);
}

const PERSON_COLUMNS = [
  'p.id',
  'p.staff_no as staffNo',
  'p.name',
  'p.mobile',
  'p.email',
  'p.status',
  sql<string>`to_char(p.status_from, 'YYYY-MM-DD')`.as('statusFrom'),
  'p.created_at as createdAt',
  'p.updated_at as updatedAt',
] as const;
