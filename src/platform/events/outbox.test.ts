import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { DomainError, ValidationError } from '../errors.js';
import { recordEvent } from './outbox.js';

let testDatabase: TestDatabase;

beforeAll(async () => {
  testDatabase = await createTestDatabase();
});
afterAll(() => testDatabase.drop());

async function storedEvents() {
  const result = await sql<{ id: number; type: string; payload: unknown; request_id: string | null }>`
    select id, type, payload, request_id from platform.outbox_event order by id`.execute(testDatabase.database.kysely);
  return result.rows;
}

describe('recordEvent', () => {
  it('stores the event with the transaction that records it', async () => {
    const { database } = testDatabase;
    const id = await database.transaction((tx) =>
      recordEvent(tx, {
        aggregateType: 'case',
        aggregateId: 'C-1',
        type: 'cases.case.completed',
        payload: { caseId: 'C-1', steps: ['accepted', 'completed'] },
        requestId: 'req-1',
      }),
    );
    const stored = (await storedEvents()).find((event) => event.id === id);
    expect(stored).toEqual({
      id,
      type: 'cases.case.completed',
      payload: { caseId: 'C-1', steps: ['accepted', 'completed'] },
      request_id: 'req-1',
    });
  });

  it('keeps nothing when the transaction rolls back', async () => {
    const { database } = testDatabase;
    const before = await storedEvents();
    await expect(
      database.transaction(async (tx) => {
        await recordEvent(tx, { aggregateType: 'case', aggregateId: 'C-2', type: 'cases.case.accepted', payload: {} });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await storedEvents()).toEqual(before);
  });

  it('refuses to record outside a transaction', async () => {
    const error = await recordEvent(testDatabase.database.kysely, {
      aggregateType: 'case',
      aggregateId: 'C-3',
      type: 'cases.case.accepted',
      payload: {},
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('events.outside_transaction');
  });

  it('names every field of an event that is not valid', async () => {
    const error = await testDatabase.database
      .transaction((tx) =>
        recordEvent(tx, { aggregateType: 'Case', aggregateId: '', type: 'completed', payload: undefined }),
      )
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).fields.map((field) => field.pointer).sort()).toEqual([
      '/aggregateId',
      '/aggregateType',
      '/payload',
      '/type',
    ]);
  });
});
