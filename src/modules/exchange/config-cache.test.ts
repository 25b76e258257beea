import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallDistrict } from '../../../test/support/org-units.js';
import { createTestPlatform, type TestPlatform } from '../../../test/support/runtime.js';
import { SYSTEM_ACTOR } from '../../platform/authorization.js';
import { upsertOrgUnits } from '../directory/index.js';
import { ConfigCache, readConfigVersion } from './config-cache.js';
import { grantPublisher, registerMember, revokePublisher } from './member.service.js';
import { publish } from './publish.service.js';
import { approveSubscription, requestSubscription } from './subscription.service.js';

let platform: TestPlatform;
const db = () => platform.runtime.database.kysely;
const exchange = () => platform.runtime.exchange!;
const deps = () => ({ policy: platform.runtime.policy, secrets: platform.runtime.secrets });
const caught = (work: Promise<unknown>) =>
  work.then(
    () => undefined,
    (error: unknown) => error,
  );
const event = (id: string) => ({
  specversion: '1.0',
  id,
  source: 'zwfw-ycsl',
  type: 'huitong.case-record.v1',
  datacontenttype: 'application/json',
  data: { caseNumber: id, days: 3 },
});
const send = (id: string) => publish(exchange().publishing, 'zwfw-ycsl', [event(id)], { batch: false });
/** What another process sharing the database does: changes rows by SQL, this process's services never told. */
const elsewhere = (statement: ReturnType<typeof sql>) => statement.execute(db());

beforeAll(async () => {
  platform = await createTestPlatform();
  await upsertOrgUnits(db(), smallDistrict());
  await sql`insert into exchange.standard (code, name_zh, name_en, owner_org_unit_code, classification)
            values ('case-record', '办件信息', 'Case record', 'XD2', 'internal')`.execute(db());
  const schema = { type: 'object', required: ['caseNumber'], properties: { caseNumber: { type: 'string' } } };
  await sql`insert into exchange.standard_version (standard_code, version, status, schema, published_at)
            values ('case-record', 1, 'published', ${JSON.stringify(schema)}::jsonb, now())`.execute(db());
  for (const id of ['zwfw-ycsl', 'zwfw-sub']) {
    await registerMember(
      db(),
      SYSTEM_ACTOR,
      { id, nameZh: `系统${id}`, nameEn: `System ${id}`, ownerOrgUnitCode: 'XD2', zone: 'internal' },
      deps(),
    );
  }
  await grantPublisher(db(), SYSTEM_ACTOR, 'case-record', 'zwfw-ycsl', deps());
  const subscription = await requestSubscription(
    db(),
    SYSTEM_ACTOR,
    { memberId: 'zwfw-sub', standardCode: 'case-record', mode: 'pull' },
    deps(),
  );
  await approveSubscription(db(), SYSTEM_ACTOR, subscription.id, deps());
}, 60_000);
afterAll(() => platform.close());

describe('the configuration version', () => {
  it('moves with every change to members, rights, mappings, subscriptions and standards', async () => {
    const changes = [
      sql`update exchange.member set name_en = 'Renamed' where id = 'zwfw-sub'`,
      sql`update exchange.publisher set granted_by = 'x' where member_id = 'zwfw-ycsl'`,
      sql`update exchange.subscription set filter = null where member_id = 'zwfw-sub'`,
      sql`update exchange.standard set name_en = 'Case' where code = 'case-record'`,
      sql`insert into exchange.mapping (member_id, standard_code, standard_version, direction, format, expression, updated_by)
          values ('zwfw-sub', 'case-record', 1, 'outbound', 'json', '$', 'system:huitong')`,
      sql`delete from exchange.mapping where member_id = 'zwfw-sub'`,
    ];
    for (const change of changes) {
      const before = await readConfigVersion(db());
      await change.execute(db());
      expect(await readConfigVersion(db())).toBeGreaterThan(before);
    }
  });
});

describe('the cache', () => {
  it('keeps one view while the version stands, and drops it at once for a change made through this process', async () => {
    const cache = new ConfigCache();
    const view = await cache.current(db());
    expect(await cache.current(db())).toBe(view);
    expect(cache.at(view.version)).toBe(view);
    await revokePublisher(db(), SYSTEM_ACTOR, 'case-record', 'zwfw-ycsl', deps());
    expect(cache.at(view.version)).toBeUndefined();
    const next = await cache.current(db());
    expect(next).not.toBe(view);
    expect(next.version).toBeGreaterThan(view.version);
    await grantPublisher(db(), SYSTEM_ACTOR, 'case-record', 'zwfw-ycsl', deps());
  });

  it('reads the counter again when a view is due, and drops it when another process moved it', async () => {
    const cache = new ConfigCache();
    const view = await cache.current(db());
    view.checkedAt = 0; // due, as half a second later
    expect(await cache.current(db())).toBe(view);
    await elsewhere(sql`update exchange.config_version set version = version + 1`);
    expect(await cache.current(db())).toBe(view); // not due yet: the publish transaction's check covers it
    view.checkedAt = 0;
    const next = await cache.current(db());
    expect(next).not.toBe(view);
    expect(next.version).toBe(view.version + 1);
  });
});

describe('publishing on cached configuration', () => {
  it('routes and accepts on the cached rows, then stops at once when another process revokes', async () => {
    expect(await send('c-1')).toMatchObject([{ duplicate: false, deliveries: 1 }]);
    expect(await send('c-2')).toMatchObject([{ duplicate: false, deliveries: 1 }]);

    // A subscription revoked behind this process's back: the next message is not routed to it.
    await elsewhere(sql`update exchange.subscription set status = 'revoked' where member_id = 'zwfw-sub'`);
    expect(await send('c-3')).toMatchObject([{ duplicate: false, deliveries: 0 }]);
    await elsewhere(sql`update exchange.subscription set status = 'approved' where member_id = 'zwfw-sub'`);
    expect(await send('c-4')).toMatchObject([{ duplicate: false, deliveries: 1 }]);

    // A right revoked by another process: refused on the next publish, nothing logged.
    await elsewhere(sql`delete from exchange.publisher where member_id = 'zwfw-ycsl'`);
    expect(await caught(send('c-5'))).toMatchObject({ code: 'exchange.publish_not_permitted' });
    await elsewhere(sql`insert into exchange.publisher (standard_code, member_id) values ('case-record', 'zwfw-ycsl')`);

    // A member disabled by another process.
    expect(await send('c-6')).toMatchObject([{ duplicate: false }]);
    await elsewhere(sql`update exchange.member set status = 'disabled' where id = 'zwfw-ycsl'`);
    expect(await caught(send('c-7'))).toMatchObject({ code: 'exchange.member_disabled' });
    await elsewhere(sql`update exchange.member set status = 'enabled' where id = 'zwfw-ycsl'`);

    const logged = await sql<{ event_id: string }>`select event_id from exchange.message order by seq`.execute(db());
    expect(logged.rows.map((row) => row.event_id)).toEqual(['c-1', 'c-2', 'c-3', 'c-4', 'c-6']);
  });

  it('takes a bare bump of the counter (another process changed something else) without refusing', async () => {
    await send('c-8');
    await elsewhere(sql`update exchange.config_version set version = version + 1`);
    expect(await send('c-9')).toMatchObject([{ duplicate: false, deliveries: 1 }]);
    expect(await send('c-9')).toMatchObject([{ duplicate: true, deliveries: 1 }]);
  });
});
