import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { smallDistrict } from '../../../test/support/org-units.js';
import { makePerson } from '../../../test/support/people.js';
import { listAudit } from '../../platform/audit/audit-log.js';
import { type Policy, SYSTEM_ACTOR } from '../../platform/authorization.js';
import { DomainError, ForbiddenError } from '../../platform/errors.js';
import { assignPost, createPerson, upsertOrgUnits } from '../directory/index.js';
import { SESSION_ABSOLUTE_TIMEOUT_MS, SESSION_IDLE_TIMEOUT_MS } from './session.js';
import {
  endSessionByToken,
  endSessionsOfPerson,
  listSessions,
  openSession,
  revokeAllSessions,
  revokeSession,
  sessionFromToken,
} from './session.service.js';

let now = new Date('2026-03-02T01:00:00Z');
const clock = () => now;
const later = (ms: number) => {
  now = new Date(now.getTime() + ms);
};

const policy: Policy = {
  async authorize(_executor, actor, permission, orgUnitCode) {
    const allowed = actor.type === 'system' || (actor.id === 'admin-xd1' && orgUnitCode === 'XD1');
    return { allowed, permission, orgUnitCode, reason: allowed ? 'granted' : 'no_grant', grants: [] };
  },
  async assertAllowed(executor, actor, permission, orgUnitCode) {
    const decision = await this.authorize(executor, actor, permission, orgUnitCode);
    if (!decision.allowed) throw new ForbiddenError('access.denied', { permission });
  },
  async scopeOf() {
    return { everywhere: false, orgUnitCodes: ['XD1'] };
  },
};

let testDatabase: TestDatabase;
const db = () => testDatabase.database.kysely;

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  await upsertOrgUnits(db(), smallDistrict());
});
afterAll(() => testDatabase.drop());

async function makeStaffPerson(unit = 'XD1') {
  const person = await createPerson(db(), makePerson(), { actor: SYSTEM_ACTOR, policy });
  await assignPost(db(), person.id, { orgUnitCode: unit, title: '科员' }, { actor: SYSTEM_ACTOR, policy });
  return { person, actor: { type: 'user' as const, id: person.id } };
}

const open = (personId: string, extra: Partial<{ ip: string; userAgent: string; secondFactor: boolean }> = {}) =>
  openSession(
    db(),
    {
      subjectKind: 'staff',
      subjectId: personId,
      ip: '198.51.100.23',
      userAgent: 'Firefox',
      secondFactor: false,
      ...extra,
    },
    { clock },
  );

const endedEvents = async (sessionId: string) =>
  (
    await sql<{ type: string; payload: Record<string, unknown> }>`
      select type, payload from platform.outbox_event where aggregate_id = ${sessionId} order by id`.execute(db())
  ).rows;

async function errorOf(work: Promise<unknown>): Promise<DomainError> {
  const error = await work.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

describe('openSession and sessionFromToken', () => {
  it('opens a session whose token is never stored, and finds it by the token', async () => {
    const { person } = await makeStaffPerson();
    const { session, token } = await open(person.id, { secondFactor: true });
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(session).toMatchObject({
      subjectKind: 'staff',
      subjectId: person.id,
      ip: '198.51.100.23',
      userAgent: 'Firefox',
      secondFactor: true,
      createdAt: now,
      expiresAt: new Date(now.getTime() + SESSION_IDLE_TIMEOUT_MS),
    });
    const stored = await sql<{
      token_hash: string;
    }>`select token_hash from identity.session where id = ${session.id}`.execute(db());
    expect(stored.rows[0]!.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored.rows)).not.toContain(token);
    expect(await sessionFromToken(db(), token, { clock })).toEqual(session);
    expect(
      await sessionFromToken(db(), `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`, { clock }),
    ).toBeNull();
    expect(await sessionFromToken(db(), 'not a token', { clock })).toBeNull();
    const [audit] = (await listAudit(db(), { action: 'identity.session.open', targetId: session.id, limit: 1 }))
      .entries;
    expect(audit).toMatchObject({ actorType: 'user', actorId: person.id });
  });

  it('ends after 30 idle minutes, and use moves the idle expiry on (writing at most once a minute)', async () => {
    const { person } = await makeStaffPerson();
    const { session, token } = await open(person.id);
    later(30_000);
    expect((await sessionFromToken(db(), token, { clock }))!.lastSeenAt).toEqual(session.lastSeenAt);
    later(SESSION_IDLE_TIMEOUT_MS - 60_000);
    const touched = await sessionFromToken(db(), token, { clock });
    expect(touched).toMatchObject({ lastSeenAt: now, expiresAt: new Date(now.getTime() + SESSION_IDLE_TIMEOUT_MS) });
    later(SESSION_IDLE_TIMEOUT_MS - 1000);
    expect(await sessionFromToken(db(), token, { clock })).not.toBeNull();
    later(SESSION_IDLE_TIMEOUT_MS);
    expect(await sessionFromToken(db(), token, { clock })).toBeNull();
  });

  it('ends after 12 hours however busy', async () => {
    const { person } = await makeStaffPerson();
    const { session, token } = await open(person.id);
    const absolute = session.createdAt.getTime() + SESSION_ABSOLUTE_TIMEOUT_MS;
    while (now.getTime() + 20 * 60_000 < absolute) {
      later(20 * 60_000);
      const live = await sessionFromToken(db(), token, { clock });
      expect(live).not.toBeNull();
      expect(live!.expiresAt.getTime()).toBeLessThanOrEqual(absolute);
    }
    now = new Date(absolute);
    expect(await sessionFromToken(db(), token, { clock })).toBeNull();
  });
});

