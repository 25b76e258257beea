/**
 * A registered system (OAuth client): an office or departmental system whose users sign in through
 * the platform, or a machine that calls the platform's APIs with client credentials. Each belongs to
 * the department that owns it; whoever manages systems there (`identity.client.manage`) registers and
 * changes it. The secret is shown once, at registration and at each rotation.
 */

/** Lower-case letters, digits and hyphens, 3 to 63 long, starting with a letter: `oa-system`, `hr-d03`. */
export const CLIENT_ID_PATTERN = /^[a-z][a-z0-9-]{2,62}$/;

export const CLIENT_GRANT_TYPES = ['authorization_code', 'refresh_token', 'client_credentials'] as const;
export type ClientGrantType = (typeof CLIENT_GRANT_TYPES)[number];

/** OpenID Connect scopes: what a relying party may ask to know about the signed-in person. */
export const OIDC_SCOPES = ['openid', 'profile', 'email', 'phone', 'roles', 'offline_access'] as const;
/** Scopes of the platform's own APIs, for machine clients (client credentials) and resource servers. */
export const API_SCOPES = [
  'directory.read',
  'directory.manage',
  'provisioning.manage',
  'audit.read',
  'exchange',
] as const;
/** Every scope a client may be registered for. */
export const CLIENT_SCOPES: readonly string[] = [...OIDC_SCOPES, ...API_SCOPES];

export const CLIENT_MANAGE_PERMISSION = 'identity.client.manage';
export const CLIENT_CHANGED_EVENT = 'identity.client.changed';

export const MAX_URIS = 20;
export const MAX_URI_LENGTH = 2000;

export interface RegisteredClient {
  clientId: string;
  nameZh: string;
  nameEn: string;
  /** The department that owns the system. */
  ownerOrgUnitCode: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  backchannelLogoutUri: string | null;
  grantTypes: ClientGrantType[];
  scopes: string[];
  /** The platform's own or a district system: its users are not asked to consent. */
  firstParty: boolean;
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface ClientInput {
  clientId: string;
  nameZh: string;
  nameEn: string;
  ownerOrgUnitCode: string;
  redirectUris?: string[] | undefined;
  postLogoutRedirectUris?: string[] | undefined;
  backchannelLogoutUri?: string | null | undefined;
  grantTypes: ClientGrantType[];
  scopes: string[];
  firstParty?: boolean | undefined;
}

/** What an update may change; absent fields stay. The client id never changes; enabling has its own calls. */
export type ClientPatch = Partial<Omit<ClientInput, 'clientId'>>;

/** A client with its secret, returned only by registration and rotation. */
export interface ClientWithSecret {
  client: RegisteredClient;
  /** Shown once: the platform keeps it sealed and never shows it again. */
  clientSecret: string;
}

export type ClientChange = 'created' | 'updated' | 'disabled' | 'enabled' | 'secret_rotated';

/** Payload of `identity.client.changed`: ids and field names, never the secret. */
export interface ClientChangedEvent {
  clientId: string;
  change: ClientChange;
  fields: string[];
}
