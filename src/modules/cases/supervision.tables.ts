/**
 * The tables supervision, ratings and statistics read beside the lifecycle's (cases.tables.ts): the
 * alerts (migration 0016) and the monthly roll-up of the daily tally (migration 0017).
 */
import type { ColumnType, Generated } from 'kysely';
import type { CasesTables, DailyTallyTable } from './cases.tables.js';

type CivilDate = ColumnType<string, string, string>;

export interface AlertTable {
  id: Generated<number>;
  case_id: string;
  level: 'yellow' | 'red';
  department_code: string;
  centre_code: string | null;
  raised_on: CivilDate;
  raised_at: Generated<Date>;
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
}

/** daily_tally's counts per calendar month (`month`: its first day), kept by a trigger. */
export type MonthlyTallyTable = Omit<DailyTallyTable, 'day'> & { month: CivilDate };

export interface SupervisionTables extends CasesTables {
  'cases.alert': AlertTable;
  'cases.monthly_tally': MonthlyTallyTable;
}
