/**
 * Sessions: opening one for a subject who has proved who they are, finding the live session a cookie
 * names, listing a person's sessions and ending them. Ending a session is final, is audited, and
 * records `identity.session.ended` in the same transaction, so whatever hangs on the session (single
 * sign-on at departmental systems) ends with it even if the process dies right after.
 *
 * Who may end what: a civil servant their own sessions; someone holding `identity.session.manage`
 * over the person's primary org unit anybody's there; the system anybody's.
 */

import { createHash, randomBytes } from 'node:crypto';
import { recordAudit } from '../../platform/audit/audit-log.js';
import type { Actor, Policy } from '../../platform/authorization.js';
import { SYSTEM_ACTOR } from '../../platform/authorization.js';
import type { Executor } from '../../platform/db/database.js';
import { inTransaction } from '../../platform/db/database.js';
import { NotFoundError, ValidationError } from '../../platform/errors.js';
import { recordEvent } from '../../platform/events/outbox.js';
import { getPerson } from '../directory/index.js';
import './identity.messages.js';
import {
  type Clock,
  type OpenedSession,
  SESSION_ABSOLUTE_TIMEOUT_MS,
  SESSION_ENDED_EVENT,
  SESSION_IDLE_TIMEOUT_MS,
  SESSION_TOUCH_INTERVAL_MS,
  type SessionEndedEvent,
  type SessionInfo,
  type SubjectKind,
  systemClock,
} from './session.js';
import {
  insertSession,
  revokeSessionRows,
  type StoredSession,
  selectLiveSessionByTokenHash,
  selectLiveSessions,
  selectSession,
  touchSession,
} from './session.repository.js';

/** 256 random bits, as RFC 6749 §10.10 and OWASP's session guidance ask (at least 64 of entropy). */
const TOKEN_BYTES = 32;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;
const MAX_USER_AGENT_LENGTH = 512;
const MAX_IP_LENGTH = 64;
/** Reasons are codes (`sign_out`, `password_changed` …), shown translated, never free text. */
const REASON_SHAPE = /^[a-z][a-z0-9_]{0,99}$/;

export const SESSION_MANAGE_PERMISSION = 'identity.session.manage';

export interface OpenSessionInput {
  subjectKind: SubjectKind;
  subjectId: string;
  ip: string | null;
  userAgent: string | null;
  secondFactor: boolean;
}

export interface SessionClockOptions {
  clock?: Clock;
}

/**
 * Opens a session for a subject who has already proved who they are, and returns the token for the
 * cookie (shown once: only its SHA-256 is stored).
 * @example
 * const { token, session } = await openSession(db, { subjectKind: 'staff', subjectId: personId, ip, userAgent, secondFactor: true });
 * reply.setCookie(SESSION_COOKIE, token, …);
 */
export async function openSession(
  executor: Executor,
  input: OpenSessionInput,
  options: SessionClockOptions = {},
): Promise<OpenedSession> {
  const now = (options.clock ?? systemClock)();
  const token = randomBytes(TOKEN_BYTES).toString('base64url');
  return inTransaction(executor, async (tx) => {
    const absoluteExpiresAt = new Date(now.getTime() + SESSION_ABSOLUTE_TIMEOUT_MS);
    const stored = await insertSession(tx, {
      tokenHash: digestOf(token),
      subjectKind: input.subjectKind,
      subjectId: input.subjectId,
      createdAt: now,
      idleExpiresAt: earlier(new Date(now.getTime() + SESSION_IDLE_TIMEOUT_MS), absoluteExpiresAt),
      absoluteExpiresAt,
      ip: input.ip && input.ip.length <= MAX_IP_LENGTH ? input.ip : null,
      userAgent: input.userAgent ? input.userAgent.slice(0, MAX_USER_AGENT_LENGTH) : null,
      secondFactor: input.secondFactor,
    });
    await recordAudit(tx, {
      actor: input.subjectKind === 'staff' ? { type: 'user', id: input.subjectId } : SYSTEM_ACTOR,
      action: 'identity.session.open',
      target: { type: 'session', id: stored.id },
      outcome: 'success',
      details: {
        subjectKind: input.subjectKind,
        subjectId: input.subjectId,
        secondFactor: input.secondFactor,
        ip: stored.ip,
      },
    });
    return { session: infoOf(stored), token };
  });
}

