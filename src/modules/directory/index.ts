/**
 * The directory module's public face: the organisation tree every module scopes by, its HTTP routes
 * (the public org-unit API, and the staff API for people, posts and imports), the people and their
 * posts with permission checks through the platform's Policy, the staff import from CSV or XLSX (with
 * its command), and the demo district and staff with the `seed` command. Other code imports the
 * directory from here only.
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
export { personRoutes, type StaffRoutesDeps } from './person.routes.js';
export {
  createPerson,
  findPersonByStaffNo,
  getPerson,
  getPersonAs,
  listPeople,
  listPeopleAs,
  type NewPerson,
  type PeopleList,
  type PeopleQuery,
  type PeopleSeenList,
  type PersonSeen,
  personHistoryAs,
  updatePerson,
} from './person.service.js';
export {
  type Acting,
  DIRECTORY_MANAGE,
  DIRECTORY_READ,
  reachOf,
  type UnitReach,
  unitsOfPerson,
} from './person-access.js';
export { assignPost, endPost, getPost, setPrimaryPost } from './post.service.js';
export { seedCommand } from './seed.command.js';
export { directoryImportCommand, type ImportCommandOutput } from './staff-import.command.js';
export { staffImportRoutes } from './staff-import.routes.js';
export {
  importStaffCsv,
  importStaffFile,
  importStaffRows,
  importStaffXlsx,
  MAX_STAFF_FILE_BYTES,
  STAFF_COLUMNS,
  type StaffFileFormat,
  type StaffImportError,
  type StaffImportOptions,
  type StaffImportProgress,
  type StaffImportReport,
  type StaffRow,
  staffFileFormatOf,
} from './staff-import.service.js';
export { SYSTEM_ONLY_POLICY } from './system-only-policy.js';
