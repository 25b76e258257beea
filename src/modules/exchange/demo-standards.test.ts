import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { seedDemoOrganisation } from '../directory/index.js';
import { DEMO_STANDARDS, seedDemoStandards } from './demo-standards.js';
import { payloadValidator, publishedStandard } from './standard-validator.js';

let test: TestDatabase;
const db = () => test.database.kysely;

beforeAll(async () => {
  test = await createTestDatabase();
  await seedDemoOrganisation(test.database);
});
afterAll(() => test.drop());

describe('the demo standards', () => {
  it('seeds four published standards once, and a second run changes nothing', async () => {
    expect(await seedDemoStandards(db())).toEqual({ codeLists: 2, dataElements: 23, standards: 4, published: 4 });
    expect(await seedDemoStandards(db())).toEqual({ codeLists: 0, dataElements: 0, standards: 0, published: 0 });
    for (const { code, classification, ownerOrgUnitCode } of DEMO_STANDARDS) {
      expect(await publishedStandard(db(), code, 1)).toMatchObject({
        code,
        version: 1,
        classification,
        ownerOrgUnitCode,
      });
    }
  });

  it('accepts a realistic resident and refuses a wrong one field by field, never echoing values', async () => {
    const validate = (await payloadValidator(db(), 'population-basic', 1))!;
    const resident = {
      idNumber: '11010519491231002X',
      name: '王丽',
      sex: '2',
      birthDate: '1949-12-31',
      domicileDivision: '110105',
      mobile: '13800138000',
    };
    expect(validate(resident)).toEqual([]);
    const errors = validate({
      ...resident,
      idNumber: '110105194912310021',
      sex: '3',
      domicileDivision: '990000',
      extra: 1,
    });
    expect(errors.map((error) => `${error.pointer} ${error.reason}`).sort()).toEqual([
      '/data/domicileDivision not_in_code_list',
      '/data/extra unknown_field',
      '/data/idNumber format',
      '/data/sex not_in_code_list',
    ]);
    expect(JSON.stringify(errors)).not.toMatch(/110105194912310021|990000/);
  });

  it('validates GeoJSON points and polygons, legal persons and cases', async () => {
    const geo = (await payloadValidator(db(), 'geo-feature', 1))!;
    const feature = (geometry: unknown) => ({
      type: 'Feature',
      id: 'B-0001',
      geometry,
      properties: { name: '汇通区行政服务中心', featureClass: 'building', division: '110105' },
    });
    expect(geo(feature({ type: 'Point', coordinates: [116.45, 39.92] }))).toEqual([]);
    const ring = [
      [116.4, 39.9],
      [116.5, 39.9],
      [116.5, 40],
      [116.4, 39.9],
    ];
    expect(geo(feature({ type: 'Polygon', coordinates: [ring] }))).toEqual([]);
    expect(geo(feature({ type: 'Point', coordinates: [200, 39.92] })).length).toBeGreaterThan(0);
    expect(geo(feature({ type: 'LineString', coordinates: [] })).length).toBeGreaterThan(0);

    const legal = (await payloadValidator(db(), 'legal-person-basic', 1))!;
    expect(
      legal({
        creditCode: '91440300708461136T',
        name: '汇通科技有限公司',
        legalRepresentative: '李明',
        establishedOn: '2019-05-20',
        registeredCapital: 500,
        status: 'active',
        registeredDivision: '440305',
      }),
    ).toEqual([]);

    const cases = (await payloadValidator(db(), 'case-record', 1))!;
    const errors = cases({
      caseNumber: 'HT-20260101-0001',
      serviceItemCode: '11310105MB2F1234',
      serviceItemName: '居住证办理',
      applicant: { kind: 'citizen', name: '王丽' },
      acceptedAt: '2026-01-05T09:30:00+08:00',
      status: 'accepted',
      acceptingUnit: 'C00',
    });
    expect(errors).toEqual([expect.objectContaining({ pointer: '/data/applicant/identifier', reason: 'required' })]);
  });
});
