/** SQL for `exchange.member` and `exchange.publisher`, and the standard columns they are checked against. */
import type { Selectable } from 'kysely';
import { type Executor, tablesOf } from '../../platform/db/database.js';
import type { Contact, MemberDetail } from './member.js';
import type { MemberTable, MemberTables } from './member.tables.js';

const COLUMNS = [
  'id',
  'name_zh',
  'name_en',
  'owner_org_unit_code',
  'zone',
  'status',
  'contacts',
  'created_at',
  'updated_at',
] as const;

export interface StandardRef {
  code: string;
  nameZh: string;
  nameEn: string;
  ownerOrgUnitCode: string;
  classification: string;
}

export type MemberColumns = Omit<MemberTable, 'created_at' | 'updated_at' | 'contacts'> & { contacts: Contact[] };

export async function selectMember(executor: Executor, id: string, lock = false): Promise<MemberDetail | undefined> {
  let query = tablesOf<MemberTables>(executor).selectFrom('exchange.member').select(COLUMNS).where('id', '=', id);
  if (lock) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row && memberOf(row);
}

export async function selectMembers(
  executor: Executor,
  filter: { ownerOrgUnitCodes?: readonly string[] | undefined; status?: string | undefined; zone?: string | undefined },
  page: { limit: number; offset: number },
): Promise<{ items: MemberDetail[]; total: number }> {
  let query = tablesOf<MemberTables>(executor).selectFrom('exchange.member');
  if (filter.ownerOrgUnitCodes) {
    if (filter.ownerOrgUnitCodes.length === 0) return { items: [], total: 0 };
    query = query.where('owner_org_unit_code', 'in', filter.ownerOrgUnitCodes);
  }
  if (filter.status) query = query.where('status', '=', filter.status as MemberTable['status']);
  if (filter.zone) query = query.where('zone', '=', filter.zone as MemberTable['zone']);
  const rows = await query.select(COLUMNS).orderBy('id').limit(page.limit).offset(page.offset).execute();
  const { total } = await query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  return { items: rows.map(memberOf), total: Number(total) };
}

export async function insertMember(executor: Executor, columns: MemberColumns): Promise<void> {
  await tablesOf<MemberTables>(executor)
    .insertInto('exchange.member')
    .values({ ...columns, contacts: JSON.stringify(columns.contacts) })
    .execute();
}

export async function updateMemberColumns(
  executor: Executor,
  id: string,
  columns: Partial<Omit<MemberColumns, 'id' | 'owner_org_unit_code'>>,
): Promise<void> {
  const { contacts, ...rest } = columns;
  await tablesOf<MemberTables>(executor)
    .updateTable('exchange.member')
    .set({ ...rest, ...(contacts ? { contacts: JSON.stringify(contacts) } : {}), updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}

export async function selectStandardRef(executor: Executor, code: string): Promise<StandardRef | undefined> {
  const row = await tablesOf<MemberTables>(executor)
    .selectFrom('exchange.standard')
    .select(['code', 'name_zh', 'name_en', 'owner_org_unit_code', 'classification'])
    .where('code', '=', code)
    .executeTakeFirst();
  return (
    row && {
      code: row.code,
      nameZh: row.name_zh,
      nameEn: row.name_en,
      ownerOrgUnitCode: row.owner_org_unit_code,
      classification: row.classification,
    }
  );
}

export interface PublisherRow {
  standardCode: string;
  memberId: string;
  /** The member's names, so a list of rights reads as systems rather than client ids. */
  memberNameZh: string;
  memberNameEn: string;
  grantedBy: string | null;
  grantedAt: Date;
}

/** Inserts the right unless it is there already; true when it was new. */
export async function insertPublisher(
  executor: Executor,
  standardCode: string,
  memberId: string,
  grantedBy: string,
): Promise<boolean> {
  const result = await tablesOf<MemberTables>(executor)
    .insertInto('exchange.publisher')
    .values({ standard_code: standardCode, member_id: memberId, granted_by: grantedBy })
    .onConflict((conflict) => conflict.columns(['standard_code', 'member_id']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** True when there was a right to remove. */
export async function deletePublisher(executor: Executor, standardCode: string, memberId: string): Promise<boolean> {
  const result = await tablesOf<MemberTables>(executor)
    .deleteFrom('exchange.publisher')
    .where('standard_code', '=', standardCode)
    .where('member_id', '=', memberId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function selectPublishers(executor: Executor, standardCode: string): Promise<PublisherRow[]> {
  const rows = await tablesOf<MemberTables>(executor)
    .selectFrom('exchange.publisher as p')
    .innerJoin('exchange.member as m', 'm.id', 'p.member_id')
    .select(['p.standard_code', 'p.member_id', 'm.name_zh', 'm.name_en', 'p.granted_by', 'p.granted_at'])
    .where('p.standard_code', '=', standardCode)
    .orderBy('p.member_id')
    .execute();
  return rows.map((row) => ({
    standardCode: row.standard_code,
    memberId: row.member_id,
    memberNameZh: row.name_zh,
    memberNameEn: row.name_en,
    grantedBy: row.granted_by,
    grantedAt: row.granted_at,
  }));
}

/** Whether an enabled member holds the right to publish the standard. */
export async function selectMayPublish(executor: Executor, memberId: string, standardCode: string): Promise<boolean> {
  const row = await tablesOf<MemberTables>(executor)
    .selectFrom('exchange.publisher as p')
    .innerJoin('exchange.member as m', 'm.id', 'p.member_id')
    .select('p.member_id')
    .where('p.member_id', '=', memberId)
    .where('p.standard_code', '=', standardCode)
    .where('m.status', '=', 'enabled')
    .executeTakeFirst();
  return row !== undefined;
}

/** The standards a member may publish, by code. */
export async function selectPublishedBy(executor: Executor, memberId: string): Promise<Set<string>> {
  const rows = await tablesOf<MemberTables>(executor)
    .selectFrom('exchange.publisher')
    .select('standard_code')
    .where('member_id', '=', memberId)
    .execute();
  return new Set(rows.map((row) => row.standard_code));
}

function memberOf(row: Selectable<MemberTable>): MemberDetail {
  return {
    id: row.id,
    nameZh: row.name_zh,
    nameEn: row.name_en,
    ownerOrgUnitCode: row.owner_org_unit_code,
    zone: row.zone,
    status: row.status,
    contacts: contactsOf(row.contacts),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Rows written by other parts' tests may carry `[]` or nothing: anything not a contact is skipped. */
function contactsOf(value: unknown): Contact[] {
  const list = typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
  if (!Array.isArray(list)) return [];
  return list
    .filter((item): item is Record<string, unknown> => typeof item === 'object' && item !== null)
    .map((item) => ({
      name: typeof item.name === 'string' ? item.name : '',
      phone: typeof item.phone === 'string' ? item.phone : null,
      email: typeof item.email === 'string' ? item.email : null,
    }));
}
