import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testServerUrl } from '../../../test/support/database.js';
import { grantTablePolicy } from '../../../test/support/grant-table-policy.js';
import { smallDistrict } from '../../../test/support/org-units.js';
import type { Actor } from '../../platform/authorization.js';
import { ConflictError } from '../../platform/errors.js';
import { secretBox } from '../../platform/secrets/secret-box.js';
import { upsertOrgUnits } from '../directory/index.js';
import { registerMember } from './member.service.js';
import { requestSubscription } from './subscription.service.js';

// Identical requests racing each other: on PostgreSQL they run on separate connections, so several
// pass the existence check before any commits, and the unique index decides. On PGlite they queue.
let testDatabase: TestDatabase;
const db = () => testDatabase.database.kysely;
const policy = grantTablePolicy({ 'admin-xd2': { 'exchange.manage': ['XD2'], 'identity.client.manage': ['XD2'] } });
const app: Actor = { type: 'machine', id: 'bmfw-app' };

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  await upsertOrgUnits(db(), smallDistrict());
  await sql`insert into exchange.standard (code, name_zh, name_en, owner_org_unit_code, classification)
            values ('case-record', '办件信息', 'Case record', 'XD2', 'internal'),
                   ('population-basic', '人口基本信息', 'Population', 'XD2', 'internal')`.execute(db());
  await registerMember(
    db(),
    { type: 'user', id: 'admin-xd2' },
    { id: 'bmfw-app', nameZh: '便民服务', nameEn: 'Citizen app', ownerOrgUnitCode: 'XD2', zone: 'internal' },
    { policy, secrets: secretBox(randomBytes(32)) },
  );
});
afterAll(() => testDatabase.drop());

it('concurrent identical requests: one subscription, every other request a 409 conflict naming it', async () => {
  const requests = Array.from({ length: 8 }, () =>
    requestSubscription(db(), app, { standardCode: 'case-record', mode: 'pull' }, { policy }),
  );
  const outcomes = await Promise.allSettled(requests);
  const created = outcomes.filter((outcome) => outcome.status === 'fulfilled');
  const refused = outcomes.filter((outcome) => outcome.status === 'rejected');
  expect(created).toHaveLength(1);
  const winner = (created[0] as PromiseFulfilledResult<{ id: string }>).value.id;
  for (const outcome of refused) {
    expect(outcome.reason).toBeInstanceOf(ConflictError);
    expect(outcome.reason).toMatchObject({
      code: 'exchange.subscription_exists',
      params: { memberId: 'bmfw-app', standardCode: 'case-record', subscriptionId: winner },
    });
  }
  const rows = await sql<{ n: number }>`select count(*)::int as n from exchange.subscription`.execute(db());
  expect(rows.rows[0]!.n).toBe(1);
});

// Requests of one member queue on its row lock, so the check above sees a committed rival. A live row
// can still appear without that lock (here a rejected request made pending again by another writer):
// ours then passes the check, waits on the unique index, and must lose with a 409, not a 500.
// PostgreSQL only: it needs a second connection holding an open transaction.
it.runIf(testServerUrl !== undefined)('the request that loses on the unique index is a 409, not a 500', async () => {
  const rejected = await sql<{ id: string }>`
    insert into exchange.subscription (member_id, standard_code, mode, status, reason, requested_by)
    values ('bmfw-app', 'population-basic', 'pull', 'rejected', 'not yet', 'machine:bmfw-app')
    returning id`.execute(db());
  const rivalId = rejected.rows[0]!.id;
  const rival = new pg.Client({ connectionString: testDatabase.url });
  await rival.connect();
  try {
    await rival.query('begin');
    await rival.query(`update exchange.subscription set status = 'pending', reason = null where id = $1`, [rivalId]);
    const ours = requestSubscription(db(), app, { standardCode: 'population-basic', mode: 'pull' }, { policy }).catch(
      (error: unknown) => error,
    );
    await waitForLockWait(rival);
    await rival.query('commit');
    const error = await ours;
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ code: 'exchange.subscription_exists', params: { subscriptionId: rivalId } });
  } finally {
    await rival.end();
  }
});

async function waitForLockWait(client: pg.Client): Promise<void> {
  for (;;) {
    const waiting = await client.query(
      "select 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'",
    );
    if (waiting.rowCount) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
