import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { type Database, openDatabase } from '../db/database.js';
import { ValidationError } from '../errors.js';
import { type AuditEntry, listAudit, recordAudit } from './audit-log.js';
import { type AuditRecord, GENESIS_HASH, hashAuditRecord } from './audit-record.js';
import { verifyAuditLog } from './audit-verify.js';

function makeEntry(overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    actor: { type: 'user', id: 'u-1', name: '张*' },
    action: 'directory.person.update',
    target: { type: 'person', id: 'p-1' },
    outcome: 'success',
    requestId: 'req-1',
    details: { fields: ['phone'] },
    ...overrides,
  };
}

/** Appends entries one transaction each, as the platform's services do. */
async function append(database: Database, entries: AuditEntry[]): Promise<AuditRecord[]> {
  const records: AuditRecord[] = [];
  for (const entry of entries) records.push(await database.transaction((tx) => recordAudit(tx, entry)));
  return records;
}

/** What a DBA can do: switch the append-only triggers off, change the table, switch them on. */
async function asDba(database: Database, statement: ReturnType<typeof sql>): Promise<void> {
  await database.transaction(async (tx) => {
    await sql`alter table platform.audit_log disable trigger user`.execute(tx);
    await statement.execute(tx);
    await sql`alter table platform.audit_log enable trigger user`.execute(tx);
  });
}

