/**
 * Cases and tallies for supervision, rating and statistics tests, written straight into the tables as
 * the migration allows, so a test can put a case in any status on any day without walking it there.
 */
import { randomUUID } from 'node:crypto';
import type { Executor } from '../../platform/db/database.js';
import type { CaseStatus, Stage, TallyCount, TallyKey } from './case.js';
import { insertCase } from './case.repository.js';
import { addToTally } from './tally.repository.js';

export interface TestCase {
  status?: CaseStatus;
  departmentCode?: string;
  centreCode?: string | null;
  itemCode?: string;
  /** Accepted on; deadlines as given. */
  acceptedOn?: string;
  dueOn?: string | null;
  warnOn?: string | null;
  applicantName?: string;
  idNumber?: string;
  publicAccountId?: string | null;
}

const STAGES: Stage[] = [
  { key: 'review', nameZh: '承办审查', nameEn: 'Review', unitCode: 'XD1', permission: 'cases.handle' },
  { key: 'decide', nameZh: '审批决定', nameEn: 'Decision', unitCode: 'XD1', permission: 'cases.decide' },
];

let sequence = 0;

/**
 * Inserts a case and returns its id and number.
 * @example const { id } = await insertTestCase(db, { status: 'accepted', dueOn: '2024-02-19', warnOn: '2024-02-09' });
 */
export async function insertTestCase(executor: Executor, c: TestCase = {}): Promise<{ id: string; number: string }> {
  sequence += 1;
  const id = randomUUID();
  const status = c.status ?? 'accepted';
  const centreCode = c.centreCode === undefined ? 'XC1' : c.centreCode;
  const number = `${centreCode ?? 'WS'}-20240101-${String(sequence).padStart(6, '0')}`;
  const idNumber = c.idNumber ?? '11010519900101002X';
  const acceptedOn = c.acceptedOn ?? '2024-01-02';
  const decided = ['decided', 'completed', 'delivered'].includes(status);
  await insertCase(executor, {
    id,
    number,
    item_code: c.itemCode ?? 'ITEM-1',
    item_version: 1,
    item_name_zh: '食品经营许可（新办）',
    item_type: 'administrative_licence',
    department_code: c.departmentCode ?? 'XD1',
    centre_code: centreCode,
    channel: centreCode === null ? 'online' : 'window',
    applicant_kind: 'citizen',
    applicant_name: c.applicantName ?? '王丽娟',
    applicant_id: idNumber,
    id_tail: idNumber.slice(-6),
    applicant_mobile: null,
    public_account_id: c.publicAccountId ?? null,
    form: JSON.stringify({}),
    status,
    stages: JSON.stringify(STAGES),
    decision: decided ? 'granted' : null,
    submitted_at: new Date(`${acceptedOn}T01:00:00Z`),
    accepted_at: status === 'submitted' ? null : new Date(`${acceptedOn}T02:00:00Z`),
    completed_at: status === 'completed' || status === 'delivered' ? new Date(`${acceptedOn}T03:00:00Z`) : null,
    promised_limit_days: 5,
    statutory_limit_days: 20,
    accepted_on: status === 'submitted' ? null : acceptedOn,
    due_on: c.dueOn === undefined ? '2024-01-09' : c.dueOn,
    warn_on: c.warnOn === undefined ? '2024-01-05' : c.warnOn,
  });
  return { id, number };
}

/**
 * Adds tally counts as the lifecycle does (the monthly roll-up follows by trigger).
 * @example await addTestTally(db, { day: '2024-01-05', departmentCode: 'XD1' }, { submitted: 3 });
 */
export async function addTestTally(
  executor: Executor,
  key: Partial<TallyKey> & { day: string },
  counts: Partial<Record<TallyCount, number>>,
): Promise<void> {
  await addToTally(executor, { centreCode: 'XC1', departmentCode: 'XD1', itemCode: 'ITEM-1', ...key }, counts);
}
