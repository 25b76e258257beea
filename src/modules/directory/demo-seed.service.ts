/**
 * Loads the demo district (demo-organisation.ts) into the directory: one transaction, inserts in
 * batches, by the same rules as any other write. Deterministic and idempotent: a second run finds
 * everything in place and changes nothing; a run after someone edited a demo unit puts it back.
 * A directory that already has a different district is refused (`directory.root_exists`): the demo
 * never mixes into a real tree.
 */
import { recordAudit } from '../../platform/audit/audit-log.js';
import type { Database } from '../../platform/db/database.js';
import { DEMO_DISTRICT_CODE, DEMO_ORGANISATION } from './demo-organisation.js';
import { type UpsertProgress, type UpsertReport, upsertOrgUnits } from './org-unit.service.js';

export interface DemoSeedReport extends UpsertReport {
  districtNameZh: string;
  districtNameEn: string;
  units: number;
  departments: number;
  townsAndStreets: number;
  serviceCentres: number;
}

/**
 * Seeds the demo district and reports what changed.
 * @example
 * const report = await seedDemoOrganisation(database);
 * // first run: { created: 95, updated: 0, unchanged: 0, departments: 47, townsAndStreets: 23, serviceCentres: 24, … }
 */
export async function seedDemoOrganisation(
  database: Database,
  options: { onProgress?: (progress: UpsertProgress) => void } = {},
): Promise<DemoSeedReport> {
  const report = await database.transaction(async (tx) => {
    const changes = await upsertOrgUnits(tx, DEMO_ORGANISATION, options);
    if (changes.created + changes.updated > 0) {
      await recordAudit(tx, {
        actor: { type: 'system', id: 'huitong.seed' },
        action: 'directory.org_unit.seed_demo',
        target: { type: 'org_unit', id: DEMO_DISTRICT_CODE },
        outcome: 'success',
        details: { created: changes.created, updated: changes.updated },
      });
    }
    return changes;
  });
  const count = (...kinds: string[]) => DEMO_ORGANISATION.filter((unit) => kinds.includes(unit.kind)).length;
  const district = DEMO_ORGANISATION.find((unit) => unit.code === DEMO_DISTRICT_CODE)!;
  return {
    ...report,
    districtNameZh: district.nameZh,
    districtNameEn: district.nameEn,
    units: DEMO_ORGANISATION.length,
    departments: count('department'),
    townsAndStreets: count('town', 'street'),
    serviceCentres: count('service_centre'),
  };
}
