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
