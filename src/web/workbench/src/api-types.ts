/**
 * The JSON shapes of the platform's API as the workbench reads them, written out from the server's
 * TypeBox schemas (the `*.schema.ts` files of each module): the browser build cannot import server code.
 */

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export interface SessionView {
  id: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  ip: string | null;
  userAgent: string | null;
  secondFactor: boolean;
  current: boolean;
}

export interface Me {
  personId: string;
  username: string;
  maskedName: string;
  passwordChangedAt: string;
  secondFactorEnrolled: boolean;
  recoveryCodesLeft: number;
  session: SessionView | null;
}

export type OrgUnitKind = 'district' | 'department' | 'town' | 'street' | 'service_centre' | 'office';

export interface OrgUnit {
  code: string;
  parentCode: string | null;
  kind: OrgUnitKind;
  nameZh: string;
  nameEn: string;
  shortNameZh: string | null;
  sortOrder: number;
  status: 'active' | 'dissolved';
  validFrom: string;
  updatedAt: string;
}

export type PersonStatus = 'active' | 'suspended' | 'left';
export const PERSON_STATUSES: readonly PersonStatus[] = ['active', 'suspended', 'left'];

export interface PostView {
  id: string;
  orgUnitCode: string;
  orgUnitNameZh: string;
  title: string;
  isPrimary: boolean;
  validFrom: string;
  validTo: string | null;
}

export interface PersonView {
  id: string;
  staffNo: string;
  name: string;
  mobile: string | null;
  email: string | null;
  masked: boolean;
  status: PersonStatus;
  statusFrom: string;
  createdAt: string;
  updatedAt: string;
  posts: PostView[];
}

export interface HistoryEntry {
  id: number;
  at: string;
  change: string;
  changes: Array<{ field: string; from: string | boolean | null; to: string | boolean | null }>;
  actor: { type: string; id: string };
}

export interface ImportReport {
  dryRun: boolean;
  people: number;
  created: number;
  updated: number;
  unchanged: number;
}

export type Duty = 'system_admin' | 'security_admin' | 'security_auditor';

export interface RoleView {
  code: string;
  application: string | null;
  nameZh: string;
  nameEn: string;
  descriptionZh: string;
  descriptionEn: string;
  permissions: string[];
  duty: Duty | null;
  builtIn: boolean;
  updatedAt: string;
}

export interface ActorView {
  type: 'user' | 'system' | 'machine';
  id: string;
}

export type Grantee = { kind: 'person'; personId: string } | { kind: 'post'; orgUnitCode: string; title: string };

export interface GrantView {
  id: string;
  roleCode: string;
  grantee: Grantee;
  scopeOrgUnitCode: string;
  grantedBy: ActorView;
  grantedAt: string;
  revokedAt: string | null;
  revokedBy: ActorView | null;
  revokeReason: string | null;
}

export interface PermissionView {
  name: string;
  descriptionZh: string;
  descriptionEn: string;
}

export interface DecisionView {
  allowed: boolean;
  permission: string;
  orgUnitCode: string | null;
  reason: string;
  explanation: string;
  grants: Array<{ grantId: string; roleCode: string; scopeOrgUnitCode: string; via: 'person' | 'post' }>;
}

export const CLIENT_GRANT_TYPES = ['authorization_code', 'refresh_token', 'client_credentials'] as const;
export const CLIENT_SCOPES = [
  'openid',
  'profile',
  'email',
  'phone',
  'roles',
  'offline_access',
  'directory.read',
  'directory.manage',
  'provisioning.manage',
  'audit.read',
] as const;

