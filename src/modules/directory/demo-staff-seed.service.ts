/**
 * Loads the demo staff (demo-staff.ts) into the demo district through the staff import, so each
 * person's history, audit entries and events are written as for any other change, all in one
 * transaction. Idempotent: a second run changes nothing; a run after someone edited a demo person
 * puts their details and posts back. Needs the demo organisation (`seedDemoOrganisation`) first.
 */
import type { Database } from '../../platform/db/database.js';
import { ValidationError } from '../../platform/errors.js';
import './directory.messages.js';
import { DEMO_STAFF, DEMO_STAFF_SINCE } from './demo-staff.js';
import type { Actor } from './person.js';
import { importStaffRows, type StaffImportProgress } from './staff-import.service.js';
import { SYSTEM_ONLY_POLICY } from './system-only-policy.js';

export interface DemoStaffReport {
  people: number;
  created: number;
  updated: number;
  unchanged: number;
}

const SEED_ACTOR: Actor = { type: 'system', id: 'huitong.seed' };

/**
 * Seeds the demo staff and reports what changed.
 * @throws ValidationError `directory.staff_import_invalid` when the demo organisation is missing (every row's unit is `not_found`)
 * @example
 * await seedDemoOrganisation(database);
 * const report = await seedDemoStaff(database); // first run: { people: 312, created: 312, updated: 0, unchanged: 0 }
 */
export async function seedDemoStaff(
  database: Database,
  options: { onProgress?: (progress: StaffImportProgress) => void } = {},
): Promise<DemoStaffReport> {
  const report = await importStaffRows(database, DEMO_STAFF, {
    actor: SEED_ACTOR,
    policy: SYSTEM_ONLY_POLICY,
    onProgress: options.onProgress,
    effectiveDate: DEMO_STAFF_SINCE,
  });
  if (!report.ok) {
    const fields = report.errors.map(({ row, field, reason }) => ({ pointer: `/rows/${row}/${field}`, reason }));
    throw new ValidationError('directory.staff_import_invalid', fields, { count: fields.length });
  }
  const { people, created, updated, unchanged } = report;
  return { people, created, updated, unchanged };
}
