/** Organisation units for tests: one unit with sensible defaults, and a small district to build on. */
import type { OrgUnitInput } from '../../src/modules/directory/index.js';

/**
 * A department of the test district unless told otherwise.
 * @example makeOrgUnit({ code: 'XT9', kind: 'town', nameZh: '九镇' })
 */
export function makeOrgUnit(overrides: Partial<OrgUnitInput> & { code: string }): OrgUnitInput {
  return {
    parentCode: 'XX',
    kind: 'department',
    nameZh: `测试机构${overrides.code}`,
    nameEn: `Test unit ${overrides.code}`,
    validFrom: '2020-01-01',
    ...overrides,
  };
}

/**
 * 测试区 (XX): two departments, a street and a town, and the 1+2 service centres.
 * Sort orders put XD2 before XD1, so ordering by sort order is visible.
 */
export function smallDistrict(): OrgUnitInput[] {
  return [
    makeOrgUnit({ code: 'XX', parentCode: null, kind: 'district', nameZh: '测试区', nameEn: 'Test District' }),
    makeOrgUnit({ code: 'XD1', nameZh: '测试区教育局', nameEn: 'Test District Education Bureau', sortOrder: 2 }),
    makeOrgUnit({ code: 'XD2', nameZh: '测试区民政局', nameEn: 'Test District Civil Affairs Bureau', sortOrder: 1 }),
    makeOrgUnit({ code: 'XT1', kind: 'street', nameZh: '东街道', nameEn: 'East Subdistrict', sortOrder: 1 }),
    makeOrgUnit({ code: 'XT2', kind: 'town', nameZh: '西镇', nameEn: 'West Town', sortOrder: 2 }),
    makeOrgUnit({
      code: 'XC0',
      kind: 'service_centre',
      nameZh: '测试区行政服务中心',
      nameEn: 'Test District Service Centre',
    }),
    makeOrgUnit({
      code: 'XC1',
      parentCode: 'XT1',
      kind: 'service_centre',
      nameZh: '东街道社区事务受理服务中心',
      nameEn: 'East Centre',
    }),
    makeOrgUnit({
      code: 'XC2',
      parentCode: 'XT2',
      kind: 'service_centre',
      nameZh: '西镇社区事务受理服务中心',
      nameEn: 'West Centre',
    }),
  ];
}
