/**
 * The directory module's public face: the organisation tree every module scopes by, its HTTP routes,
 * and the demo district with its `seed` command. Other code imports the directory from here only.
 */
export { type DemoSeedReport, seedDemoOrganisation } from './demo-seed.service.js';
export {
  ORG_UNIT_CODE_PATTERN,
  ORG_UNIT_KINDS,
  ORG_UNIT_STATUSES,
  type OrgUnit,
  type OrgUnitChange,
  type OrgUnitFields,
  type OrgUnitInput,
  type OrgUnitKind,
  type OrgUnitStatus,
  PARENT_KINDS,
} from './org-unit.js';
export { directoryRoutes } from './org-unit.routes.js';
export {
  getOrgUnit,
  listOrgUnits,
  type OrgUnitList,
  type OrgUnitQuery,
  orgPath,
  orgSubtree,
  type UpsertProgress,
  type UpsertReport,
  upsertOrgUnit,
  upsertOrgUnits,
} from './org-unit.service.js';
export { seedCommand } from './seed.command.js';
