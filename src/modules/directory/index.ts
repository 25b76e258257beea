/**
 * The directory module's public face: the organisation tree every module scopes by, its HTTP routes,
 * the people and their posts (with the staff CSV import), and the demo district and staff with the
 * `seed` command. Other code imports the directory from here only.
 */
export { type DemoSeedReport, seedDemoOrganisation } from './demo-seed.service.js';
export { type DemoStaffReport, seedDemoStaff } from './demo-staff-seed.service.js';
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
export {
  type Actor,
  PERSON_CHANGED_EVENT,
  PERSON_STATUSES,
  type Person,
  type PersonChange,
  type PersonChangedEvent,
  type PersonInput,
  type PersonPatch,
  type PersonStatus,
  type Post,
  type PostInput,
} from './person.js';
export {
  createPerson,
  findPersonByStaffNo,
  getPerson,
  listPeople,
  type PeopleList,
  type PeopleQuery,
  updatePerson,
} from './person.service.js';
export { assignPost, endPost, setPrimaryPost } from './post.service.js';
export { seedCommand } from './seed.command.js';
export {
  importStaffCsv,
  importStaffRows,
  STAFF_COLUMNS,
  type StaffImportError,
  type StaffImportOptions,
  type StaffImportProgress,
  type StaffImportReport,
  type StaffRow,
} from './staff-import.service.js';
