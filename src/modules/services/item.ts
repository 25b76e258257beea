/**
 * The service catalogue's domain types: an item (政务服务事项) as a national implementation list
 * (国家政务服务事项实施清单) carries it, and its versions.
 */

export const SERVICES_MANAGE = 'services.manage';

/**
 * The kinds of item, with the two-digit type code the implementation code carries after the
 * handling body's credit code (docs/services.md).
 */
export const ITEM_TYPES = {
  administrative_licence: { typeCode: '01' },
  administrative_levy: { typeCode: '04' },
  administrative_payment: { typeCode: '05' },
  administrative_confirmation: { typeCode: '07' },
  administrative_reward: { typeCode: '08' },
  administrative_ruling: { typeCode: '09' },
  other_administrative_power: { typeCode: '10' },
  public_service: { typeCode: '20' },
} as const;
export type ItemType = keyof typeof ITEM_TYPES;
export const ITEM_TYPE_NAMES = Object.keys(ITEM_TYPES) as ItemType[];

/**
 * 实施编码: the handling body's unified social credit code (GB 32100, 18 characters), a hyphen, the
 * two-digit type code, a five-digit main item and a three-digit sub-item.
 * @example ITEM_CODE_PATTERN.test('11110105MB0000000X-0100001000') // true
 */
export const ITEM_CODE_PATTERN = /^[0-9A-HJ-NPQRTUWXY]{18}-(01|04|05|07|08|09|10|20)[0-9]{8}$/;

export const VERSION_STATUSES = ['draft', 'published', 'superseded', 'withdrawn'] as const;
/** draft → published (fixed from then on) → superseded by a later version, or withdrawn from the portal. */
export type VersionStatus = (typeof VERSION_STATUSES)[number];

export const MATERIAL_FORMS = ['original', 'copy'] as const;
export type MaterialForm = (typeof MATERIAL_FORMS)[number];

export const RESULT_KINDS = ['certificate', 'decision'] as const;
export type ResultKind = (typeof RESULT_KINDS)[number];

/** Limits of one item's content: a national list's longest entries fit well within them. */
export const LIMITS = {
  nameZh: 200,
  nameEn: 300,
  text: 4000,
  legalBasis: 50,
  materials: 100,
  fees: 30,
  centres: 100,
  copies: 99,
  limitDays: 3650,
  /** ¥10,000,000 in fen: no fee of a district's items comes near. */
  amountFen: 1_000_000_000,
  formBytes: 64 * 1024,
} as const;

export interface Material {
  nameZh: string;
  nameEn: string;
  form: MaterialForm;
  copies: number;
  electronicAccepted: boolean;
  required: boolean;
  /** SHA-256 of a filled-in sample in the blob store, when there is one. */
  sampleSha256: string | null;
  note: string | null;
}

export interface Fee {
  nameZh: string;
  nameEn: string;
  /** In fen (分), so amounts add up exactly. */
  amountFen: number;
  /** The document that sets the fee. */
  basis: string;
}

export interface Channels {
  online: boolean;
  /** At any of the district's service centres. */
  anyCentre: boolean;
  /** Only at these centres (directory codes C00, C01…); empty when `anyCentre`. */
  centreCodes: string[];
}

export interface ItemResult {
  kind: ResultKind;
  nameZh: string;
  nameEn: string;
}

/** What an item says: the content of one version. */
export interface ItemContent {
  nameZh: string;
  nameEn: string;
  type: ItemType;
  departmentCode: string;
  legalBasis: string[];
  conditions: string;
  materials: Material[];
  statutoryLimitDays: number;
  promisedLimitDays: number;
  /** Empty: free of charge. */
  fees: Fee[];
  channels: Channels;
  result: ItemResult;
  /** The application form, a JSON Schema 2020-12 object schema (see item-form.ts). */
  form: Record<string, unknown>;
}

export interface ItemVersion extends ItemContent {
  code: string;
  version: number;
  status: VersionStatus;
  publishedAt: Date | null;
  withdrawnAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface ItemVersionSummary {
  version: number;
  status: VersionStatus;
  publishedAt: Date | null;
  withdrawnAt: Date | null;
  updatedAt: Date;
}

/** One line of the public list: the published version without its details. */
export interface ItemSummary {
  code: string;
  version: number;
  nameZh: string;
  nameEn: string;
  type: ItemType;
  departmentCode: string;
  channels: Channels;
  statutoryLimitDays: number;
  promisedLimitDays: number;
  publishedAt: Date;
}

export interface ItemFilter {
  /** Name (zh or en) contains this. */
  q?: string | undefined;
  department?: string | undefined;
  type?: ItemType | undefined;
  online?: boolean | undefined;
  /** Can be handled at this centre: at any centre, or this one is named. */
  centre?: string | undefined;
}

export interface ItemPage {
  items: ItemSummary[];
  total: number;
  limit: number;
  offset: number;
}

export const DEFAULT_PAGE_LIMIT = 20;
export const MAX_PAGE_LIMIT = 100;
