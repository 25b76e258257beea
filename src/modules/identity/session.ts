/**
 * What a session is and how long it lives. A session is opened by a sign-in (staff here, public
 * accounts and the OpenID Provider elsewhere) and named by a cookie that holds a 256-bit random token;
 * the database keeps only the token's SHA-256, so a copy of the table opens nobody's session.
 *
 * Lifetimes, in one place:
 * - idle 30 minutes: a counter workstation left unlocked stops being signed in soon after the clerk
 *   walks away (GB/T 22239-2019 §8.1.4.1 b, 登录连接超时自动退出);
 * - absolute 12 hours: a working day with overtime, so nobody signs in twice a day, and a stolen cookie
 *   is worth at most one day;
 * - last_seen_at is written at most once a minute, so a busy page does not write a row per request.
 */
export const SESSION_COOKIE = 'huitong_session';

export const SESSION_IDLE_TIMEOUT_MS = 30 * 60 * 1000;
export const SESSION_ABSOLUTE_TIMEOUT_MS = 12 * 60 * 60 * 1000;
export const SESSION_TOUCH_INTERVAL_MS = 60 * 1000;

/** `identity.session.ended`: another module (the OpenID Provider) ends what hung on the session. */
export const SESSION_ENDED_EVENT = 'identity.session.ended';

export type SubjectKind = 'staff' | 'public';

export interface SessionInfo {
  id: string;
  subjectKind: SubjectKind;
  /** A directory person id (staff) or a public account id (public). */
  subjectId: string;
  createdAt: Date;
  lastSeenAt: Date;
  /** When it ends unless used again: the idle expiry, never later than the absolute one. */
  expiresAt: Date;
  ip: string | null;
  userAgent: string | null;
  /** Whether the sign-in that opened it checked a second factor (TOTP or a recovery code). */
  secondFactor: boolean;
}

export interface OpenedSession {
  session: SessionInfo;
  /** The cookie value: shown once, never stored. */
  token: string;
}

/** Payload of `identity.session.ended`. */
export interface SessionEndedEvent {
  sessionId: string;
  subjectKind: SubjectKind;
  subjectId: string;
  reason: string;
}

/** Now, injectable so tests can move time (idle and absolute expiry, throttling, TOTP steps). */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();
