/**
 * SQL for `identity.session`: inserting, finding the live session of a token digest, touching,
 * listing and revoking. No rules here: the session service decides what is live and who may revoke.
 */
import type { Selectable } from 'kysely';
import { type Executor, tablesOf } from '../../platform/db/database.js';
import type { IdentityTables, SessionTable } from './identity.tables.js';
import type { SessionInfo, SubjectKind } from './session.js';

type SessionRow = Selectable<SessionTable>;

const db = (executor: Executor) => tablesOf<IdentityTables>(executor);

/** A stored session with what the service needs beyond `SessionInfo`. */
export interface StoredSession extends SessionInfo {
  absoluteExpiresAt: Date;
  revokedAt: Date | null;
}

export interface NewSessionRow {
  tokenHash: string;
  subjectKind: SubjectKind;
  subjectId: string;
  createdAt: Date;
  idleExpiresAt: Date;
  absoluteExpiresAt: Date;
  ip: string | null;
  userAgent: string | null;
  secondFactor: boolean;
}

export async function insertSession(executor: Executor, row: NewSessionRow): Promise<StoredSession> {
  const inserted = await db(executor)
    .insertInto('identity.session')
    .values({
      token_hash: row.tokenHash,
      subject_kind: row.subjectKind,
      subject_id: row.subjectId,
      created_at: row.createdAt,
      last_seen_at: row.createdAt,
      idle_expires_at: row.idleExpiresAt,
      absolute_expires_at: row.absoluteExpiresAt,
      ip: row.ip,
      user_agent: row.userAgent,
      second_factor: row.secondFactor,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toStored(inserted);
}

/** The unrevoked session whose token has this digest and whose expiries are after `now`. */
export async function selectLiveSessionByTokenHash(
  executor: Executor,
  tokenHash: string,
  now: Date,
): Promise<StoredSession | undefined> {
  const row = await db(executor)
    .selectFrom('identity.session')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .where('revoked_at', 'is', null)
    .where('idle_expires_at', '>', now)
    .where('absolute_expires_at', '>', now)
    .executeTakeFirst();
  return row && toStored(row);
}

export async function selectSession(executor: Executor, id: string): Promise<StoredSession | undefined> {
  const row = await db(executor).selectFrom('identity.session').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toStored(row);
}

/** Records use: last seen now, idle expiry moved on (the caller caps it at the absolute expiry). */
export async function touchSession(executor: Executor, id: string, now: Date, idleExpiresAt: Date): Promise<void> {
  await db(executor)
    .updateTable('identity.session')
    .set({ last_seen_at: now, idle_expires_at: idleExpiresAt })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .execute();
}

/** A subject's live sessions, newest first. */
export async function selectLiveSessions(
  executor: Executor,
  subjectKind: SubjectKind,
  subjectId: string,
  now: Date,
): Promise<StoredSession[]> {
  const rows = await db(executor)
    .selectFrom('identity.session')
    .selectAll()
    .where('subject_kind', '=', subjectKind)
    .where('subject_id', '=', subjectId)
    .where('revoked_at', 'is', null)
    .where('idle_expires_at', '>', now)
    .where('absolute_expires_at', '>', now)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute();
  return rows.map(toStored);
}

/**
 * Revokes the given sessions that are not revoked yet (expired ones too: revoking is final either
 * way) and returns those it revoked, so that each gets its event exactly once.
 */
export async function revokeSessionRows(
  executor: Executor,
  filter: { ids: readonly string[] } | { subjectKind: SubjectKind; subjectId: string; exceptId?: string | undefined },
  revokedAt: Date,
  reason: string,
): Promise<StoredSession[]> {
  let query = db(executor)
    .updateTable('identity.session')
    .set({ revoked_at: revokedAt, revoked_reason: reason })
    .where('revoked_at', 'is', null);
  if ('ids' in filter) {
    if (filter.ids.length === 0) return [];
    query = query.where('id', 'in', filter.ids);
  } else {
    query = query.where('subject_kind', '=', filter.subjectKind).where('subject_id', '=', filter.subjectId);
    if (filter.exceptId) query = query.where('id', '!=', filter.exceptId);
  }
  const rows = await query.returningAll().execute();
  return rows.map(toStored);
}

function toStored(row: SessionRow): StoredSession {
  return {
    id: row.id,
    subjectKind: row.subject_kind,
    subjectId: row.subject_id,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    expiresAt: row.idle_expires_at,
    ip: row.ip,
    userAgent: row.user_agent,
    secondFactor: row.second_factor,
    absoluteExpiresAt: row.absolute_expires_at,
    revokedAt: row.revoked_at,
  };
}
