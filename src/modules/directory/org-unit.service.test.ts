import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { makeOrgUnit, smallDistrict } from '../../../test/support/org-units.js';
import { ConflictError, type DomainError, NotFoundError, ValidationError } from '../../platform/errors.js';
import { getOrgUnit, listOrgUnits, orgPath, orgSubtree, upsertOrgUnit, upsertOrgUnits } from './org-unit.service.js';

let testDatabase: TestDatabase;
const codes = (units: ReadonlyArray<{ code: string }>) => units.map((unit) => unit.code);
const db = () => testDatabase.database.kysely;
const fromSmallDistrict = (code: string) => smallDistrict().find((unit) => unit.code === code)!;

/** The error a promise rejects with, to assert on its code and fields. */
async function failure(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    return error as DomainError;
  }
  throw new Error('expected the promise to reject');
}

beforeAll(async () => {
  testDatabase = await createTestDatabase();
});
beforeEach(async () => {
  // One statement, so the parent references are checked once all rows are gone.
  await sql`delete from directory.org_unit`.execute(db());
  await upsertOrgUnits(db(), smallDistrict());
});
afterAll(() => testDatabase.drop());

describe('reading the tree', () => {
  it('lists units by sort order then code, filtered by kind, parent and status', async () => {
    expect(codes((await listOrgUnits(db())).items)).toEqual(['XC0', 'XC1', 'XC2', 'XX', 'XD2', 'XT1', 'XD1', 'XT2']);
    const places = await listOrgUnits(db(), { kinds: ['town', 'street'] });
    expect(codes(places.items)).toEqual(['XT1', 'XT2']);
    expect(codes((await listOrgUnits(db(), { parentCode: 'XT1' })).items)).toEqual(['XC1']);
    expect((await listOrgUnits(db(), { parentCode: 'NOPE' })).items).toEqual([]);
    expect(codes((await listOrgUnits(db(), { status: 'dissolved' })).items)).toEqual([]);
  });

  it('pages with a total that ignores the page', async () => {
    const page = await listOrgUnits(db(), { kinds: ['department', 'town', 'street'], limit: 2, offset: 1 });
    expect(codes(page.items)).toEqual(['XT1', 'XD1']);
    expect(page.total).toBe(4);
  });

  it('gets one unit with its parent code, and refuses an unknown code', async () => {
    const centre = await getOrgUnit(db(), 'XC1');
    expect(centre).toMatchObject({ code: 'XC1', parentCode: 'XT1', kind: 'service_centre', validFrom: '2020-01-01' });
    const error = await failure(getOrgUnit(db(), 'NOPE'));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.code).toBe('directory.org_unit_not_found');
  });

  it('walks a subtree in pre-order: each unit before its children, siblings by sort order', async () => {
    await upsertOrgUnits(db(), [
      makeOrgUnit({ code: 'XO1', parentCode: 'XT1', kind: 'office', sortOrder: 5 }),
      makeOrgUnit({ code: 'XO2', parentCode: 'XO1', kind: 'office' }),
    ]);
    expect(codes(await orgSubtree(db(), 'XT1'))).toEqual(['XT1', 'XC1', 'XO1', 'XO2']);
    expect(codes(await orgSubtree(db(), 'XX'))).toEqual([
      'XX',
      'XC0',
      'XD2',
      'XT1',
      'XC1',
      'XO1',
      'XO2',
      'XD1',
      'XT2',
      'XC2',
    ]);
    expect(codes(await orgSubtree(db(), 'XC2'))).toEqual(['XC2']);
    expect(await failure(orgSubtree(db(), 'NOPE'))).toBeInstanceOf(NotFoundError);
  });

  it('gives the path from the district down to the parent', async () => {
    expect(codes(await orgPath(db(), 'XC1'))).toEqual(['XX', 'XT1']);
    expect(codes(await orgPath(db(), 'XD1'))).toEqual(['XX']);
    expect(await orgPath(db(), 'XX')).toEqual([]);
    expect(await failure(orgPath(db(), 'NOPE'))).toBeInstanceOf(NotFoundError);
  });
});

