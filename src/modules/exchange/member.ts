/**
 * Exchange members: the departmental systems that publish and receive data through the hub. A
 * member's id is its OIDC client id: it authenticates with client credentials from the platform's
 * OpenID Provider, and the member row says which department owns it and which network it lives on.
 */

/**
 * The network a member lives on. `external` (internet-facing) members never receive sensitive or
 * classified data, whatever their subscription says.
 */
export const ZONES = ['internal', 'external'] as const;
export type Zone = (typeof ZONES)[number];

export const MEMBER_STATUSES = ['enabled', 'disabled'] as const;
export type MemberStatus = (typeof MEMBER_STATUSES)[number];

/** Same rule as identity's client ids (and the column check of both tables): `gaj-rkxt`, `scjg-qydj`. */
export const MEMBER_ID_PATTERN = /^[a-z][a-z0-9-]{2,62}$/;

/** The OAuth scope a member's client is registered for and asks for with client credentials. */
export const EXCHANGE_SCOPE = 'exchange';
export const EXCHANGE_MANAGE_PERMISSION = 'exchange.manage';
export const EXCHANGE_READ_PERMISSION = 'exchange.read';

/** Classifications whose messages never go to an external-zone member. */
export const ZONE_RESTRICTED_CLASSIFICATIONS: ReadonlySet<string> = new Set(['sensitive', 'classified']);

/**
 * Whether a member in `zone` may receive data of `classification`: the one zone rule, asked at
 * subscription, at approval and (by the router) at every delivery.
 * @example zoneAllows('external', 'sensitive') // false
 */
export function zoneAllows(zone: Zone, classification: string): boolean {
  return zone === 'internal' || !ZONE_RESTRICTED_CLASSIFICATIONS.has(classification);
}

export const MAX_NAME_LENGTH = 100;
export const MAX_CONTACTS = 5;

export interface Member {
  id: string;
  nameZh: string;
  nameEn: string;
  ownerOrgUnitCode: string;
  zone: Zone;
  status: MemberStatus;
}

/** A person to call about the system. Personal data: masked for readers who do not manage the owner unit. */
export interface Contact {
  name: string;
  phone: string | null;
  email: string | null;
}

export interface MemberDetail extends Member {
  contacts: Contact[];
  createdAt: Date;
  updatedAt: Date;
}

export interface MemberInput {
  id: string;
  nameZh: string;
  nameEn: string;
  ownerOrgUnitCode: string;
  zone: string;
  contacts?: ContactInput[] | undefined;
}

export interface ContactInput {
  name: string;
  phone?: string | null | undefined;
  email?: string | null | undefined;
}

/** What an update may change; absent fields stay. The id and the owner unit never change. */
export interface MemberPatch {
  nameZh?: string | undefined;
  nameEn?: string | undefined;
  zone?: string | undefined;
  contacts?: ContactInput[] | undefined;
}

/** A member with its client secret, returned only by registration and rotation. */
export interface MemberWithSecret {
  member: MemberDetail;
  /** Shown once: the platform keeps it sealed and never shows it again. */
  clientSecret: string;
}
