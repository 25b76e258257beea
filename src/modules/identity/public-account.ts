/**
 * Public accounts: how citizens (个人用户) and enterprises and other organisations (法人用户) sign in to
 * the portal, apart from staff accounts. A citizen is known by the resident identity number
 * (GB 11643); an enterprise by its unified social credit code (GB 32100) and the person acting for it,
 * its legal representative (法定代表人) or an agent (经办人), with that person's name and number.
 *
 * The identity numbers, names, mobile numbers and e-mail addresses are personal data: stored whole,
 * since services need them, but never logged, masked in audit details, and masked in every response
 * but the holder's own (see public-account.presenter.ts).
 */

export const PUBLIC_ACCOUNT_KINDS = ['citizen', 'enterprise'] as const;
export type PublicAccountKind = (typeof PUBLIC_ACCOUNT_KINDS)[number];

export const AGENT_ROLES = ['legal_representative', 'agent'] as const;
export type AgentRole = (typeof AGENT_ROLES)[number];

export const PUBLIC_ACCOUNT_STATUSES = ['active', 'disabled'] as const;
export type PublicAccountStatus = (typeof PUBLIC_ACCOUNT_STATUSES)[number];

/** A mainland mobile number, bare: 11 digits, `1` then 3–9 (no +86, no separators). */
export const PUBLIC_MOBILE_PATTERN = /^1[3-9]\d{9}$/;
/** Deliberately loose, as the directory's: local@domain.tld. */
export const PUBLIC_EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const PERSON_NAME_MAX_LENGTH = 100;
export const ENTERPRISE_NAME_MAX_LENGTH = 200;
export const EMAIL_MAX_LENGTH = 254;

/** A public account as the services read it. */
export interface PublicAccount {
  id: string;
  kind: PublicAccountKind;
  /** The citizen, or the person acting for the enterprise. */
  personName: string;
  /** That person's resident identity number, normalised (18 characters, a check `X` upper case). */
  residentId: string;
  /** Enterprises only: null for citizens. */
  creditCode: string | null;
  enterpriseName: string | null;
  agentRole: AgentRole | null;
  mobile: string;
  email: string | null;
  status: PublicAccountStatus;
  passwordChangedAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

/** What a citizen types to register. Blank text counts as missing. */
export interface CitizenRegistration {
  residentId: string;
  name: string;
  mobile: string;
  email?: string | null | undefined;
  password: string;
}

/** What an enterprise's representative or agent types to register. */
export interface EnterpriseRegistration {
  creditCode: string;
  enterpriseName: string;
  agentRole: string;
  agentName: string;
  agentResidentId: string;
  mobile: string;
  email?: string | null | undefined;
  password: string;
}

/** Where a request came from, for the registration limit, the audit entry and the session. */
export interface RequestContext {
  ip: string | null;
  userAgent?: string | null | undefined;
  requestId?: string | undefined;
}
