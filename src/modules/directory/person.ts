/**
 * A civil servant in the directory and the posts (职务 in an org unit) they hold. People are
 * referred to by their HR number (`staffNo`, 工号); the uuid `id` is what events and other modules
 * carry. Personal values (name, mobile, email) never go into logs, audit details or error messages.
 */
import type { IsoDate } from './org-unit.js';

export const PERSON_STATUSES = ['active', 'suspended', 'left'] as const;
export type PersonStatus = (typeof PERSON_STATUSES)[number];

/** Upper-case letters and digits, 4 to 20 long: `HT000123`, `20190457`. */
export const STAFF_NO_PATTERN = /^[A-Z0-9]{4,20}$/;
/** A mainland mobile number, bare: 11 digits, `1` then 3–9 (no +86, no separators). */
export const MOBILE_PATTERN = /^1[3-9]\d{9}$/;
/** Deliberately loose (RFC 5321 allows far more than any form should check): local@domain.tld. */
export const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Who made a change: the platform's actor (a signed-in civil servant, a registered system, or the
 * platform itself), re-exported because every write of the directory names one.
 */
export type { Actor } from '../../platform/authorization.js';

/** A post as read back: where, what, and since when. */
export interface Post {
  id: string;
  personId: string;
  orgUnitCode: string;
  orgUnitNameZh: string;
  title: string;
  isPrimary: boolean;
  validFrom: IsoDate;
  /** The first day the post is no longer held; null while it is current. */
  validTo: IsoDate | null;
}

export interface Person {
  id: string;
  staffNo: string;
  name: string;
  mobile: string | null;
  email: string | null;
  status: PersonStatus;
  /** The day the current status took effect. */
  statusFrom: IsoDate;
  createdAt: Date;
  updatedAt: Date;
  /** Current posts, the primary first. */
  posts: Post[];
}

export interface PersonInput {
  staffNo: string;
  name: string;
  mobile?: string | null | undefined;
  email?: string | null | undefined;
  /** Defaults to active. */
  status?: PersonStatus | undefined;
  /** Defaults to today in China. */
  statusFrom?: IsoDate | undefined;
}

/** What `updatePerson` may change; absent fields stay as they are. The HR number never changes. */
export type PersonPatch = Partial<Omit<PersonInput, 'staffNo'>>;

export interface PostInput {
  orgUnitCode: string;
  title: string;
  /** Makes this the primary post (the former primary stays as a secondary post). A first post is always primary. */
  isPrimary?: boolean | undefined;
  /** Defaults to today in China. */
  validFrom?: IsoDate | undefined;
}

/** What kind of change a history row, an audit entry and a `directory.person.changed` event report. */
export type PersonChange = 'created' | 'updated' | 'post_assigned' | 'post_primary_set' | 'post_ended';

/** Payload of `directory.person.changed`: ids and field names, never personal values. */
export interface PersonChangedEvent {
  personId: string;
  change: PersonChange;
  /** The person fields that changed (`status`, `mobile` …), or the post's id for post changes. */
  fields: string[];
  postId?: string;
}

export const PERSON_CHANGED_EVENT = 'directory.person.changed';

const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000;

/**
 * Today's civil date in China (UTC+8, no daylight saving), the day a change without a date takes effect.
 * @example chinaToday(); // '2025-03-01'
 */
export function chinaToday(now: Date = new Date()): IsoDate {
  return new Date(now.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/**
 * Whether `text` is a real calendar date written `YYYY-MM-DD`.
 * @example isIsoDate('2024-02-30'); // false
 */
export function isIsoDate(text: unknown): text is IsoDate {
  if (typeof text !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const ms = Date.parse(`${text}T00:00:00Z`);
  return Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 10) === text;
}
