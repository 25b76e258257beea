import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { makeOrgUnit } from '../../../test/support/org-units.js';
import { listAudit } from '../../platform/audit/audit-log.js';
import type { Database } from '../../platform/db/database.js';
import { ConflictError } from '../../platform/errors.js';
import { seedDemoOrganisation } from './demo-seed.service.js';
import { getOrgUnit, listOrgUnits, orgPath, upsertOrgUnit } from './org-unit.service.js';
import { seedCommand } from './seed.command.js';

let testDatabase: TestDatabase;
const db = () => testDatabase.database.kysely;
const codes = (units: ReadonlyArray<{ code: string }>) => units.map((unit) => unit.code);
const numbered = (prefix: string, from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, index) => `${prefix}${String(from + index).padStart(2, '0')}`);

beforeAll(async () => {
  testDatabase = await createTestDatabase();
});
beforeEach(async () => {
  await sql`delete from directory.org_unit`.execute(db());
});
afterAll(() => testDatabase.drop());

describe('seedDemoOrganisation', () => {
  it('creates the district, 47 departments, 23 towns and streets and the 1+23 service centres', async () => {
    const report = await seedDemoOrganisation(testDatabase.database);
    expect(report).toEqual({
      created: 95,
      updated: 0,
      unchanged: 0,
      districtNameZh: '汇通区',
      districtNameEn: 'Huitong District',
      units: 95,
      departments: 47,
      townsAndStreets: 23,
      serviceCentres: 24,
    });
    const count = async (kinds: Array<'department' | 'town' | 'street' | 'service_centre'>) =>
      (await listOrgUnits(db(), { kinds })).total;
    expect(await count(['department'])).toBe(47);
    expect(await count(['street'])).toBe(15);
    expect(await count(['town'])).toBe(8);
    expect(await count(['service_centre'])).toBe(24);
  });

  it('keeps its codes stable: HT, D01–D47, T01–T23, C00 under HT and Cnn under Tnn', async () => {
    await seedDemoOrganisation(testDatabase.database);
    expect((await getOrgUnit(db(), 'HT')).nameEn).toBe('Huitong District');
    expect(codes((await listOrgUnits(db(), { kinds: ['department'] })).items)).toEqual(numbered('D', 1, 47));
    expect(codes((await listOrgUnits(db(), { kinds: ['town', 'street'] })).items)).toEqual(numbered('T', 1, 23));
    expect(codes((await listOrgUnits(db(), { kinds: ['service_centre'], parentCode: 'HT' })).items)).toEqual(['C00']);
    for (const [index, centre] of numbered('C', 1, 23).entries()) {
      expect(codes(await orgPath(db(), centre))).toEqual(['HT', numbered('T', 1, 23)[index]]);
    }
    expect(await getOrgUnit(db(), 'D01')).toMatchObject({ nameZh: '汇通区人民政府办公室', shortNameZh: '区政府办' });
    expect(await getOrgUnit(db(), 'C01')).toMatchObject({ nameZh: '通衢街道社区事务受理服务中心' });
  });

  it('changes nothing on a second run, and puts back a demo unit someone edited', async () => {
    await seedDemoOrganisation(testDatabase.database);
    const again = await seedDemoOrganisation(testDatabase.database);
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 95 });

    const education = await getOrgUnit(db(), 'D03');
    await upsertOrgUnit(db(), { ...education, nameZh: '改过的名字' });
    expect(await seedDemoOrganisation(testDatabase.database)).toMatchObject({ created: 0, updated: 1, unchanged: 94 });
    expect((await getOrgUnit(db(), 'D03')).nameZh).toBe('汇通区教育局');
  });

  it('audits each run that changed something, as the system actor', async () => {
    // The audit log is append-only, so earlier tests' runs are still in it: count what this one adds.
    const seeds = async () => (await listAudit(db(), { action: 'directory.org_unit.seed_demo', limit: 500 })).entries;
    const before = (await seeds()).length;
    await seedDemoOrganisation(testDatabase.database);
    await seedDemoOrganisation(testDatabase.database);
    const entries = await seeds();
    expect(entries).toHaveLength(before + 1);
    expect(entries[0]).toMatchObject({ actorType: 'system', outcome: 'success', details: { created: 95, updated: 0 } });
  });

  it('refuses to mix the demo into a directory that has another district, and writes nothing', async () => {
    await upsertOrgUnit(db(), makeOrgUnit({ code: 'XX', parentCode: null, kind: 'district' }));
    await expect(seedDemoOrganisation(testDatabase.database)).rejects.toBeInstanceOf(ConflictError);
    expect(codes((await listOrgUnits(db())).items)).toEqual(['XX']);
  });

  it('reports progress up to every unit', async () => {
    const seen: Array<{ done: number; total: number }> = [];
    await seedDemoOrganisation(testDatabase.database, { onProgress: (progress) => seen.push(progress) });
    expect(seen[0]).toEqual({ done: 0, total: 95 });
    expect(seen.at(-1)).toEqual({ done: 95, total: 95 });
    expect(seen.map((progress) => progress.done)).toEqual(
      [...seen.map((progress) => progress.done)].sort((a, b) => a - b),
    );
  });
});

describe('huitong seed', () => {
  // A database of its own: the command also seeds staff, whose posts and append-only history would
  // keep the other tests from clearing the org tree.
  let seedDatabase: TestDatabase;
  beforeAll(async () => {
    seedDatabase = await createTestDatabase();
  });
  afterAll(() => seedDatabase.drop());

  /** The command closes what it opens: hand it a view of the test database whose close does nothing. */
  const run = async (...args: string[]) => {
    const output: string[] = [];
    const errors: string[] = [];
    const database: Database = { ...seedDatabase.database, close: async () => {} };
    const command = seedCommand(async () => database)
      .exitOverride()
      .configureOutput({ writeOut: (text) => output.push(text), writeErr: (text) => errors.push(text) });
    let exitCode = 0;
    try {
      await command.parseAsync(args, { from: 'user' });
    } catch (error) {
      exitCode = (error as { exitCode: number }).exitCode;
    }
    return { exitCode, output: output.join(''), errors: errors.join('') };
  };

  it('seeds the demo with --demo and prints a summary in Chinese and English', async () => {
    const first = await run('--demo');
    expect(first.exitCode).toBe(0);
    expect(first.output).toContain(
      '演示区“汇通区”：共 95 个机构（47 个部门、23 个镇和街道、24 个服务中心）；新增 95，更新 0，未变 0。',
    );
    expect(first.output).toContain('Demo district "Huitong District"');
    expect(first.output).toContain('95 created, 0 updated, 0 unchanged');
    expect(first.output).toContain('Demo staff: 312 people; 312 created, 0 updated, 0 unchanged.');
    const second = (await run('--demo')).output;
    expect(second).toContain('0 created, 0 updated, 95 unchanged');
    expect(second).toContain('312 people; 0 created, 0 updated, 312 unchanged');
  });

  it('explains there is nothing else to seed and exits 2 without --demo', async () => {
    const result = await run();
    expect(result.exitCode).toBe(2);
    expect(result.errors).toContain('huitong seed --demo');
    expect((await listOrgUnits(db())).total).toBe(0);
  });
});
