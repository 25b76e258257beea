/** The data standards' domain types: standards, their versions, code lists and data elements. */

export const EXCHANGE_READ = 'exchange.read';
export const EXCHANGE_MANAGE = 'exchange.manage';

export const CLASSIFICATIONS = ['public', 'internal', 'sensitive', 'classified'] as const;
/** `sensitive` is personal data; `sensitive` and `classified` never reach an external-zone member. */
export type Classification = (typeof CLASSIFICATIONS)[number];

export const VERSION_STATUSES = ['draft', 'published', 'deprecated'] as const;
/** draft → published (immutable from then on) → deprecated (still immutable, still valid). */
export type VersionStatus = (typeof VERSION_STATUSES)[number];

/** A schema larger than this is a data dump, not a standard; it also bounds compile time. */
export const MAX_SCHEMA_BYTES = 256 * 1024;
export const MAX_NAME_LENGTH = 200;
export const MAX_DESCRIPTION_LENGTH = 4000;
export const MAX_CHANGE_NOTE_LENGTH = 4000;

export interface Standard {
  code: string;
  nameZh: string;
  nameEn: string;
  description: string | null;
  ownerOrgUnitCode: string;
  classification: Classification;
  createdAt: Date;
  updatedAt: Date;
}

export interface StandardInput {
  code: string;
  nameZh: string;
  nameEn: string;
  description?: string | null;
  ownerOrgUnitCode: string;
  classification: Classification;
}

export interface StandardVersionSummary {
  version: number;
  status: VersionStatus;
  publishedAt: Date | null;
  deprecatedAt: Date | null;
  breaking: boolean | null;
}

export interface StandardVersion extends StandardVersionSummary {
  standardCode: string;
  schema: Record<string, unknown>;
  changeNote: string | null;
  compatibility: CompatibilityChange[] | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface StandardWithVersions extends Standard {
  versions: StandardVersionSummary[];
}

export interface DraftInput {
  schema: unknown;
  changeNote?: string | null;
}

/** The CloudEvents-facing view of a published version: what publishers and the router need. */
export interface PublishedStandard {
  code: string;
  version: number;
  nameZh: string;
  nameEn: string;
  ownerOrgUnitCode: string;
  classification: Classification;
  schema: Record<string, unknown>;
}

export const CHANGE_KINDS = [
  'property_removed',
  'property_added',
  'property_required',
  'property_optional',
  'type_changed',
  'type_narrowed',
  'type_widened',
  'enum_values_removed',
  'enum_values_added',
  'enum_added',
  'enum_removed',
  'code_list_added',
  'code_list_changed',
  'code_list_removed',
  'limit_tightened',
  'limit_loosened',
  'pattern_changed',
  'pattern_removed',
  'format_changed',
  'format_removed',
  'const_changed',
  'additional_properties_closed',
  'additional_properties_opened',
  'composition_changed',
] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/** One difference between two versions, from the point of view of whoever used the previous one. */
export interface CompatibilityChange {
  /** A JSON Pointer into the payload; `*` stands for every item of an array. */
  path: string;
  change: ChangeKind;
  breaking: boolean;
  message: { zh: string; en: string };
}

export interface CompatibilityReport {
  standardCode: string;
  version: number;
  /** The published version compared against; null for the first version. */
  previousVersion: number | null;
  breaking: boolean;
  changes: CompatibilityChange[];
}

/** Code list ids: the standard's number, lower case, runs of anything else made one hyphen. */
export const CODE_LIST_ID_PATTERN = /^[a-z0-9]+([.-][a-z0-9]+)*$/;
export const MAX_CODE_LIST_ID_LENGTH = 60;
export const MAX_CODE_LIST_ENTRIES = 20_000;

export interface CodeList {
  id: string;
  nameZh: string;
  nameEn: string;
  source: string | null;
  description: string | null;
  entryCount: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface CodeListEntry {
  value: string;
  labelZh: string;
  labelEn: string | null;
  parentValue: string | null;
}

export interface CodeListInput {
  /** Derived from `source` when absent: `GB/T 2261.1` → `gb-t-2261.1`. */
  id?: string | undefined;
  nameZh: string;
  nameEn: string;
  source?: string | null;
  description?: string | null;
  entries: CodeListEntry[];
}

export const DATA_ELEMENT_ID_PATTERN = /^DE[0-9]{5}$/;
export const DATA_TYPES = ['string', 'integer', 'number', 'boolean', 'object', 'array'] as const;
export type DataType = (typeof DATA_TYPES)[number];

export interface DataElement {
  id: string;
  nameZh: string;
  nameEn: string;
  definitionZh: string | null;
  definitionEn: string | null;
  dataType: DataType;
  format: string | null;
  codeListId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export type DataElementInput = Omit<
  DataElement,
  'createdAt' | 'updatedAt' | 'definitionZh' | 'definitionEn' | 'format' | 'codeListId'
> & {
  definitionZh?: string | null;
  definitionEn?: string | null;
  format?: string | null;
  codeListId?: string | null;
};

/**
 * A code list id from the standard's number.
 * @example codeListIdOf('GB/T 2261.1') // 'gb-t-2261.1'
 * @example codeListIdOf('GB/T 2260-2007') // 'gb-t-2260-2007'
 */
export function codeListIdOf(source: string): string {
  return source
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^a-z0-9.]+/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/^[-.]+|[-.]+$/g, '')
    .replace(/-?\.-?/g, '.');
}