/**
 * The live session a cookie token names, or null when the token is unknown, revoked or expired.
 * Using a session moves its idle expiry on; the row is written at most once a minute.
 * @example const session = await sessionFromToken(db, request.cookies[SESSION_COOKIE]);
 */
export async function sessionFromToken(
  executor: Executor,
  token: string,
  options: SessionClockOptions = {},
): Promise<SessionInfo | null> {
  if (!TOKEN_SHAPE.test(token)) return null;
  const now = (options.clock ?? systemClock)();
  const stored = await selectLiveSessionByTokenHash(executor, digestOf(token), now);
  if (!stored) return null;
  if (now.getTime() - stored.lastSeenAt.getTime() < SESSION_TOUCH_INTERVAL_MS) return infoOf(stored);
  const idleExpiresAt = earlier(new Date(now.getTime() + SESSION_IDLE_TIMEOUT_MS), stored.absoluteExpiresAt);
  await touchSession(executor, stored.id, now, idleExpiresAt);
  return infoOf({ ...stored, lastSeenAt: now, expiresAt: idleExpiresAt });
}

/**
 * A person's live sessions, newest first: their own, or anybody's for an actor holding
 * `identity.session.manage` over the person's primary unit.
 * @throws ForbiddenError `access.denied`; NotFoundError `directory.person_not_found`
 * @example const sessions = await listSessions(db, actor, personId, { policy });
 */
export async function listSessions(
  executor: Executor,
  actor: Actor,
  personId: string,
  deps: { policy: Policy; clock?: Clock },
): Promise<SessionInfo[]> {
  await assertMayManage(executor, actor, 'staff', personId, deps.policy);
  const rows = await selectLiveSessions(executor, 'staff', personId, (deps.clock ?? systemClock)());
  return rows.map(infoOf);
}

/**
 * Ends one session: one's own, or anybody's with `identity.session.manage` over their unit.
 * @throws NotFoundError `identity.session_not_found` (unknown or already ended); ForbiddenError `access.denied`
 * @example await revokeSession(db, actor, sessionId, 'revoked_by_user', { policy });
 */
export async function revokeSession(
  executor: Executor,
  actor: Actor,
  sessionId: string,
  reason: string,
  deps: { policy: Policy; clock?: Clock /** Only if it is this person's (a URL naming both). */; personId?: string },
): Promise<void> {
  checkReason(reason);
  await inTransaction(executor, async (tx) => {
    const session = isUuid(sessionId) ? await selectSession(tx, sessionId) : undefined;
    const elsewhere =
      deps.personId !== undefined && (session?.subjectKind !== 'staff' || session.subjectId !== deps.personId);
    if (!session || session.revokedAt || elsewhere)
      throw new NotFoundError('identity.session_not_found', { sessionId });
    await assertMayManage(tx, actor, session.subjectKind, session.subjectId, deps.policy);
    const ended = await revokeSessionRows(tx, { ids: [sessionId] }, (deps.clock ?? systemClock)(), reason);
    if (ended.length === 0) throw new NotFoundError('identity.session_not_found', { sessionId });
    await recordEnded(tx, actor, ended, reason, { type: 'session', id: sessionId });
  });
}

/**
 * Ends every session of a person (sign out everywhere; an administrator ending a colleague's access),
 * optionally keeping one (the one that changed the password). Returns how many ended.
 * @throws ForbiddenError `access.denied`; NotFoundError `directory.person_not_found`
 * @example const ended = await revokeAllSessions(db, actor, personId, 'sign_out_everywhere', { policy });
 */
export async function revokeAllSessions(
  executor: Executor,
  actor: Actor,
  personId: string,
  reason: string,
  deps: { policy: Policy; clock?: Clock; keepSessionId?: string | undefined },
): Promise<number> {
  checkReason(reason);
  return inTransaction(executor, async (tx) => {
    await assertMayManage(tx, actor, 'staff', personId, deps.policy);
    const ended = await revokeSessionRows(
      tx,
      { subjectKind: 'staff', subjectId: personId, exceptId: deps.keepSessionId },
      (deps.clock ?? systemClock)(),
      reason,
    );
    await recordEnded(tx, actor, ended, reason, { type: 'person', id: personId });
    return ended.length;
  });
}

/**
 * Ends every session of a person without a permission check: on the platform's own behalf when a
 * person leaves or is suspended (from the handler of `directory.person.changed`), or for the person
 * themself (a password change ends their other sessions). Returns how many ended.
 * @example await endSessionsOfPerson(tx, personId, 'person_left');
 */