describe('the audit chain', () => {
  let testDatabase: TestDatabase;
  let database: Database;
  beforeAll(async () => {
    testDatabase = await createTestDatabase();
    database = testDatabase.database;
  });
  afterAll(() => testDatabase.drop());

  it('verifies an empty log, with the genesis hash as its head', async () => {
    expect(await verifyAuditLog(database.kysely)).toEqual({
      ok: true,
      checked: 0,
      head: { seq: 0, hash: GENESIS_HASH },
    });
  });

  it('chains entries from seq 1, each linked to the one before', async () => {
    const records = await append(database, [
      makeEntry(),
      makeEntry({ actor: { type: 'system' }, action: 'platform.calendar.reload', target: undefined }),
      makeEntry({ actor: { type: 'anonymous' }, outcome: 'denied', details: undefined }),
    ]);
    expect(records.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(records[0]!.prevHash).toBe(GENESIS_HASH);
    expect(records[1]!.prevHash).toBe(records[0]!.hash);
    expect(records[2]!.prevHash).toBe(records[1]!.hash);
    expect(records[1]).toMatchObject({ actorType: 'system', actorId: null, targetType: null, targetId: null });
    const result = await verifyAuditLog(database.kysely, { batchSize: 2 });
    expect(result).toEqual({ ok: true, checked: 3, head: { seq: 3, hash: records[2]!.hash } });
  });

  it('hashes the documented canonical form, so anyone can recompute a hash', async () => {
    const [first] = (await listAudit(database.kysely, { limit: 500 })).entries.slice(-1);
    const canonical =
      `{"action":"directory.person.update","actor_id":"u-1","actor_name":"张*","actor_type":"user",` +
      `"at":"${first!.at.toISOString()}","details":{"fields":["phone"]},"outcome":"success",` +
      `"prev_hash":"${GENESIS_HASH}","request_id":"req-1","seq":1,"target_id":"p-1","target_type":"person"}`;
    expect(first!.hash).toBe(createHash('sha256').update(canonical, 'utf8').digest('hex'));
    expect(first!.at.toISOString()).toMatch(/\.\d{3}Z$/);
  });

  it('stores exactly what it hashed, whatever order and form the details had', async () => {
    const [record] = await append(database, [
      makeEntry({ details: { z: 1, a: { y: [1.5, null, 'x'], b: true }, when: new Date(0), dropped: undefined } }),
    ]);
    expect(record!.details).toEqual({ z: 1, a: { y: [1.5, null, 'x'], b: true }, when: '1970-01-01T00:00:00.000Z' });
    const [stored] = (await listAudit(database.kysely, { limit: 1 })).entries;
    expect(stored).toEqual(record);
    expect(hashAuditRecord(stored!)).toBe(stored!.hash);
  });

  it('refuses an entry that is not well formed, naming the fields', async () => {
    const attempt = database.transaction((tx) =>
      recordAudit(tx, makeEntry({ actor: { type: 'user' }, action: 'Update Person', details: [1] as never })),
    );
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    const error = (await attempt.catch((e: unknown) => e)) as ValidationError;
    expect(error.fields.map((f) => f.pointer).sort()).toEqual(['/action', '/actor/id', '/details']);
  });

  it('leaves no trace of an append in a rolled-back transaction, and no gap after it', async () => {
    const before = await verifyAuditLog(database.kysely);
    const rolledBack = database.transaction(async (tx) => {
      await recordAudit(tx, makeEntry({ action: 'directory.person.delete' }));
      throw new Error('the change failed');
    });
    await expect(rolledBack).rejects.toThrow('the change failed');
    const after = await verifyAuditLog(database.kysely);
    expect(after).toEqual(before);
    const [next] = await append(database, [makeEntry({ outcome: 'failure' })]);
    expect(before.ok && next!.seq).toBe(before.ok && before.head.seq + 1);
    expect((await listAudit(database.kysely, { action: 'directory.person.delete', limit: 10 })).entries).toEqual([]);
  });

  it('refuses a malformed anchor', async () => {
    await expect(verifyAuditLog(database.kysely, { anchor: { seq: 0, hash: 'abc' } })).rejects.toBeInstanceOf(
      ValidationError,
    );
  });

  it('refuses UPDATE, DELETE and TRUNCATE in the database itself', async () => {
    await expect(
      sql`update platform.audit_log set outcome = 'failure' where seq = 1`.execute(database.kysely),
    ).rejects.toThrow(/append-only: UPDATE of entry 1 refused/);
    await expect(sql`delete from platform.audit_log where seq = 2`.execute(database.kysely)).rejects.toThrow(
      /append-only: DELETE of entry 2 refused/,
    );
    await expect(sql`truncate platform.audit_log`.execute(database.kysely)).rejects.toThrow(
      /append-only: TRUNCATE refused/,
    );
    expect((await verifyAuditLog(database.kysely)).ok).toBe(true);
  });
});

describe('concurrent appenders', () => {
  let testDatabase: TestDatabase;
  let database: Database;
  beforeAll(async () => {
    testDatabase = await createTestDatabase();
    // On PostgreSQL, a pool of its own with many connections, so the transactions truly overlap.
    database = testDatabase.url
      ? await openDatabase({ databaseUrl: testDatabase.url, poolSize: 20 })
      : testDatabase.database;
  });
  afterAll(async () => {
    await database.close();
    await testDatabase.drop();
  });

  it('keeps one linear chain when 50 transactions append at once', async () => {
    const records = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        database.transaction(async (tx) => {
          // Work before the append, as a real change has, so the transactions interleave.
          await sql`select pg_sleep(${(i % 5) / 1000})`.execute(tx);
          return recordAudit(tx, makeEntry({ target: { type: 'person', id: `p-${i}` } }));
        }),
      ),
    );
    expect(records.map((r) => r.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(new Set(records.map((r) => r.prevHash)).size).toBe(50);
    const result = await verifyAuditLog(database.kysely, { batchSize: 7 });
    expect(result).toMatchObject({ ok: true, checked: 50 });
  });
});

describe('tampering', () => {
  let testDatabase: TestDatabase;
  let database: Database;
  let records: AuditRecord[];
  beforeEach(async () => {
    testDatabase = await createTestDatabase();
    database = testDatabase.database;
    records = await append(
      database,
      Array.from({ length: 5 }, (_, i) => makeEntry({ target: { type: 'person', id: `p-${i + 1}` } })),
    );
  });
  afterEach(() => testDatabase.drop());

  it('catches an edited entry at its seq', async () => {
    await asDba(database, sql`update platform.audit_log set details = '{"fields": ["name"]}' where seq = 3`);
    expect(await verifyAuditLog(database.kysely, { batchSize: 2 })).toEqual({
      ok: false,
      checked: 2,
      firstBad: { seq: 3, reason: 'hash_mismatch' },
    });
  });

  it('catches an edited entry whose hash was recomputed, at the link from the next one', async () => {
    const forged = { ...records[2]!, details: { fields: ['name'] } };
    await asDba(
      database,
      sql`update platform.audit_log set details = '{"fields": ["name"]}', hash = ${hashAuditRecord(forged)} where seq = 3`,
    );
    expect(await verifyAuditLog(database.kysely)).toMatchObject({
      ok: false,
      firstBad: { seq: 4, reason: 'chain_broken' },
    });
  });

  it('catches a deleted entry in the middle and at the start', async () => {
    await asDba(database, sql`delete from platform.audit_log where seq = 3`);
    expect(await verifyAuditLog(database.kysely)).toEqual({
      ok: false,
      checked: 2,
      firstBad: { seq: 3, reason: 'sequence_gap' },
    });
    await asDba(database, sql`delete from platform.audit_log where seq = 1`);
    expect(await verifyAuditLog(database.kysely)).toMatchObject({
      ok: false,
      firstBad: { seq: 1, reason: 'sequence_gap' },
    });
  });

  it('catches a deleted tail only against an anchor recorded before', async () => {
    const verified = await verifyAuditLog(database.kysely);
    expect(verified.ok).toBe(true);
    const anchor = verified.ok ? verified.head : { seq: 0, hash: '' };
    expect(anchor).toEqual({ seq: 5, hash: records[4]!.hash });
    await asDba(database, sql`delete from platform.audit_log where seq >= 4`);
    // Without the anchor a shortened log is a valid log: that is why the head is exported off-box.
    expect(await verifyAuditLog(database.kysely)).toMatchObject({ ok: true, checked: 3 });
    expect(await verifyAuditLog(database.kysely, { anchor })).toEqual({
      ok: false,
      checked: 3,
      firstBad: { seq: 4, reason: 'tail_missing' },
    });
  });

  it('catches a rewritten tail against the anchor', async () => {
    const anchor = { seq: 5, hash: records[4]!.hash };
    await asDba(database, sql`delete from platform.audit_log where seq >= 4`);
    await append(database, [makeEntry({ details: { fields: [] } }), makeEntry({ details: { fields: [] } })]);
    expect(await verifyAuditLog(database.kysely)).toMatchObject({ ok: true, checked: 5 });
    expect(await verifyAuditLog(database.kysely, { anchor })).toEqual({
      ok: false,
      checked: 4,
      firstBad: { seq: 5, reason: 'anchor_mismatch' },
    });
  });
});

describe('listAudit', () => {
  let testDatabase: TestDatabase;
  let all: AuditRecord[];
  beforeAll(async () => {
    testDatabase = await createTestDatabase();
    all = await append(testDatabase.database, [
      makeEntry({
        actor: { type: 'user', id: 'alice' },
        action: 'directory.person.create',
        target: { type: 'person', id: 'p-1' },
      }),
      makeEntry({
        actor: { type: 'user', id: 'bob' },
        action: 'directory.person.update',
        target: { type: 'person', id: 'p-1' },
      }),
      makeEntry({
        actor: { type: 'user', id: 'alice' },
        action: 'directory.person.update',
        target: { type: 'person', id: 'p-2' },
      }),
      makeEntry({
        actor: { type: 'machine', id: 'oa' },
        action: 'office.doc.send',
        target: { type: 'doc', id: 'p-1' },
      }),
      makeEntry({
        actor: { type: 'user', id: 'alice' },
        action: 'directory.person.update',
        target: { type: 'person', id: 'p-1' },
      }),
    ]);
  });
  afterAll(() => testDatabase.drop());
  const seqs = (page: { entries: AuditRecord[] }) => page.entries.map((r) => r.seq);

  it('filters by actor, target and action, newest first', async () => {
    const db = testDatabase.database.kysely;
    expect(seqs(await listAudit(db, { actorId: 'alice', limit: 10 }))).toEqual([5, 3, 1]);
    expect(seqs(await listAudit(db, { targetType: 'person', targetId: 'p-1', limit: 10 }))).toEqual([5, 2, 1]);
    expect(seqs(await listAudit(db, { action: 'directory.person.update', limit: 10 }))).toEqual([5, 3, 2]);
    expect(seqs(await listAudit(db, { actorId: 'alice', action: 'directory.person.update', limit: 10 }))).toEqual([
      5, 3,
    ]);
  });

  it('filters by a half-open time range', async () => {
    const from = all[1]!.at;
    const to = all[4]!.at;
    const expected = all
      .filter((r) => r.at >= from && r.at < to)
      .map((r) => r.seq)
      .reverse();
    expect(seqs(await listAudit(testDatabase.database.kysely, { from, to, limit: 10 }))).toEqual(expected);
    expect(seqs(await listAudit(testDatabase.database.kysely, { to: all[0]!.at, limit: 10 }))).toEqual([]);
  });

  it('pages with a keyset until the oldest entry', async () => {
    const db = testDatabase.database.kysely;
    const first = await listAudit(db, { limit: 2 });
    expect([seqs(first), first.nextBeforeSeq]).toEqual([[5, 4], 4]);
    const second = await listAudit(db, { limit: 2, beforeSeq: first.nextBeforeSeq! });
    expect([seqs(second), second.nextBeforeSeq]).toEqual([[3, 2], 2]);
    const last = await listAudit(db, { limit: 2, beforeSeq: second.nextBeforeSeq! });
    expect([seqs(last), last.nextBeforeSeq]).toEqual([[1], null]);
  });

  it('refuses a page size out of range', async () => {
    await expect(listAudit(testDatabase.database.kysely, { limit: 0 })).rejects.toBeInstanceOf(ValidationError);
    await expect(listAudit(testDatabase.database.kysely, { limit: 501 })).rejects.toBeInstanceOf(ValidationError);
  });
});