describe('listing and ending sessions', () => {
  it('lists one’s own live sessions, newest first', async () => {
    const { person, actor } = await makeStaffPerson();
    const first = await open(person.id);
    later(1000);
    const second = await open(person.id);
    later(1000);
    const ended = await open(person.id);
    await revokeSession(db(), actor, ended.session.id, 'revoked_by_user', { policy, clock });
    const sessions = await listSessions(db(), actor, person.id, { policy, clock });
    expect(sessions.map((session) => session.id)).toEqual([second.session.id, first.session.id]);
  });

  it('revokes one of one’s own, with an event and an audit entry in the same transaction', async () => {
    const { person, actor } = await makeStaffPerson();
    const { session, token } = await open(person.id);
    await revokeSession(db(), actor, session.id, 'revoked_by_user', { policy, clock });
    expect(await sessionFromToken(db(), token, { clock })).toBeNull();
    expect(await endedEvents(session.id)).toEqual([
      {
        type: 'identity.session.ended',
        payload: { sessionId: session.id, subjectKind: 'staff', subjectId: person.id, reason: 'revoked_by_user' },
      },
    ]);
    const [audit] = (await listAudit(db(), { action: 'identity.session.revoke', targetId: session.id, limit: 1 }))
      .entries;
    expect(audit).toMatchObject({
      actorId: person.id,
      details: { reason: 'revoked_by_user', sessionIds: [session.id] },
    });
    expect((await errorOf(revokeSession(db(), actor, session.id, 'revoked_by_user', { policy }))).code).toBe(
      'identity.session_not_found',
    );
  });

  it('signs out everywhere, the current session included', async () => {
    const { person, actor } = await makeStaffPerson();
    const sessions = [await open(person.id), await open(person.id), await open(person.id)];
    expect(await revokeAllSessions(db(), actor, person.id, 'sign_out_everywhere', { policy, clock })).toBe(3);
    for (const { token } of sessions) expect(await sessionFromToken(db(), token, { clock })).toBeNull();
    for (const { session } of sessions) expect(await endedEvents(session.id)).toHaveLength(1);
    expect(await revokeAllSessions(db(), actor, person.id, 'sign_out_everywhere', { policy, clock })).toBe(0);
  });

  it('lets an administrator over the person’s unit list and revoke, and refuses one over another unit', async () => {
    const { person } = await makeStaffPerson('XD1');
    const { person: elsewhere } = await makeStaffPerson('XD2');
    const admin = { type: 'user' as const, id: 'admin-xd1' };
    const { session } = await open(person.id);
    const { session: otherSession } = await open(elsewhere.id);

    expect((await listSessions(db(), admin, person.id, { policy, clock })).map((s) => s.id)).toEqual([session.id]);
    await revokeSession(db(), admin, session.id, 'revoked_by_administrator', { policy, clock, personId: person.id });
    expect(await listSessions(db(), admin, person.id, { policy, clock })).toEqual([]);

    expect((await errorOf(listSessions(db(), admin, elsewhere.id, { policy, clock }))).code).toBe('access.denied');
    expect(
      (await errorOf(revokeSession(db(), admin, otherSession.id, 'revoked_by_administrator', { policy }))).code,
    ).toBe('access.denied');
    expect(
      (await errorOf(revokeAllSessions(db(), admin, elsewhere.id, 'revoked_by_administrator', { policy }))).code,
    ).toBe('access.denied');
    // Another colleague is not an administrator of anything.
    const { actor: colleague } = await makeStaffPerson('XD1');
    expect((await errorOf(listSessions(db(), colleague, elsewhere.id, { policy }))).code).toBe('access.denied');
    expect(await listSessions(db(), SYSTEM_ACTOR, elsewhere.id, { policy, clock })).toHaveLength(1);
  });

  it('refuses a session id given under the wrong person', async () => {
    const { person } = await makeStaffPerson('XD1');
    const { person: other } = await makeStaffPerson('XD1');
    const { session } = await open(person.id);
    const error = await errorOf(
      revokeSession(db(), SYSTEM_ACTOR, session.id, 'revoked_by_administrator', { policy, personId: other.id }),
    );
    expect(error.code).toBe('identity.session_not_found');
  });

  it('ends a person’s sessions for the platform (a person leaving) and by token (signing out)', async () => {
    const { person } = await makeStaffPerson();
    const kept = await open(person.id);
    await open(person.id);
    const signingOut = await open(person.id);
    const ended = await endSessionByToken(db(), signingOut.token, 'sign_out', { clock });
    expect(ended).toMatchObject({ id: signingOut.session.id });
    expect(await endSessionByToken(db(), signingOut.token, 'sign_out', { clock })).toBeNull();
    expect(await endSessionsOfPerson(db(), person.id, 'person_left')).toBe(2);
    expect(await sessionFromToken(db(), kept.token, { clock })).toBeNull();
    const [audit] = (await listAudit(db(), { action: 'identity.session.revoke_all', targetId: person.id, limit: 1 }))
      .entries;
    expect(audit).toMatchObject({ actorType: 'system', details: { reason: 'person_left' } });
  });

  it('refuses a reason that is not a code', async () => {
    const { person, actor } = await makeStaffPerson();
    const { session } = await open(person.id);
    const error = await errorOf(revokeSession(db(), actor, session.id, 'Because I said so', { policy }));
    expect(error.code).toBe('identity.session_reason_invalid');
  });
});