export async function endSessionsOfPerson(
  executor: Executor,
  personId: string,
  reason: string,
  options: { actor?: Actor; keepSessionId?: string | undefined; clock?: Clock } = {},
): Promise<number> {
  checkReason(reason);
  const actor = options.actor ?? SYSTEM_ACTOR;
  return inTransaction(executor, async (tx) => {
    const ended = await revokeSessionRows(
      tx,
      { subjectKind: 'staff', subjectId: personId, exceptId: options.keepSessionId },
      (options.clock ?? systemClock)(),
      reason,
    );
    await recordEnded(tx, actor, ended, reason, { type: 'person', id: personId });
    return ended.length;
  });
}

/**
 * Ends the session a token names: signing out. Holding the token is the authority, so this serves
 * staff and public accounts alike. Returns the ended session, or null when the token named no live one.
 * @example await endSessionByToken(db, request.cookies[SESSION_COOKIE], 'sign_out');
 */
export async function endSessionByToken(
  executor: Executor,
  token: string,
  reason: string,
  options: SessionClockOptions = {},
): Promise<SessionInfo | null> {
  checkReason(reason);
  if (!TOKEN_SHAPE.test(token)) return null;
  const now = (options.clock ?? systemClock)();
  return inTransaction(executor, async (tx) => {
    const live = await selectLiveSessionByTokenHash(tx, digestOf(token), now);
    if (!live) return null;
    const ended = await revokeSessionRows(tx, { ids: [live.id] }, now, reason);
    const actor: Actor = live.subjectKind === 'staff' ? { type: 'user', id: live.subjectId } : SYSTEM_ACTOR;
    await recordEnded(tx, actor, ended, reason, { type: 'session', id: live.id });
    return ended[0] ? infoOf(ended[0]) : null;
  });
}

/** The SHA-256 of a session token, hex: what the table stores. */
function digestOf(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

async function assertMayManage(
  executor: Executor,
  actor: Actor,
  subjectKind: SubjectKind,
  subjectId: string,
  policy: Policy,
): Promise<void> {
  if (actor.type === 'user' && subjectKind === 'staff' && actor.id === subjectId) return;
  // A public account has no unit: managing it is a platform-wide permission.
  const orgUnitCode =
    subjectKind === 'staff' ? ((await getPerson(executor, subjectId)).posts[0]?.orgUnitCode ?? null) : null;
  await policy.assertAllowed(executor, actor, SESSION_MANAGE_PERMISSION, orgUnitCode);
}

async function recordEnded(
  executor: Executor,
  actor: Actor,
  ended: StoredSession[],
  reason: string,
  target: { type: string; id: string },
): Promise<void> {
  if (ended.length === 0) return;
  for (const session of ended) {
    const payload: SessionEndedEvent = {
      sessionId: session.id,
      subjectKind: session.subjectKind,
      subjectId: session.subjectId,
      reason,
    };
    await recordEvent(executor, {
      aggregateType: 'identity.session',
      aggregateId: session.id,
      type: SESSION_ENDED_EVENT,
      payload,
    });
  }
  await recordAudit(executor, {
    actor,
    action: ended.length === 1 && target.type === 'session' ? 'identity.session.revoke' : 'identity.session.revoke_all',
    target,
    outcome: 'success',
    details: { reason, sessionIds: ended.map((session) => session.id) },
  });
}

function checkReason(reason: string): void {
  if (!REASON_SHAPE.test(reason)) {
    throw new ValidationError('identity.session_reason_invalid', [{ pointer: '/reason', reason: 'pattern' }], {
      count: 1,
    });
  }
}

function infoOf(stored: StoredSession): SessionInfo {
  return {
    id: stored.id,
    subjectKind: stored.subjectKind,
    subjectId: stored.subjectId,
    createdAt: stored.createdAt,
    lastSeenAt: stored.lastSeenAt,
    expiresAt: stored.expiresAt,
    ip: stored.ip,
    userAgent: stored.userAgent,
    secondFactor: stored.secondFactor,
  };
}

function earlier(a: Date, b: Date): Date {
  return a.getTime() <= b.getTime() ? a : b;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A malformed id names no session; asking the database would fail on the uuid cast instead. */
function isUuid(text: string): boolean {
  return UUID.test(text);
}