describe('writing the tree', () => {
  it('creates, updates and recognises an unchanged unit', async () => {
    const input = makeOrgUnit({ code: 'XD3', nameZh: '  测试区审计局 ', shortNameZh: '区审计局' });
    const created = await upsertOrgUnit(db(), input);
    expect(created.change).toBe('created');
    expect(created.unit).toMatchObject({ nameZh: '测试区审计局', status: 'active', sortOrder: 0 });
    expect((await upsertOrgUnit(db(), input)).change).toBe('unchanged');
    const renamed = await upsertOrgUnit(db(), { ...input, nameEn: 'Test District Audit Office' });
    expect(renamed.change).toBe('updated');
    expect(renamed.unit.id).toBe(created.unit.id);
    expect((await getOrgUnit(db(), 'XD3')).nameEn).toBe('Test District Audit Office');
  });

  it('moves a unit to another parent', async () => {
    await upsertOrgUnit(db(), makeOrgUnit({ code: 'XO1', parentCode: 'XD1', kind: 'office' }));
    await upsertOrgUnit(db(), makeOrgUnit({ code: 'XO1', parentCode: 'XD2', kind: 'office' }));
    expect(codes(await orgPath(db(), 'XO1'))).toEqual(['XX', 'XD2']);
  });

  it('takes a batch whose parents come later in the list', async () => {
    const report = await upsertOrgUnits(db(), [
      makeOrgUnit({ code: 'XC3', parentCode: 'XT3', kind: 'service_centre' }),
      makeOrgUnit({ code: 'XT3', kind: 'town' }),
    ]);
    expect(report).toEqual({ created: 2, updated: 0, unchanged: 0 });
    expect(codes(await orgPath(db(), 'XC3'))).toEqual(['XX', 'XT3']);
  });

  it('names every field that is wrong', async () => {
    const error = await failure(
      upsertOrgUnit(db(), makeOrgUnit({ code: 'x-1', nameZh: ' ', sortOrder: -1, validFrom: '2023-02-30' })),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.code).toBe('directory.org_unit_invalid');
    const pointers = (error as ValidationError).fields.map((field) => field.pointer).sort();
    expect(pointers).toEqual(['/code', '/nameZh', '/sortOrder', '/validFrom']);
  });

  it('points into the list when a batch has an error, e.g. a code twice', async () => {
    const error = await failure(upsertOrgUnits(db(), [makeOrgUnit({ code: 'XD8' }), makeOrgUnit({ code: 'XD8' })]));
    expect((error as ValidationError).fields).toEqual([{ pointer: '/1/code', reason: 'duplicate' }]);
  });

  it('refuses a missing parent, and a parent for the district or none for anything else', async () => {
    const missing = await failure(upsertOrgUnit(db(), makeOrgUnit({ code: 'XD9', parentCode: 'NOPE' })));
    expect(missing.code).toBe('directory.parent_not_found');
    expect((missing as ValidationError).fields).toEqual([{ pointer: '/parentCode', reason: 'not_found' }]);
    const orphan = await failure(upsertOrgUnit(db(), makeOrgUnit({ code: 'XD9', parentCode: null })));
    expect((orphan as ValidationError).fields).toEqual([{ pointer: '/parentCode', reason: 'required' }]);
    const rootWithParent = await failure(upsertOrgUnit(db(), makeOrgUnit({ code: 'XX', kind: 'district' })));
    expect((rootWithParent as ValidationError).fields).toEqual([{ pointer: '/parentCode', reason: 'must_be_null' }]);
  });

  it('refuses a second district', async () => {
    const error = await failure(
      upsertOrgUnit(db(), makeOrgUnit({ code: 'YY', parentCode: null, kind: 'district', nameZh: '另一区' })),
    );
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ code: 'directory.root_exists', params: { rootCode: 'XX' } });
  });

  it('keeps kinds compatible: a service centre under the district, a town or a street only', async () => {
    const underDepartment = await failure(
      upsertOrgUnit(db(), makeOrgUnit({ code: 'XC9', parentCode: 'XD1', kind: 'service_centre' })),
    );
    expect(underDepartment).toMatchObject({
      code: 'directory.parent_kind_mismatch',
      params: { kind: 'service_centre', parentKind: 'department' },
    });
    const townUnderTown = await failure(
      upsertOrgUnit(db(), makeOrgUnit({ code: 'XT9', parentCode: 'XT1', kind: 'town' })),
    );
    expect(townUnderTown.code).toBe('directory.parent_kind_mismatch');
    expect(
      (await upsertOrgUnit(db(), makeOrgUnit({ code: 'XC9', parentCode: 'XX', kind: 'service_centre' }))).change,
    ).toBe('created');
  });

  it('refuses to change a kind its children cannot hang under', async () => {
    // XT1 has a service centre; a department cannot.
    const error = await failure(upsertOrgUnit(db(), { ...fromSmallDistrict('XT1'), kind: 'department' }));
    expect(error).toMatchObject({ code: 'directory.children_kind_mismatch', params: { childCode: 'XC1' } });
    expect((await getOrgUnit(db(), 'XT1')).kind).toBe('street');
  });

  it('refuses a move that would make a cycle, and leaves the tree as it was', async () => {
    await upsertOrgUnits(db(), [
      makeOrgUnit({ code: 'XO1', parentCode: 'XD1', kind: 'office' }),
      makeOrgUnit({ code: 'XO2', parentCode: 'XO1', kind: 'office' }),
      makeOrgUnit({ code: 'XO3', parentCode: 'XO2', kind: 'office' }),
    ]);
    const error = await failure(upsertOrgUnit(db(), makeOrgUnit({ code: 'XO1', parentCode: 'XO3', kind: 'office' })));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.code).toBe('directory.org_unit_cycle');
    expect((error as ValidationError).fields).toEqual([{ pointer: '/parentCode', reason: 'cycle' }]);
    const self = await failure(upsertOrgUnit(db(), makeOrgUnit({ code: 'XO1', parentCode: 'XO1', kind: 'office' })));
    expect(self.code).toBe('directory.org_unit_cycle');
    expect(codes(await orgPath(db(), 'XO3'))).toEqual(['XX', 'XD1', 'XO1', 'XO2']);
  });

  it('dissolves a unit only after its children, and keeps new units out of a dissolved one', async () => {
    const street = fromSmallDistrict('XT1');
    const blocked = await failure(upsertOrgUnit(db(), { ...street, status: 'dissolved' }));
    expect(blocked).toMatchObject({ code: 'directory.active_children', params: { childCode: 'XC1' } });
    await upsertOrgUnits(db(), [
      { ...fromSmallDistrict('XC1'), status: 'dissolved' },
      { ...street, status: 'dissolved' },
    ]);
    expect(codes((await listOrgUnits(db(), { status: 'dissolved' })).items)).toEqual(['XC1', 'XT1']);
    const underDissolved = await failure(
      upsertOrgUnit(db(), makeOrgUnit({ code: 'XO1', parentCode: 'XT1', kind: 'office' })),
    );
    expect(underDissolved.code).toBe('directory.parent_dissolved');
  });

  it('writes in the caller’s transaction, so the caller’s rollback undoes it', async () => {
    const { database } = testDatabase;
    await expect(
      database.transaction(async (tx) => {
        await upsertOrgUnit(tx, makeOrgUnit({ code: 'XD7' }));
        expect((await getOrgUnit(tx, 'XD7')).code).toBe('XD7');
        throw new Error('the caller changes its mind');
      }),
    ).rejects.toThrow('the caller changes its mind');
    expect(await failure(getOrgUnit(db(), 'XD7'))).toBeInstanceOf(NotFoundError);
  });
});
