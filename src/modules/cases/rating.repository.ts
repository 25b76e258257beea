/** SQL for `cases.rating`: the applicant's rating of a case and the follow-up of a poor one. No rules here. */
import { sql } from 'kysely';
import { type Executor, tablesOf } from '../../platform/db/database.js';
import type { Channel, Rating } from './case.js';
import type { SupervisionTables } from './supervision.tables.js';
import { type UnitCut, unitCondition } from './supervision-scope.js';

const db = (executor: Executor) => tablesOf<SupervisionTables>(executor);
const day = (column: string) => sql<string | null>`to_char(${sql.ref(column)}, 'YYYY-MM-DD')`;

export async function insertRating(
  executor: Executor,
  row: {
    caseId: string;
    score: number;
    channel: Channel;
    comment: string | null;
    followUpDueOn: string | null;
    at: Date;
  },
): Promise<void> {
  await db(executor)
    .insertInto('cases.rating')
    .values({
      case_id: row.caseId,
      score: row.score,
      channel: row.channel,
      comment: row.comment,
      rated_at: row.at,
      follow_up_due_on: row.followUpDueOn,
    })
    .execute();
}

/** The rating of a case, locked until the transaction ends when `lock`. */
export async function selectRatingRow(
  executor: Executor,
  caseId: string,
  lock = false,
): Promise<(Rating & { answeredBy: string | null }) | undefined> {
  let query = db(executor)
    .selectFrom('cases.rating')
    .select(['score', 'channel', 'comment', 'rated_at', 'follow_up_answer', 'answered_at', 'answered_by'])
    .select(day('follow_up_due_on').as('follow_up_due_on'))
    .where('case_id', '=', caseId);
  if (lock) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return (
    row && {
      score: row.score,
      channel: row.channel,
      comment: row.comment,
      ratedAt: row.rated_at,
      followUpDueOn: row.follow_up_due_on,
      followUpAnswer: row.follow_up_answer,
      answeredAt: row.answered_at,
      answeredBy: row.answered_by,
    }
  );
}

export async function updateAnswer(
  executor: Executor,
  caseId: string,
  answer: { text: string; by: string; at: Date },
): Promise<void> {
  await db(executor)
    .updateTable('cases.rating')
    .set({ follow_up_answer: answer.text, answered_by: answer.by, answered_at: answer.at })
    .where('case_id', '=', caseId)
    .execute();
}

export type FollowUpState = 'open' | 'overdue' | 'answered';

/** One poor rating to follow up, with the case it is about. */
export interface FollowUpRow {
  caseId: string;
  number: string;
  itemCode: string;
  itemNameZh: string;
  departmentCode: string;
  centreCode: string | null;
  score: number;
  channel: Channel;
  comment: string | null;
  ratedAt: Date;
  dueOn: string;
  answer: string | null;
  answeredAt: Date | null;
  answeredBy: string | null;
}

/** Poor ratings in `state` on `today` within the cut, the most urgent (earliest due) first. */
export async function selectFollowUpPage(
  executor: Executor,
  filter: { state: FollowUpState; department?: string | undefined; cut: UnitCut; today: string },
  page: { limit: number; offset: number },
): Promise<{ items: FollowUpRow[]; total: number }> {
  let base = db(executor)
    .selectFrom('cases.rating as r')
    .innerJoin('cases.case as c', 'c.id', 'r.case_id')
    .where('r.follow_up_due_on', 'is not', null)
    .where(unitCondition(filter.cut))
    .where('r.answered_at', filter.state === 'answered' ? 'is not' : 'is', null);
  if (filter.state === 'overdue') base = base.where('r.follow_up_due_on', '<', sql<string>`${filter.today}::date`);
  if (filter.department) base = base.where('c.department_code', '=', filter.department);
  const [rows, count] = await Promise.all([
    base
      .select([
        'r.case_id',
        'c.number',
        'c.item_code',
        'c.item_name_zh',
        'c.department_code',
        'c.centre_code',
        'r.score',
        'r.channel',
        'r.comment',
        'r.rated_at',
        'r.follow_up_answer',
        'r.answered_at',
        'r.answered_by',
      ])
      .select(day('r.follow_up_due_on').as('due_on'))
      .orderBy(
        filter.state === 'answered' ? 'r.answered_at' : 'r.follow_up_due_on',
        filter.state === 'answered' ? 'desc' : 'asc',
      )
      .orderBy('r.case_id')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    total: Number(count.n),
    items: rows.map((row) => ({
      caseId: row.case_id,
      number: row.number,
      itemCode: row.item_code,
      itemNameZh: row.item_name_zh,
      departmentCode: row.department_code,
      centreCode: row.centre_code,
      score: row.score,
      channel: row.channel,
      comment: row.comment,
      ratedAt: row.rated_at,
      dueOn: row.due_on!,
      answer: row.follow_up_answer,
      answeredAt: row.answered_at,
      answeredBy: row.answered_by,
    })),
  };
}
