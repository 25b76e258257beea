/** Stored units → the API's shapes: codes instead of ids, dates as ISO strings. */
import type { OrgUnit } from './org-unit.js';
import type { OrgUnitDetail, OrgUnitView } from './org-unit.schema.js';

export function presentOrgUnit(unit: OrgUnit): OrgUnitView {
  return {
    code: unit.code,
    parentCode: unit.parentCode,
    kind: unit.kind,
    nameZh: unit.nameZh,
    nameEn: unit.nameEn,
    shortNameZh: unit.shortNameZh,
    sortOrder: unit.sortOrder,
    status: unit.status,
    validFrom: unit.validFrom,
    updatedAt: unit.updatedAt.toISOString(),
  };
}

export function presentOrgUnitDetail(unit: OrgUnit, ancestors: readonly OrgUnit[]): OrgUnitDetail {
  return {
    ...presentOrgUnit(unit),
    path: ancestors.map(({ code, kind, nameZh, nameEn }) => ({ code, kind, nameZh, nameEn })),
  };
}
