/**
 * SQL of the supervision views over cases in handling (accepted, decided, or paused for 补正 or a
 * special procedure): the lights per unit and the warned and overdue cases. Migration 0017's partial
 * index holds exactly these cases, so neither query reads the closed ones.
 */
import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.js';
import type { CaseStatus, Channel, Light } from './case.js';
import { type UnitCut, unitCondition } from './supervision-scope.js';

const IN_HANDLING = sql`c.status in ('accepted', 'decided', 'supplement', 'special')`;
const RUNNING = sql`c.status in ('accepted', 'decided')`;

export interface LightCounts {
  unitCode: string;
  green: number;
  yellow: number;
  red: number;
  paused: number;
  total: number;
}

/** Light counts per department or per centre ('' for online applications) within the cut. */
export async function selectLightCounts(
  executor: Executor,
  by: 'department' | 'centre',
  cut: UnitCut,
  today: string,
): Promise<LightCounts[]> {
  const unit = by === 'department' ? sql`c.department_code` : sql`coalesce(c.centre_code, '')`;
  const on = sql`${today}::date`;
  const { rows } = await sql<LightCounts>`select ${unit} as "unitCode",
        count(*) filter (where ${RUNNING} and c.due_on >= ${on} and (c.warn_on is null or c.warn_on > ${on}))::int as green,
        count(*) filter (where ${RUNNING} and c.due_on >= ${on} and c.warn_on <= ${on})::int as yellow,
        count(*) filter (where ${RUNNING} and c.due_on < ${on})::int as red,
        count(*) filter (where c.status in ('supplement', 'special'))::int as paused,
        count(*)::int as total
      from cases."case" c
     where ${IN_HANDLING} and ${unitCondition(cut)}
     group by 1
     order by 1`.execute(executor);
  return rows;
}

export interface WarnedCaseRow {
  id: string;
  number: string;
  itemCode: string;
  itemNameZh: string;
  departmentCode: string;
  centreCode: string | null;
  channel: Channel;
  applicantName: string;
  status: CaseStatus;
  stage: number;
  stageNameZh: string | null;
  stageNameEn: string | null;
  dueOn: string | null;
  warnOn: string | null;
  deadlineProvisional: boolean;
  submittedAt: Date;
}

/** Running cases of the given lights within the cut and filters, the longest overdue first. */
export async function selectWarnedCases(
  executor: Executor,
  filter: {
    lights: Array<Exclude<Light, 'green'>>;
    department?: string | undefined;
    centre?: string | undefined;
    cut: UnitCut;
    today: string;
  },
  page: { limit: number; offset: number },
): Promise<{ items: WarnedCaseRow[]; total: number }> {
  const on = sql`${filter.today}::date`;
  const lights = filter.lights.map((light) =>
    light === 'red' ? sql`c.due_on < ${on}` : sql`(c.due_on >= ${on} and c.warn_on <= ${on})`,
  );
  const where = sql.join(
    [
      RUNNING,
      sql`(${sql.join(lights, sql` or `)})`,
      unitCondition(filter.cut),
      ...(filter.department ? [sql`c.department_code = ${filter.department}`] : []),
      ...(filter.centre ? [sql`c.centre_code = ${filter.centre}`] : []),
    ],
    sql` and `,
  );
  const [rows, count] = await Promise.all([
    sql<WarnedCaseRow>`select c.id, c.number, c.item_code as "itemCode", c.item_name_zh as "itemNameZh",
          c.department_code as "departmentCode", c.centre_code as "centreCode", c.channel,
          c.applicant_name as "applicantName", c.status, c.stage,
          c.stages -> c.stage ->> 'nameZh' as "stageNameZh", c.stages -> c.stage ->> 'nameEn' as "stageNameEn",
          to_char(c.due_on, 'YYYY-MM-DD') as "dueOn", to_char(c.warn_on, 'YYYY-MM-DD') as "warnOn",
          c.deadline_provisional as "deadlineProvisional", c.submitted_at as "submittedAt"
        from cases."case" c
       where ${where}
       order by c.due_on, c.id
       limit ${page.limit} offset ${page.offset}`.execute(executor),
    sql<{ n: number }>`select count(*)::int as n from cases."case" c where ${where}`.execute(executor),
  ]);
  return { items: rows.rows, total: count.rows[0]!.n };
}
