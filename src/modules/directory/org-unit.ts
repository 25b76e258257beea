/**
 * An organisation unit of the district: the district itself (the root of the tree), its departments,
 * towns and streets, service centres and the offices inside any of them. Other systems and people
 * refer to a unit by its stable `code`; the uuid `id` stays inside the database.
 */

export const ORG_UNIT_KINDS = ['district', 'department', 'town', 'street', 'service_centre', 'office'] as const;
export type OrgUnitKind = (typeof ORG_UNIT_KINDS)[number];

export const ORG_UNIT_STATUSES = ['active', 'dissolved'] as const;
export type OrgUnitStatus = (typeof ORG_UNIT_STATUSES)[number];

/** Upper-case letters, digits and hyphens, starting with a letter, 2 to 32 long: `HT`, `D07`, `C12-A`. */
export const ORG_UNIT_CODE_PATTERN = /^[A-Z][A-Z0-9-]{1,31}$/;

/**
 * Which kinds a unit of each kind may hang under. The district is the root. A service centre serves
 * the district (the district centre) or one town or street (its community affairs centre, the "23" of
 * "1+23"); offices are sections inside any unit.
 */
export const PARENT_KINDS: Readonly<Record<OrgUnitKind, readonly OrgUnitKind[]>> = {
  district: [],
  department: ['district'],
  town: ['district'],
  street: ['district'],
  service_centre: ['district', 'town', 'street'],
  office: ['district', 'department', 'town', 'street', 'service_centre', 'office'],
};

/** A civil date, `YYYY-MM-DD`. */
export type IsoDate = string;

/** What a unit is, independent of where it is stored. */
export interface OrgUnitFields {
  code: string;
  /** The parent's code; null only for the district (the root). */
  parentCode: string | null;
  kind: OrgUnitKind;
  nameZh: string;
  nameEn: string;
  shortNameZh: string | null;
  /** Position among its siblings, smallest first. */
  sortOrder: number;
  status: OrgUnitStatus;
  /** The day the unit came into being in its current form. */
  validFrom: IsoDate;
}

/** A unit as stored. */
export interface OrgUnit extends OrgUnitFields {
  id: string;
  createdAt: Date;
  updatedAt: Date;
}

/** A unit to create or replace, by code. Omitted optional fields take their defaults (no short name, 0, active). */
export type OrgUnitInput = Omit<OrgUnitFields, 'shortNameZh' | 'sortOrder' | 'status'> &
  Partial<Pick<OrgUnitFields, 'shortNameZh' | 'sortOrder' | 'status'>>;

/** What an upsert did to one unit. */
export type OrgUnitChange = 'created' | 'updated' | 'unchanged';