export interface ClientView {
  clientId: string;
  nameZh: string;
  nameEn: string;
  ownerOrgUnitCode: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  backchannelLogoutUri: string | null;
  grantTypes: string[];
  scopes: string[];
  firstParty: boolean;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface ClientWithSecret {
  client: ClientView;
  clientSecret: string;
}

export interface AuditEntry {
  seq: number;
  at: string;
  actorType: string;
  actorId: string | null;
  actorName: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  outcome: string;
  requestId: string | null;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export interface AuditPage {
  entries: AuditEntry[];
  nextBeforeSeq: number | null;
}

export type AuditVerification =
  | { ok: true; checked: number; head: { seq: number; hash: string } }
  | { ok: false; checked: number; firstBad: { seq: number; reason: string } };

export interface TotpBegun {
  secret: string;
  uri: string;
}

export interface RecoveryCodes {
  recoveryCodes: string[];
}

export interface SessionsEnded {
  sessionsEnded: number;
}

/* The data exchange (src/modules/exchange/*.schema.ts). */

export const EXCHANGE_ZONES = ['internal', 'external'] as const;
export type ExchangeZone = (typeof EXCHANGE_ZONES)[number];

export interface ExchangeContact {
  name: string;
  phone: string | null;
  email: string | null;
}

export interface ExchangeMember {
  id: string;
  nameZh: string;
  nameEn: string;
  ownerOrgUnitCode: string;
  zone: string;
  status: string;
  contacts: ExchangeContact[];
  contactsMasked: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface ExchangeMemberWithSecret {
  member: ExchangeMember;
  clientSecret: string;
}

/** A member's right to publish under a standard (GET /api/exchange/v1/standards/{code}/publishers). */
export interface ExchangePublisher {
  standardCode: string;
  memberId: string;
  member: { id: string; nameZh: string; nameEn: string };
  grantedBy: string | null;
  grantedAt: string;
}

export const CLASSIFICATIONS = ['public', 'internal', 'sensitive', 'classified'] as const;
export type Classification = (typeof CLASSIFICATIONS)[number];
export type StandardVersionStatus = 'draft' | 'published' | 'deprecated';

export interface StandardVersionSummary {
  version: number;
  status: StandardVersionStatus;
  publishedAt: string | null;
  deprecatedAt: string | null;
  breaking: boolean | null;
}

export interface StandardView {
  code: string;
  nameZh: string;
  nameEn: string;
  description: string | null;
  ownerOrgUnitCode: string;
  classification: Classification;
  latestPublishedVersion: number | null;
  versions: StandardVersionSummary[];
  createdAt: string;
  updatedAt: string;
}

export interface StandardChange {
  path: string;
  change: string;
  breaking: boolean;
  message: { zh: string; en: string };
}

export interface CompatibilityReport {
  standardCode: string;
  version: number;
  previousVersion: number | null;
  breaking: boolean;
  changes: StandardChange[];
}

export interface StandardVersionView {
  standardCode: string;
  version: number;
  eventType: string;
  status: StandardVersionStatus;
  schema: unknown;
  changeNote: string | null;
  breaking: boolean | null;
  compatibility: StandardChange[] | null;
  publishedAt: string | null;
  deprecatedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface CodeListView {
  id: string;
  nameZh: string;
  nameEn: string;
  source: string | null;
  description: string | null;
  entryCount: number;
  createdAt: string;
  updatedAt: string;
}

export interface CodeListEntry {
  value: string;
  labelZh: string;
  labelEn: string | null;
  parentValue: string | null;
}

export interface CodeListWithEntries extends CodeListView {
  entries: CodeListEntry[];
}

export interface DataElementView {
  id: string;
  nameZh: string;
  nameEn: string;
  definitionZh: string | null;
  definitionEn: string | null;
  dataType: string;
  format: string | null;
  codeListId: string | null;
  createdAt: string;
  updatedAt: string;
}

export const NATIVE_FORMATS = ['json', 'xml', 'csv'] as const;
export type NativeFormat = (typeof NATIVE_FORMATS)[number];
export const MAPPING_DIRECTIONS = ['inbound', 'outbound'] as const;
export type MappingDirection = (typeof MAPPING_DIRECTIONS)[number];
export const CSV_DELIMITERS = [',', ';', '\t', '|'] as const;

export interface MappingOptions {
  xmlRootElement?: string;
  csvDelimiter?: (typeof CSV_DELIMITERS)[number];
}

export interface MappingView {
  memberId: string;
  standard: string;
  version: number;
  direction: MappingDirection;
  format: NativeFormat;
  expression: string;
  options: MappingOptions;
  revision: number;
  createdAt: string;
  updatedAt: string;
  updatedBy: string;
}

export interface DryRunResult {
  ok: boolean;
  /** Inbound: the standard payload; outbound: `{ contentType, body }`. */
  result?: unknown;
  errors: Array<{ pointer: string; reason: string; message?: string }>;
  schemaChecked: boolean;
}

export const SUBSCRIPTION_STATUSES = ['pending', 'approved', 'rejected', 'revoked'] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

export interface SubscriptionView {
  id: string;
  memberId: string;
  standardCode: string;
  filter: string | null;
  mode: string;
  endpoint: string | null;
  pushBatchSize: number;
  status: string;
  reason: string | null;
  requestedBy: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export const DELIVERY_STATUSES = ['pending', 'leased', 'delivered', 'dead', 'superseded'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface ExchangeMessageSummary {
  id: string;
  seq: number;
  source: string;
  eventId: string;
  standard: string;
  version: number;
  classification: string;
  partitionKey: string | null;
  correlationId: string | null;
  receivedAt: string;
  dataSize: number;
  deliveries: { total: number; delivered: number; pending: number; dead: number };
}

export interface DeliveryView {
  subscriptionId: string;
  messageSeq: number;
  messageId: string;
  source: string;
  standard: string;
  memberId: string;
  mode: string;
  status: DeliveryStatus;
  attempts: number;
  lastError: string | null;
  lastAttemptAt: string | null;
  nextAttemptAt: string;
  deliveredAt: string | null;
  receivedAt: string;
}

export interface ExchangeMessageDetail {
  message: ExchangeMessageSummary;
  proof: {
    algorithm: string;
    keyId: string;
    dataHash: string;
    messageHash: string;
    signature: string;
    prevHash: string;
    entryHash: string;
  };
  deliveries: DeliveryView[];
}
